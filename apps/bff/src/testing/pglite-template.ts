/**
 * In-memory PGlite databases for tests, started from a snapshot of an already migrated data directory (made once per
 * run by `pglite-template.global-setup.ts`) instead of an empty cluster: initdb and every migration cost seconds per
 * database, and the suite starts hundreds; and reused within a worker once a test closes them (pglite-reuse.ts). Without the snapshot (a script outside Vitest) it is an empty PGlite.
 */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type DatabaseTarget, PGLITE_OPTIONS } from '../db/database.ts';
import { PGliteReuse } from './pglite-reuse.ts';

/** Where the global setup wrote the snapshot; inherited by Vitest's workers, which start after it. */
export const TEMPLATE_PATH_VARIABLE = 'RECDESK_TEST_PGLITE_TEMPLATE';

let template: Blob | undefined;
let reuse: PGliteReuse | undefined;

export function pgliteTarget(): DatabaseTarget {
  const file = process.env[TEMPLATE_PATH_VARIABLE];
  if (!file) return { kind: 'pglite' };
  template ??= new Blob([readFileSync(file)]);
  const snapshot = template;
  // One per worker (the module is shared by a worker's files): its databases outlive the test that closes them.
  reuse ??= new PGliteReuse(() => new PGlite({ ...PGLITE_OPTIONS, loadDataDir: snapshot }));
  return { kind: 'pglite', template: snapshot, reuse };
}
