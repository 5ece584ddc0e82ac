/**
 * The concurrency family must never flake and must catch its racy bugs
 * reliably. Its whole family runs several times on the correct sample (no
 * failure allowed), and each zoo variant written for a K case runs the tests
 * of its declared K cases several times (caught every time, only in declared
 * cases): 5 and 3 times in the full tier (`npm run test:all`), 3 and 2 in the
 * quick one (`npm test`, pickle variants only). `node scripts/zoo.mjs --repeat 20 --family
 * concurrency` is the full check: 20 runs of the whole family on the sample and
 * on every variant, 19 of 20 caught at least.
 */
import { describe, expect, it } from 'vitest';
import { catchFloor, repeatProblems, repeatTable, runRepeat } from '../scripts/zoo.mjs';
import { byTier } from './helpers/tier.js';

const { repeat, variantRepeat, formats, atLeast } = byTier(
  // The quick tier leaves out the torch variants (each of their runs starts torch in new processes).
  { repeat: 3, variantRepeat: 2, formats: ['pickle'], atLeast: 4 },
  { repeat: 5, variantRepeat: 3, formats: undefined, atLeast: 5 },
);

describe('concurrency suite, repeated', () => {
  it(`is green ${repeat} runs in a row on the sample and catches every K variant every run`, async () => {
    const rows = await runRepeat({ family: 'concurrency', repeat, variantRepeat, formats, focused: true });
    console.log(`\n${repeatTable(rows)}\n`);

    // Under 20 runs the floor is every run.
    expect(catchFloor(variantRepeat)).toBe(variantRepeat);
    expect(repeatProblems(rows).map((row) => `${row.name}: ${row.failed}/${row.runs} ${row.cases}`)).toEqual([]);
    expect(rows.find((row) => row.name === 'sample')?.runs).toBe(repeat);
    const variants = rows.filter((row) => row.name !== 'sample');
    expect(variants.length).toBeGreaterThanOrEqual(atLeast);
    // A torch variant is skipped (0 runs) only where no Python has torch.
    for (const row of variants) expect([0, variantRepeat], row.name).toContain(row.runs);
  }, 900_000);
});
