/**
 * Issue 15, hidden expectations 5 and 6.
 *
 * 5 (artifacts): each publish policy is a question with a strict default and
 * a lenient answer; the lenient answers pass on a correct manager that needs
 * them (examples/corpus/publish_returns_none), and each strict answer, alone,
 * catches that manager's departure from it in the tests that follow it.
 *
 * 6 (faults that reach torch): on a torch manager that writes with
 * `torch.save(obj, path)` (examples/corpus/torch_atomic_save), K4's kill and
 * F1's half-written save reach torch's own writer (they pass on the atomic
 * manager and fail on one writing the final name), F1's EXDEV skips with its
 * reason for a rename inside one folder, and nothing fails with "could not be
 * killed".
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../lib/programmatic.js';
import { QUESTIONS } from '../lib/questions.js';
import { SUITE_DIR, pythonWith, sampleAnswers, scratchProject } from '../scripts/zoo.mjs';
import { pytestServer, runSuite } from './helpers/pytest-server.js';

const CORPUS = fileURLToPath(new URL('../examples/corpus', import.meta.url));

/** The artifact policies, with their strict answers. */
const ARTIFACT_POLICIES = {
  publishSuccess: 'true',
  artifactName: '{name}',
  failureLogNames: 'artifact',
  retriedCalls: 'every-call',
  emptyAliases: 'none',
} as const;

describe('artifact policy questions', () => {
  it.each(Object.entries(ARTIFACT_POLICIES))(
    '%s declares its policy, the strict answer as the default',
    (name, strict) => {
      const question = QUESTIONS.find((entry) => entry.name === name)!;
      expect(question.group).toBe('artifact');
      expect(question.policy).toMatchObject({ strict });
      expect(question.policy!.why.length).toBeGreaterThan(20);
      expect(question.policy!.lenient.length).toBeGreaterThan(20);
      expect(question.default({ tracker: 'wandb', publishRetries: '2' } as never)).toBe(strict);
    },
  );
});

let python: string | undefined;
let root: string;

beforeAll(async () => {
  python = await pythonWith(['torch', 'hypothesis']);
  root = mkdtempSync(path.join(tmpdir(), 'policies-artifact-faults-'));
  // The shared pytest's imports (torch among them) are paid here, off the tests' own clocks.
  if (python) await pytestServer(python).ready;
}, 240_000);
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
});

/** A scratch copy of a corpus entry and its answers file. */
function corpusProject(entry: string, name: string) {
  const project = path.join(root, name);
  cpSync(path.join(CORPUS, entry), project, { recursive: true });
  const answers = JSON.parse(readFileSync(path.join(project, 'answers.json'), 'utf8')) as Record<string, unknown>;
  return { project, answers };
}

/** Generates the suite for `answers` in `project` and runs pytest on `target` (verbose skip reasons). */
async function generateAndRun(project: string, answers: Record<string, unknown>, target: string, extra: string[] = []) {
  await generate({ cwd: project, options: { ...answers, skipChecks: true } });
  return runSuite(python!, project, ['-m', 'not slow', '-rfEs', ...extra], path.join(SUITE_DIR, target));
}

