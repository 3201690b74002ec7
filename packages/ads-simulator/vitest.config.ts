import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'ads-simulator',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
