/**
 * The resume family (R1–R14 but R11): finding and loading the right
 * checkpoint when a run resumes. Its questions are its policies.
 */
import {
  type Answers,
  type CaseSpec,
  type Family,
  type Question,
  exceptionQuestion,
  firstReason,
  hasCategory,
  hasOp,
  lacking,
  NONE,
} from '../question-kit.js';
import { pyString, pyStringList } from '../python-literal.js';
import { STRAY_KINDS } from '../stray-kinds.js';

declare module '../question-kit.js' {
  interface Families {
    resume: true;
  }
  interface Answers {
    missingPath: 'raise' | 'none';
    missingPathError: string;
    latestBy: 'step' | 'mtime';
    stepZero: 'save' | 'skip';
    resumeNone: 'fresh' | 'latest';
    duplicateStep: 'overwrite' | 'skip' | 'raise';
    duplicateStepError: string;
  }
}

const inResume = hasCategory('resume');

const QUESTIONS: readonly Question[] = [
  {
    name: 'missingPath',
    kind: 'enum',
    group: 'resume',
    message: 'Resuming from an explicit path that does not exist should…',
    help: 'R4: what `resume(path)` does when the path is missing.',
    choices: [
      { value: 'raise', help: 'raise an exception naming the path' },
      { value: 'none', help: 'return None and load nothing' },
    ],
    default: () => 'raise',
    when: inResume,
  },
  exceptionQuestion(
    'missingPathError',
    'resume',
    'Which exception does resuming from a missing path raise?',
    'R4: the exception `resume(path)` raises for a missing path.',
    'FileNotFoundError',
    (answers) => inResume(answers) && (answers.missingPath ?? 'raise') === 'raise',
  ),
  {
    name: 'latestBy',
    kind: 'enum',
    group: 'resume',
    message: 'The newest checkpoint is the one with…',
    help: 'R5/R6: how `latest()` orders checkpoints.',
    choices: [
      { value: 'step', help: 'the largest training step (recommended)' },
      { value: 'mtime', help: 'the latest modification time' },
    ],
    default: () => 'step',
    when: inResume,
  },
  {
    name: 'stepZero',
    kind: 'enum',
    group: 'resume',
    message: 'A checkpoint for step 0 is…',
    help: 'R9: whether `save(state, 0)` writes a checkpoint.',
    choices: [
      { value: 'save', help: 'written and found like any other' },
      { value: 'skip', help: 'not written: nothing to resume from' },
    ],
    default: () => 'save',
    when: inResume,
  },
  {
    name: 'resumeNone',
    kind: 'enum',
    group: 'resume',
    message: 'Resuming with no source given (None) should…',
    help: 'R12: what `resume(None)` does when checkpoints exist.',
    choices: [
      { value: 'fresh', help: 'start fresh and load nothing' },
      { value: 'latest', help: 'resume from the newest checkpoint' },
    ],
    default: () => 'fresh',
    when: inResume,
  },
  {
    name: 'duplicateStep',
    kind: 'enum',
    group: 'resume',
    message: 'Saving a step that already has a checkpoint should…',
    help: 'R13: what a second `save` of the same step does.',
    choices: [
      { value: 'overwrite', help: 'replace it with the new state' },
      { value: 'skip', help: 'keep the first, unless that file is damaged' },
      { value: 'raise', help: 'raise an exception and keep the first' },
    ],
    default: () => 'overwrite',
    when: inResume,
  },
  exceptionQuestion(
    'duplicateStepError',
    'resume',
    'Which exception does saving an existing step raise?',
    'R13: the exception a second `save` of the same step raises.',
    'FileExistsError',
    (answers) => inResume(answers) && answers.duplicateStep === 'raise',
  ),
];

/** Cases that check "the newest checkpoint" need latest() or, failing that, resume("latest"). */
function lackingNewest(answers: Answers): string | undefined {
  if (!hasOp(answers, 'save')) return lacking('save')(answers);
  return hasOp(answers, 'latest') || hasOp(answers, 'resume') ? undefined : lacking('latest', 'resume')(answers);
}

const CASES: readonly CaseSpec[] = [
  { id: 'R1', family: 'resume', title: 'resume("latest") loads the newest checkpoint, unchanged', leftOutBecause: lacking('save', 'resume') },
  { id: 'R2', family: 'resume', title: 'nothing to resume (empty or missing directory) gives None', leftOutBecause: lacking('resume') },
  { id: 'R3', family: 'resume', title: 'an explicit path loads exactly that file, even when newer ones exist', leftOutBecause: lacking('save', 'resume') },
  { id: 'R4', family: 'resume', title: 'a missing explicit path raises or gives None, per policy', leftOutBecause: lacking('save', 'resume') },
  {
    id: 'R5',
    family: 'resume',
    title: 'the newest is the largest step, not the last name in string order',
    leftOutBecause: firstReason(lackingNewest, (answers) =>
      answers.latestBy === 'mtime' ? 'latestBy is "mtime": step order is not promised' : undefined,
    ),
  },
  { id: 'R6', family: 'resume', title: 'modification times do not decide the newest (unless that is the policy)', leftOutBecause: lackingNewest },
  { id: 'R7', family: 'resume', title: 'temp files, partial writes, backups and directories are not checkpoints', leftOutBecause: lackingNewest },
  { id: 'R8', family: 'resume', title: 'every key and nested value survives save and load', leftOutBecause: lacking('save', 'load') },
  { id: 'R9', family: 'resume', title: 'a step-0 checkpoint is written and found (or skipped, per policy)', leftOutBecause: lackingNewest },
  { id: 'R10', family: 'resume', title: 'saving into a missing nested directory creates it', leftOutBecause: lacking('save', 'load') },
  {
    id: 'R11',
    family: 'resume',
    title: 'resumed training continues exactly (torch)',
    leftOutBecause: () => 'needs a torch training step bound in the adapter; not generated by this version yet',
  },
  { id: 'R12', family: 'resume', title: 'resume(None) does what the policy says: start fresh or resume latest', leftOutBecause: lacking('save', 'resume') },
  { id: 'R13', family: 'resume', title: 'saving the same step twice overwrites, skips or raises, per policy', leftOutBecause: lacking('save', 'resume') },
  {
    id: 'R14',
    family: 'resume',
    title: 'the run records the checkpoint it resumed from, and nothing after a fresh start',
    leftOutBecause: firstReason(lacking('save', 'resume'), (answers) =>
      !answers.className || answers.resumedFromAttribute === NONE
        ? `no attribute records the resumed-from path (answered "${NONE}")`
        : undefined,
    ),
  },
];

