/**
 * The bench's corpus figures (issue 15): per corpus entry, the false failures
 * of its correct manager (must be 0) and how many of its bug variants its
 * suite catches within their BREAKS.
 */
import { describe, expect, it } from 'vitest';
import { corpusByEntry, corpusTable, listCorpus, runCorpus } from '../scripts/corpus.mjs';

const row = (entry: string, variant: string, caught: boolean, precise: boolean) => ({
  kind: 'variant',
  name: `${entry}/${variant}`,
  entry,
  caught,
  precise,
});

describe('corpusByEntry', () => {
  it('counts false failures and caught variants per entry, naming the variants missed', () => {
    const rows = [
      { kind: 'corpus', name: 'b_entry', falseFailures: 2 },
      row('b_entry', 'one', true, true),
      row('b_entry', 'two', true, false),
      { kind: 'corpus', name: 'a_entry', falseFailures: 0 },
      row('a_entry', 'only', false, false),
      row('c_entry', 'alone', true, true),
    ];
    expect(corpusByEntry(rows)).toEqual([
      { entry: 'a_entry', falseFailures: 0, caught: 0, variants: 1, missed: ['only'] },
      { entry: 'b_entry', falseFailures: 2, caught: 1, variants: 2, missed: ['two'] },
      { entry: 'c_entry', falseFailures: undefined, caught: 1, variants: 1, missed: [] },
    ]);
  });

  it('on a real entry with its first variant: 0 false failures, 1/1 caught', async () => {
    const [entry] = await listCorpus(['pointer_latest']);
    const rows = await runCorpus({ entries: [`pointer_latest/${entry!.variants[0]!.name}`] });
    console.log(`\n${corpusTable(rows)}\n`);
    expect(corpusByEntry(rows)).toEqual([
      { entry: 'pointer_latest', falseFailures: 0, caught: 1, variants: 1, missed: [] },
    ]);
  }, 300_000);
});
