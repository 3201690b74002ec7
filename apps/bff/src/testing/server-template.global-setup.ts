/**
 * Vitest global setup of the bff project: when the PostgreSQL server answers (in CI it must), migrates one template
 * database that every server test database is copied from (`server-template.ts`), and drops it and its copies when
 * the run ends.
 */
import { SERVER_URL, serverAnswers } from './database-targets.ts';
import { createServerTemplate, dropRun, SERVER_TEMPLATE_VARIABLE } from './server-template.ts';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (!(await serverAnswers())) return undefined;
  const template = await createServerTemplate(SERVER_URL);
  process.env[SERVER_TEMPLATE_VARIABLE] = template;
  return () => dropRun(SERVER_URL, template);
}
