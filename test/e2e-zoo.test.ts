/**
 * The bar of the project, end to end: the generated suite runs green on the
 * correct sample (every format, every alternative policy), fails on every
 * bug-zoo variant, and fails only in the cases the variant declares.
 */
import { describe, expect, it } from 'vitest';
import { CASES } from '../lib/cases.js';
import { runZoo, zooProblems, zooTable } from '../scripts/zoo.mjs';

describe('bug zoo, end to end', () => {
  it('is green on the sample, caught on every variant, and every generated R case catches a bug', async () => {
    const rows = await runZoo();
    console.log(`\n${zooTable(rows)}\n`);

    expect(zooProblems(rows).map((row) => `${row.name}: ${row.summary}`)).toEqual([]);
    const samples = rows.filter((row) => row.kind === 'sample');
    expect(samples.length).toBe(3);
    for (const sample of samples) expect(sample.passed, sample.name).toBeGreaterThan(30);

    const caught = new Set(rows.filter((row) => row.kind === 'variant').flatMap((row) => row.failingCases));
    const generated = CASES.filter((spec) => spec.family === 'resume' && spec.id !== 'R11').map((spec) => spec.id);
    expect(generated.filter((id) => !caught.has(id))).toEqual([]);
    // Every K case catches a bug too (K6 in the torch variant that writes on every rank).
    const concurrency = CASES.filter((spec) => spec.family === 'concurrency').map((spec) => spec.id);
    expect(concurrency.filter((id) => !caught.has(id))).toEqual([]);
  }, 900_000);
});