const STEP_ORDERS = [
  { id: '9-then-10', steps: [9, 10] },
  { id: '10-then-9', steps: [10, 9] },
  { id: '99-then-100', steps: [99, 100] },
  { id: 'shuffled-9-to-1000', steps: [100, 9, 1000, 10] },
  { id: '2-then-10-then-1', steps: [2, 10, 1] },
];
function resumeView(answers: Answers, cases: ReadonlySet<string>) {
  const missingPath = exceptionView(answers.missingPathError || 'FileNotFoundError');
  const duplicateStep = exceptionView(answers.duplicateStepError || 'FileExistsError');
  const newestVia: 'latest' | 'resume' = hasOp(answers, 'latest') ? 'latest' : 'resume';
  const exceptionImports = [
    cases.has('R4') && answers.missingPath === 'raise' ? missingPath.importLine : undefined,
    cases.has('R13') && answers.duplicateStep === 'raise' ? duplicateStep.importLine : undefined,
  ].filter((line): line is string => Boolean(line));
  const stdlib = cases.has('R6') ? ['import os'] : [];
  const imports = [...stdlib, ...(stdlib.length ? [''] : []), 'import pytest'];
  if (exceptionImports.length > 0) imports.push('', ...[...new Set(exceptionImports)].sort());
  if (answers.format === 'torch' && cases.has('R8')) imports.splice(imports.indexOf('import pytest') + 1, 0, 'import torch');
  return {
    imports,
    newestVia,
    newestFixtures: newestVia === 'latest' ? ['make_adapter'] : ['make_adapter', 'assert_same_state'],
    hasLatest: hasOp(answers, 'latest'),
    latestBy: answers.latestBy,
    stepZero: answers.stepZero,
    resumeNone: answers.resumeNone,
    missingPath: { policy: answers.missingPath, exception: missingPath.name },
    duplicateStep: { policy: answers.duplicateStep, exception: duplicateStep.name },
    stepOrders: STEP_ORDERS.map((order) => ({ id: order.id, steps: `[${order.steps.join(', ')}]` })),
    strayKinds: pyStringList(STRAY_KINDS.map((kind) => kind.id)),
    freshStarts: `[${['empty-directory', ...(answers.resumeNone === 'fresh' ? ['no-source'] : [])].map(pyString).join(', ')}]`,
  };
}

interface ExceptionView {
  /** The name the test writes in `pytest.raises(...)`. */
  name: string;
  /** `from x import Name` when the exception is not a builtin. */
  importLine?: string;
}

export function exceptionView(dotted: string): ExceptionView {
  const dot = dotted.lastIndexOf('.');
  if (dot < 0) return { name: dotted };
  const name = dotted.slice(dot + 1);
  return { name, importLine: `from ${dotted.slice(0, dot)} import ${name}` };
}

export const resumeFamily: Family = {
  name: 'resume',
  help: 'R: finding and loading the right checkpoint when a run resumes',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [{ template: 'resume/test_resume.py.ejs', file: 'test_resume.py' }],
  view: resumeView,
  variables: {
    imports: 'the import lines of test_resume.py, in order ("" for a blank line)',
    newestVia: '"latest" when the binding has latest(), else "resume": how a test checks the newest checkpoint',
    newestFixtures: 'the fixtures a test needs to check the newest checkpoint that way',
    hasLatest: 'whether the binding has a latest() op',
    latestBy: 'the R5/R6 policy: "step" or "mtime"',
    stepZero: 'the R9 policy: "save" or "skip"',
    resumeNone: 'the R12 policy: "fresh" or "latest"',
    missingPath: '{policy, exception}: the R4 policy and the exception name tests expect',
    duplicateStep: '{policy, exception}: the R13 policy and the exception name tests expect',
    stepOrders: '[{id, steps}]: the R5 parametrization, steps as a Python list literal',
    strayKinds: 'the stray kinds of R2/R7 as a Python list literal',
    freshStarts: 'the R14 fresh-start parametrization as a Python list literal',
  } satisfies { [K in keyof ReturnType<typeof resumeView>]: string },
};
