import { defineConfig } from 'vitest/config';

export default defineConfig(({ mode }) => ({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The e2e zoo run and the PTY test spawn Python; two cores do not gain from more files at once.
    fileParallelism: true,
    maxWorkers: 2,
    // Files share workers (lib/ loads once a worker); test/helpers/setup-file.ts resets the working directory.
    isolate: false,
    setupFiles: ['test/helpers/setup-file.ts'],
    // `vitest run --mode full` (npm run test:all) is the full tier; see test/helpers/tier.ts.
    env: { CHECKPOINT_TESTS_TIER: process.env.CHECKPOINT_TESTS_TIER ?? (mode === 'full' ? 'full' : 'quick') },
  },
}));
