/**
 * The bar of the project, end to end: the generated suite runs green on the
 * correct sample (every format, with its slow cases, and every alternative
 * policy), fails on every bug-zoo variant, and fails only in the cases the
 * variant declares.
 *
 * To keep npm test quick the zoo runs in scope "families": a variant runs the
 * families its BREAKS name (so its precision is checked within those
 * families), a policy profile the families whose generated tests its answers
 * change (the others are byte for byte the default suite the sample run
 * passes). The cross-family sweep (every variant and profile against the
 * whole suite) is `node scripts/zoo.mjs` and the full `npm run bench`.
 */
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../lib/answers.js';
import { CASES, decideCases } from '../lib/cases.js';
import { runZoo, sampleAnswers, zooProblems, zooTable } from '../scripts/zoo.mjs';

describe('bug zoo, end to end', () => {
  it('is green on the sample, caught on every variant, and every generated case catches a bug', async () => {
    const rows = await runZoo({ scope: 'families' });
    console.log(`\n${zooTable(rows)}\n`);

    expect(zooProblems(rows).map((row) => `${row.name}: ${row.summary}`)).toEqual([]);
    const samples = rows.filter((row) => row.kind === 'sample');
    expect(samples.length).toBe(3);
    for (const sample of samples) expect(sample.passed, sample.name).toBeGreaterThan(30);

    const variants = rows.filter((row) => row.kind === 'variant');
    const caught = new Set(variants.flatMap((row) => row.failingCases));
    // The cases the sample's default answers generate: each must have failed on some variant.
    const answers = await resolveAnswers(
      { options: sampleAnswers(), file: {}, stored: {} },
      { inScope: () => true, yes: true, askAnswered: false },
    );
    const generated = decideCases(answers)
      .filter((decision) => decision.generated)
      .map((decision) => decision.id);
    expect(generated.length).toBeGreaterThan(10);
    expect(generated.filter((id) => !caught.has(id))).toEqual([]);
    // Every corruption case (C9 with the torch variant) catches a bug too.
    const corruption = CASES.filter((spec) => spec.family === 'corruption').map((spec) => spec.id);
    expect(corruption.filter((id) => !caught.has(id))).toEqual([]);

    // Every artifact case catches a bug, with the W&B fake and with the MLflow fake.
    const artifactCases = CASES.filter((spec) => spec.family === 'artifact').map((spec) => spec.id);
    for (const tracker of ['wandb', 'mlflow']) {
      const runs = variants.filter((row) => (tracker === 'mlflow') === row.name.endsWith('(mlflow)'));
      const caughtHere = new Set(runs.flatMap((row) => row.failingCases));
      expect(
        artifactCases.filter((id) => !caughtHere.has(id)),
        tracker,
      ).toEqual([]);
    }

    // Every V case catches a bug (V1 version_not_written, V2 migration_missing_key, V3 version_unchecked).
    const versioning = CASES.filter((spec) => spec.family === 'versioning').map((spec) => spec.id);
    expect(versioning.filter((id) => !caught.has(id))).toEqual([]);

    // Every K case catches a bug too (K6 in the torch variant that writes on every rank).
    const concurrency = CASES.filter((spec) => spec.family === 'concurrency').map((spec) => spec.id);
    expect(concurrency.filter((id) => !caught.has(id))).toEqual([]);
  }, 1_500_000);
});