describe('publish_returns_none: lenient answers pass, each strict answer catches its own departure', () => {
  it('finds a Python with torch and Hypothesis', () => expect(python).toBeDefined());

  it('passes every artifact and S1 test with the answers its author gives', async () => {
    const { project, answers } = corpusProject('publish_returns_none', 'lenient');
    const result = await generateAndRun(project, answers, '');
    expect(result.failing, result.output).toEqual([]);
    expect(result.passed).toBeGreaterThan(40);
  });

  // Each strict answer alone: the tests that must fail (a prefix of the test id), and no other test.
  const STRICT_CATCHES: [keyof typeof ARTIFACT_POLICIES, RegExp, RegExp][] = [
    ['publishSuccess', /^test_a1_publishes/, /^test_a(1|6|7)_/],
    ['artifactName', /^test_a1_publishes/, /^test_a1_publishes/],
    ['failureLogNames', /^test_a4_tracker_failure_returns_false_and_is_logged\[/, /^test_a4_/],
    [
      'retriedCalls',
      /^test_a6_transient_failures_then_success\[.*-(Artifact|add_file)\]$/,
      /^test_a6_transient_failures_then_success\[.*-(Artifact|add_file)\]$/,
    ],
    ['emptyAliases', /^test_a7_empty_aliases$/, /^test_a7_empty_aliases$/],
  ];

  it.each(STRICT_CATCHES)('strict %s catches the lenient-but-correct manager', async (name, mustFail, mayFail) => {
    const { project, answers } = corpusProject('publish_returns_none', `strict-${name}`);
    const result = await generateAndRun(project, { ...answers, [name]: ARTIFACT_POLICIES[name] }, 'test_artifact.py');
    expect(
      result.failing.some((test) => mustFail.test(test)),
      result.output,
    ).toBe(true);
    expect(
      result.failing.filter((test) => !mayFail.test(test)),
      result.output,
    ).toEqual([]);
    // The failing tests carry the policy marker naming the answer to change.
    const file = readFileSync(path.join(project, SUITE_DIR, 'test_artifact.py'), 'utf8');
    const failingFunction = result.failing[0].split('[')[0];
    const decorators = file
      .slice(0, file.indexOf(`def ${failingFunction}(`))
      .split('\n\n')
      .at(-1)!;
    expect(decorators).toContain(`"${name}"`);
  });
});

describe('K4, F1 and F2 reach torch.save(obj, path)', () => {
  const K4_F1_F2 = ['-k', 'k4 or f1 or f2'];

  it('exercises the real write path of an atomic torch manager: passes, skipping only with reasons', async () => {
    const { project, answers } = corpusProject('torch_atomic_save', 'torch-atomic');
    const result = await generateAndRun(project, answers, '', K4_F1_F2);
    expect(result.failing, result.output).toEqual([]);
    expect(result.output).not.toMatch(/could not be killed/);
    // The kill and the half-written torch save ran (were not skipped): they reached torch's writer.
    const skipped = [...result.output.matchAll(/^SKIPPED \[\d+\] (.*)$/gm)].map((match) => match[1]);
    expect(skipped.join('\n')).not.toMatch(/killed|torch\.save/);
    expect(skipped.join('\n')).toMatch(/renamed only inside one folder, which cannot cross file systems/);
    expect(skipped.every((reason) => /: .{20,}/.test(reason))).toBe(true);
  });

  it('catches torch.save to the final name with K4 and F1', async () => {
    const { project, answers } = corpusProject('torch_atomic_save', 'torch-final-name');
    const result = await generateAndRun(
      project,
      { ...answers, module: 'trainer_ckpt.variants.final_name_save' },
      '',
      K4_F1_F2,
    );
    expect(result.failing).toContain('test_k4_killed_mid_save_keeps_the_previous_checkpoint');
    expect(result.failing).toContain('test_f1_failed_save_is_reported_and_harmless[enospc-during-torch-save-new-step]');
    expect(result.output).not.toMatch(/could not be killed/);
  });

  it.each([
    ['the sample in torch format', 'sample_trainer.manager', false],
    ['the zoo variant torch_non_atomic_save', 'bug_zoo.torch_non_atomic_save', true],
  ])('%s: K4, F1 and F2 through torch', async (label, module, caught) => {
    const project = scratchProject(root, `sample-${module.replace(/\W+/g, '-')}`);
    const result = await generateAndRun(
      project,
      { ...sampleAnswers('torch', module), categories: ['concurrency', 'faults'] },
      '',
      K4_F1_F2,
    );
    expect(result.output).not.toMatch(/could not be killed/);
    if (caught) {
      expect(result.failing).toContain('test_k4_killed_mid_save_keeps_the_previous_checkpoint');
      expect(result.failing).toContain(
        'test_f1_failed_save_is_reported_and_harmless[enospc-during-torch-save-new-step]',
      );
    } else {
      expect(result.failing, result.output).toEqual([]);
    }
  });
});
