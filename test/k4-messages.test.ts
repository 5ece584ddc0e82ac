/**
 * K4's failures say in words what went wrong (issue 15, item 7): a crash the
 * save swallowed, and a save that never renames, instead of pytest's bare
 * "DID NOT RAISE SimulatedCrash".
 */
import { describe, expect, it } from 'vitest';
import { runCorpusEntry } from '../scripts/corpus.mjs';

const SLOW = 300_000;

describe('K4 messages', () => {
  it(
    'a bare except: that swallows the crash at the rename is named as such',
    async () => {
      const result = await runCorpusEntry('torch_atomic_save', {
        variant: 'bare_except_logs_failure',
        args: ['-k', 'k4'],
      });
      expect(result.failingCases).toEqual(['K4']);
      expect(result.output).toContain(
        'the save of step 2 returned normally although SimulatedCrash (a BaseException, as KeyboardInterrupt) was raised by its rename',
      );
      expect(result.output).not.toContain('DID NOT RAISE');
    },
    SLOW,
  );

  it(
    'a save that writes the final name in place is told it never renamed',
    async () => {
      const result = await runCorpusEntry('torch_atomic_save', { variant: 'final_name_save', args: ['-k', 'k4'] });
      expect(result.failingCases).toEqual(['K4']);
      expect(result.output).toContain('the save of step 2 never called os.replace or os.rename');
      expect(result.output).not.toContain('DID NOT RAISE');
    },
    SLOW,
  );
});
