/**
 * The bar of the project, end to end: the generated suite runs green on the
 * correct sample and fails on the bug-zoo variants, only in the cases each
 * variant declares.
 *
 * Full tier (`npm run test:all`): every format with its slow cases, every
 * alternative policy and every variant, and every generated case catches a bug.
 * The zoo runs in scope "families": a variant runs the families its BREAKS
 * name (so its precision is checked within those families), a policy profile
 * the families whose generated tests its answers change (the others are byte
 * for byte the default suite the sample run passes). The cross-family sweep
 * (every variant and profile against the whole suite) is `node
 * scripts/zoo.mjs` and the full `npm run bench`.
 *
 * Quick tier (`npm test`): the pickle sample with its slow cases, one variant a
 * family (each caught, only in its declared cases) and two policy profiles.
 */
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../lib/answers.js';
import { CASES, decideCases } from '../lib/cases.js';
import { runZoo, sampleAnswers, zooProblems, zooTable } from '../scripts/zoo.mjs';
import { FULL_TIER } from './helpers/tier.js';

/** The quick tier's variants: one a family, each quick to catch (pickle, no tracker runs). */
const QUICK_VARIANTS = {
  resume: 'latest_lexicographic',
  retention: 'retention_off_by_one',
  corruption: 'fallback_silent',
  versioning: 'version_unchecked',
  artifact: 'artifact_exception_propagates',
  concurrency: 'shared_temp_name',
  faults: 'save_errors_swallowed',
  paths: 'glob_unescaped_folder',
};
const QUICK = {
  formats: ['pickle'],
  variants: Object.values(QUICK_VARIANTS),
  policies: ['latest-by-mtime', 'duplicate-raise'],
  trackers: false,
};
const familyOfCase = new Map(CASES.map((spec) => [spec.id, spec.family]));

describe('bug zoo, end to end', () => {
  it('is green on the sample, caught on every variant, and (full tier) every generated case catches a bug', async () => {
    const rows = await runZoo({ scope: 'families', ...(FULL_TIER ? {} : QUICK) });
    console.log(`\n${zooTable(rows)}\n`);

    expect(zooProblems(rows).map((row) => `${row.name}: ${row.summary}`)).toEqual([]);
    const samples = rows.filter((row) => row.kind === 'sample');
    expect(samples.length).toBe(FULL_TIER ? 3 : 1);
    for (const sample of samples) expect(sample.passed, sample.name).toBeGreaterThan(30);

    const variants = rows.filter((row) => row.kind === 'variant');
    const caught = new Set(variants.flatMap((row) => row.failingCases));
    // Each family of QUICK_VARIANTS fails on its variant (in both tiers: the full one runs them too).
    const familiesCaught = new Set([...caught].map((id) => familyOfCase.get(id)));
    expect(Object.keys(QUICK_VARIANTS).filter((family) => !familiesCaught.has(family))).toEqual([]);
    if (!FULL_TIER) return;

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
