/**
 * The concurrency family must never flake and must catch its racy bugs
 * reliably. In npm test: its whole family runs 5 times on the correct sample
 * (no failure allowed), and each zoo variant written for a K case runs the
 * tests of its declared K cases 3 times (caught every time, only in declared
 * cases). `node scripts/zoo.mjs --repeat 20 --family concurrency` is the full
 * check: 20 runs of the whole family on the sample and on every variant, 19
 * of 20 caught at least.
 */
import { describe, expect, it } from 'vitest';
import { catchFloor, repeatProblems, repeatTable, runRepeat } from '../scripts/zoo.mjs';

describe('concurrency suite, repeated', () => {
  it('is green 5 runs in a row on the sample and catches every K variant every run', async () => {
    const rows = await runRepeat({ family: 'concurrency', repeat: 5, variantRepeat: 3, focused: true });
    console.log(`\n${repeatTable(rows)}\n`);

    expect(catchFloor(3)).toBe(3);
    expect(repeatProblems(rows).map((row) => `${row.name}: ${row.failed}/${row.runs} ${row.cases}`)).toEqual([]);
    expect(rows.find((row) => row.name === 'sample')?.runs).toBe(5);
    const variants = rows.filter((row) => row.name !== 'sample');
    expect(variants.length).toBeGreaterThanOrEqual(5);
    // A torch variant is skipped (0 runs) only where no Python has torch.
    for (const row of variants) expect([0, 3], row.name).toContain(row.runs);
  }, 900_000);
});
