/**
 * In-memory PGlite databases for tests, started from a snapshot of an already migrated data directory (made once per
 * run by `pglite-template.global-setup.ts`) instead of an empty cluster: initdb and every migration cost seconds per
 * database, and the suite starts hundreds. Without the snapshot (a script outside Vitest) it is an empty PGlite.
 */
import { readFileSync } from 'node:fs';
import type { DatabaseTarget } from '../db/database.ts';

/** Where the global setup wrote the snapshot; inherited by Vitest's workers, which start after it. */
export const TEMPLATE_PATH_VARIABLE = 'RECDESK_TEST_PGLITE_TEMPLATE';

let template: Blob | undefined;

export function pgliteTarget(): DatabaseTarget {
  const file = process.env[TEMPLATE_PATH_VARIABLE];
  if (!file) return { kind: 'pglite' };
  template ??= new Blob([readFileSync(file)]);
  return { kind: 'pglite', template };
}
