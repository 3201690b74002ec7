// One `vitest run` at the root runs every package's tests; each package keeps its own config beside its code.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    // Vitest's default is one worker less than the cores: one worker on a 2-core CI machine. Most integration tests
    // wait (on the PostgreSQL server, on a simulated upstream's pacing, on a worker's poll), so twice the cores keeps
    // both busy; memory is not the limit (a worker with its PGlite databases stays under 1 GiB).
    maxWorkers: Math.max(2, availableParallelism() * 2),
  },
});
