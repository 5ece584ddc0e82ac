/**
 * The two test tiers. `npm test` runs the quick tier: every test file, each
 * end-to-end harness on a representative slice (one bug variant a family, a
 * few corpus entries, fewer fuzzed files and repeats), in about three minutes on
 * two cores (`npm run bench -- --quick --npm-test` times it). `npm run
 * test:all` (what CI runs) is the full tier: the whole zoo and corpus, 1,000
 * fuzzed files, every repeat. vitest.config.ts sets the tier from vitest's
 * `--mode`.
 */
export const FULL_TIER = process.env.CHECKPOINT_TESTS_TIER === 'full';

/** `quick` in `npm test`, `full` in `npm run test:all`. */
export function byTier<T>(quick: T, full: T): T {
  return FULL_TIER ? full : quick;
}
