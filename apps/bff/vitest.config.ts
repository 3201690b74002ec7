import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bff',
    include: ['src/**/*.test.ts', 'fleet/**/*.test.ts'],
    environment: 'node',
    // One migrated PGlite snapshot per run that every test database starts from (src/testing/pglite-template.ts).
    globalSetup: ['src/testing/pglite-template.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
