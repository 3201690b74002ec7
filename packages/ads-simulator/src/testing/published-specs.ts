/**
 * Amazon's published OpenAPI documents, as the conformance tests read them: the copies in `published-specs/` (kept in
 * the repository so a clean clone tests on its own; see the README there).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PUBLISHED_SPECS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../published-specs');

/** One document, parsed: e.g. `loadPublishedSpec('partner-opportunities.json')`. */
export function loadPublishedSpec(file: string): object {
  return JSON.parse(readFileSync(path.join(PUBLISHED_SPECS_DIR, file), 'utf8')) as object;
}
