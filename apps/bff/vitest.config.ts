import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bff',
    include: ['src/**/*.test.ts', 'fleet/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    // Test files of a worker share its module graph instead of importing the whole BFF afresh each (which took most
    // of the suite's time): every test builds its own runtime, database and simulator, so no state leaks through a
    // module. Measured on a clean clone on the 2-core machine: the whole Vitest stage in 407 s instead of 601 s.
    isolate: false,
    // One migrated PGlite snapshot and one migrated server template per run, that every test database starts from
    // (src/testing/pglite-template.ts, src/testing/server-template.ts).
    globalSetup: ['src/testing/pglite-template.global-setup.ts', 'src/testing/server-template.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
