/**
 * The concurrency family must never flake and must catch its racy bugs
 * reliably: its tests run 5 times on the correct sample (no failure allowed)
 * and on every zoo variant that breaks a K case (caught every time, and only
 * in the declared cases). `node scripts/zoo.mjs --repeat 20 --family
 * concurrency` prints the full 20-run table.
 */
import { describe, expect, it } from 'vitest';
import { repeatProblems, repeatTable, runRepeat } from '../scripts/zoo.mjs';

describe('concurrency suite, repeated', () => {
  it('is green 5 runs in a row on the sample and catches every K variant every run', async () => {
    const repeat = 5;
    const rows = await runRepeat({ family: 'concurrency', repeat });
    console.log(`\n${repeatTable(rows, repeat)}\n`);

    expect(repeatProblems(rows, repeat).map((row) => `${row.name}: ${row.failed}/${row.runs} ${row.cases}`)).toEqual(
      [],
    );
    expect(rows.filter((row) => row.name !== 'sample').length).toBeGreaterThanOrEqual(5);
  }, 900_000);
});
