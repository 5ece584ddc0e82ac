/**
 * The corpus, end to end: the correct-but-unusual managers of examples/corpus
 * pass their generated suites (answered as their authors would) with no
 * failure and no error, and every bug variant of each is caught, only in the
 * cases it declares. A variant runs the families its BREAKS name (scope
 * "families"), so its precision is checked within those families; the sweep
 * of every variant against the whole suite is `node scripts/corpus.mjs` and
 * the full `npm run bench`.
 *
 * Full tier (`npm run test:all`): every entry. Quick tier (`npm test`): four
 * entries of distinct shapes (a pointer file, pruning inside save, a save that
 * returns nothing into zero-padded names, module functions), with their variants.
 */
import { describe, expect, it } from 'vitest';
import { corpusProblems, corpusTable, listCorpus, runCorpus } from '../scripts/corpus.mjs';
import { byTier } from './helpers/tier.js';

const ENTRIES = byTier(['pointer_latest', 'prune_in_save', 'padded_names', 'module_functions'], undefined);

describe('corpus, end to end', () => {
  it('has at least three real bug variants an entry, each declaring the cases it breaks', async () => {
    const corpus = await listCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(3);
    for (const entry of corpus) {
      expect(entry.variants.length, entry.name).toBeGreaterThanOrEqual(3);
      for (const variant of entry.variants) {
        expect(variant.breaks.length, `${entry.name}/${variant.name}`).toBeGreaterThan(0);
        expect(variant.bug, `${entry.name}/${variant.name} has no docstring`).not.toBe('');
      }
    }
  });

  it('gives no failure on a correct manager and catches every variant within its BREAKS', async () => {
    const rows = await runCorpus({ entries: ENTRIES, scope: 'families' });
    console.log(`\n${corpusTable(rows)}\n`);

    expect(corpusProblems(rows).map((row) => `${row.name}: ${row.summary}`)).toEqual([]);
    const correct = rows.filter((row) => row.kind === 'corpus');
    expect(correct.length).toBe((await listCorpus(ENTRIES)).length);
    for (const row of correct) {
      expect(row.falseFailures, row.name).toBe(0);
      // A suite that ran next to nothing proves nothing; a focused entry (two families) runs a dozen.
      expect(row.passed, row.name).toBeGreaterThanOrEqual(10);
    }
    for (const row of rows.filter((row) => row.kind === 'variant')) {
      expect(row.caught, row.name).toBe(true);
      expect(row.precise, `${row.name} failed ${row.failingCases.join(' ')}`).toBe(true);
    }
  }, 1_500_000);
});
