import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'shared-types',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
