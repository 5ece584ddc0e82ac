import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The e2e zoo run and the PTY test spawn Python; two cores do not gain from more files at once.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
