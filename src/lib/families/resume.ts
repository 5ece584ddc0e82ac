/**
 * The resume family (R1–R14): finding and loading the right checkpoint when
 * a run resumes, and, for torch checkpoints, carrying a whole training run
 * across (R8's training-state checks, R11). Its questions are its policies
 * and the binding of the training-state methods.
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
import { BOUND_NAME_PATTERN, boundName, boundNameProblem, boundReference } from '../bound-name.js';
import { policyMark } from '../policy-mark.js';
import { needsAnyShape } from '../state-shape.js';
import { pyString, pyStringList } from '../python-literal.js';
import { STRAY_KINDS } from '../stray-kinds.js';

declare module '../question-kit.js' {
  interface Families {
    resume: true;
  }
  interface Answers {
    missingPath: 'raise' | 'none';
    missingPathError: string;
    latestBy: 'step' | 'mtime' | 'pointer' | 'rolling';
    latestPointerFile: string;
    rollingFile: string;
    stepZero: 'save' | 'skip';
    resumeNone: 'fresh' | 'latest';
    duplicateStep: 'overwrite' | 'skip' | 'raise';
    duplicateStepError: string;
    trainingStateOp: string;
    restoreTrainingOp: string;
    gradScaler: 'yes' | 'no';
  }
}

const inResume = hasCategory('resume');
/** A file name in the checkpoint folder: no folder part, not `.` or `..`. */
const FILE_NAME = '^(?!\\.{1,2}$)[^/\\\\\\x00]{1,200}$';
const FORMAT_SUFFIXES = { pickle: '.pkl', json: '.json', torch: '.pt' } as const;

/** How the newest checkpoint is found: by a step order (`step`, `mtime`), or by what the last save wrote. */
export const newestIsLastSaved = (answers: Partial<Answers>) =>
  answers.latestBy === 'pointer' || answers.latestBy === 'rolling';

/** The file besides the checkpoints that names or holds the newest (pointer, rolling), else undefined. */
export function latestFile(answers: Partial<Answers>): string | undefined {
  if (answers.latestBy === 'pointer') return answers.latestPointerFile || 'latest';
  if (answers.latestBy === 'rolling') return answers.rollingFile || `latest${FORMAT_SUFFIXES[answers.format ?? 'pickle']}`;
  return undefined;
}
const inTorchResume = (answers: Partial<Answers>) => inResume(answers) && answers.format === 'torch';

/** A training-state method question: bound to the user's method, or NONE for the adapter's default. */
function trainingMethodQuestion(
  name: 'trainingStateOp' | 'restoreTrainingOp',
  other: 'trainingStateOp' | 'restoreTrainingOp',
  signature: string,
  meaning: string,
  usual: string,
): Question {
  return {
    name,
    kind: 'string',
    group: 'resume',
    message: `Which method does \`${signature}\`? (${NONE}: the adapter gets a default you can edit)`,
    help: `R8/R11 (torch): the method behind the adapter's \`${name === 'trainingStateOp' ? 'training_state(training)' : 'restore_training(state, training)'}\`: ${meaning} \`${NONE}\` writes a default into checkpoint_adapter.py for a plain \`torch.nn\` module, optimizer and LR scheduler. Bind both methods or neither.`,
    default: (_answers, facts) => (facts?.callables.includes(usual) ? usual : NONE),
    pattern: BOUND_NAME_PATTERN,
    dynamicChoices: 'methods',
    // The default restore reads the keys the default capture writes: a mix of the two cannot work.
    validate: (value, answers) =>
      answers[other] !== undefined && (value === NONE) !== (answers[other] === NONE)
        ? `\`${other}\` is "${answers[other]}": bind both training-state methods, or answer "${NONE}" to both for the adapter's defaults`
        : boundNameProblem(value, answers),
    when: inTorchResume,
  };
}

const QUESTIONS: readonly Question[] = [
  {
    name: 'missingPath',
    kind: 'enum',
    group: 'resume',
    message: 'When asked to resume from a path that does not exist, your code…',
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
    message: 'Your code takes as the newest checkpoint the one with…',
    help: 'R5–R7, T3, S1: how your code decides which checkpoint is the newest. With `pointer` the newest is the file a pointer file names (the last one saved, whatever its step); with `rolling` it is one file every save overwrites, beside the per-step files `save()` returns.',
    choices: [
      { value: 'step', help: 'the largest training step (recommended)' },
      { value: 'mtime', help: 'the latest modification time' },
      { value: 'pointer', help: 'the one a pointer file names: the last one saved' },
      { value: 'rolling', help: 'one rolling file (such as last.ckpt) that every save overwrites' },
    ],
    default: () => 'step',
    when: inResume,
  },
  {
    name: 'latestPointerFile',
    kind: 'string',
    group: 'resume',
    sharedWith: ['retention', 'stateful'],
    message: 'What is the pointer file called? (in the checkpoint folder)',
    help: 'With `latestBy: pointer`: the name of the file, in the checkpoint folder, that names the last checkpoint saved (TensorFlow calls it `checkpoint`); it is not a stray file, and pruning must leave it.',
    default: () => 'latest',
    when: (answers) => inResume(answers) && answers.latestBy === 'pointer',
    pattern: { source: FILE_NAME, allowed: 'a file name without a folder, such as "latest" or "checkpoint"' },
  },
  {
    name: 'rollingFile',
    kind: 'string',
    group: 'resume',
    sharedWith: ['retention', 'stateful'],
    message: 'What is the rolling file every save overwrites called? (in the checkpoint folder)',
    help: "With `latestBy: rolling`: the name of the file, in the checkpoint folder, that every save overwrites and `latest()` returns (such as `last.ckpt`); `save()` returns the per-step file written beside it.",
    default: (answers) => `latest${FORMAT_SUFFIXES[answers.format ?? 'pickle']}`,
    when: (answers) => inResume(answers) && answers.latestBy === 'rolling',
    pattern: { source: FILE_NAME, allowed: 'a file name without a folder, such as "last.ckpt" or "latest.pt"' },
  },
  {
    name: 'stepZero',
    kind: 'enum',
    group: 'resume',
    message: 'When asked to save step 0, your code…',
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
    message: 'When asked to resume with no source given (None), your code…',
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
    message: 'When asked to save a step that already has a checkpoint, your code…',
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
  trainingMethodQuestion(
    'trainingStateOp',
    'restoreTrainingOp',
    'training_state(model, optimizer, scheduler, scaler)',
    'returns a dict of everything a resumed run needs (weights, optimizer, LR scheduler and grad-scaler states, and the Python, NumPy and torch RNG states).',
    'training_state',
  ),
  trainingMethodQuestion(
    'restoreTrainingOp',
    'trainingStateOp',
    'restore_training(state, model, optimizer, scheduler, scaler)',
    'puts such a dict back into live objects and the global RNGs.',
    'restore_training',
  ),
  {
    name: 'gradScaler',
    kind: 'enum',
    group: 'resume',
    message: 'Does your training state include an AMP GradScaler?',
    help: "R8 (torch): whether the training state carries a mixed-precision `GradScaler`, whose state must survive too. Without CUDA, torch's `GradScaler` disables itself and its `state_dict()` is empty, so the suite then uses a stand-in holding a real scaler's state keys (a real `GradScaler` where CUDA is available).",
    choices: [
      { value: 'no', help: 'no scaler (the scaler is None)' },
      { value: 'yes', help: "check that the scaler's state is saved and restored" },
    ],
    default: () => 'no',
    when: inTorchResume,
  },
];

const notTorch = (answers: Answers) => `checkpoints are ${answers.format} files, not torch`;

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
    partlyLeftOutBecause: (answers) =>
      newestIsLastSaved(answers)
        ? `latestBy is "${answers.latestBy}": the newest is the last checkpoint saved, not the largest step, so R5 checks that ${answers.latestBy === 'pointer' ? 'latest() names the last one saved' : 'latest() is the rolling file and holds the last state saved'}, in each save order`
        : undefined,
  },
  { id: 'R6', family: 'resume', title: 'modification times do not decide the newest (unless that is the policy)', leftOutBecause: lackingNewest },
  { id: 'R7', family: 'resume', title: 'temp files, partial writes, backups and directories are not checkpoints', leftOutBecause: lackingNewest },
  {
    id: 'R8',
    family: 'resume',
    title: 'every key and nested value survives save and load',
    leftOutBecause: firstReason(needsAnyShape, lacking('save', 'load')),
    partlyLeftOutBecause: (answers) =>
      answers.format === 'torch'
        ? undefined
        : `its training-state checks (optimizer, scheduler and RNG states restored exactly, a GPU checkpoint loaded on CPU) need torch checkpoints; ${notTorch(answers)}`,
  },
  { id: 'R9', family: 'resume', title: 'a step-0 checkpoint is written and found (or skipped, per policy)', leftOutBecause: lackingNewest },
  { id: 'R10', family: 'resume', title: 'saving into a missing nested directory creates it', leftOutBecause: lacking('save', 'load') },
  {
    id: 'R11',
    family: 'resume',
    title: 'resumed training continues exactly (torch)',
    leftOutBecause: firstReason(needsAnyShape, lacking('save', 'load'), (answers) =>
      answers.format === 'torch' ? undefined : `needs a torch training step; ${notTorch(answers)}`,
    ),
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
/** Training steps before the R8/R11 checkpoint and after the R11 resume (the LR decays in both). */
const STEPS_BEFORE_CHECKPOINT = 4;
const STEPS_AFTER_RESUME = 4;

/** Whether the torch training-state tests (R8's and R11) are generated. */
export function trainsThroughAdapter(answers: Answers, cases: ReadonlySet<string>): boolean {
  return answers.format === 'torch' && (cases.has('R8') || cases.has('R11'));
}

/** What a part of a run is, read from the live objects: the R8 restore parametrization. */
function trainingParts(answers: Answers) {
  return [
    { id: 'model-weights', read: 'training.model.state_dict()' },
    { id: 'optimizer-moments-and-step', read: 'training.optimizer.state_dict()' },
    { id: 'lr-scheduler', read: 'training.scheduler.state_dict()' },
    ...(answers.gradScaler === 'yes' ? [{ id: 'grad-scaler', read: 'training.scaler.state_dict()' }] : []),
    { id: 'python-rng', read: 'random.getstate()' },
    { id: 'numpy-rng', read: 'np.random.get_state()' },
    { id: 'torch-rng', read: 'torch.get_rng_state()' },
  ].map((part) => ({ key: pyString(part.id), read: part.read }));
}

function resumeView(answers: Answers, cases: ReadonlySet<string>) {
  const missingPath = exceptionView(answers.missingPathError || 'FileNotFoundError');
  const duplicateStep = exceptionView(answers.duplicateStepError || 'FileExistsError');
  const newestVia: 'latest' | 'resume' = hasOp(answers, 'latest') ? 'latest' : 'resume';
  const training = trainsThroughAdapter(answers, cases);
  const deepR8 = training && cases.has('R8');
  const exceptionImports = [
    cases.has('R4') && answers.missingPath === 'raise' ? missingPath.importLine : undefined,
    cases.has('R13') && answers.duplicateStep === 'raise' ? duplicateStep.importLine : undefined,
  ].filter((line): line is string => Boolean(line));
  const stdlib = [
    deepR8 ? 'import copy' : undefined,
    cases.has('R6') ? 'import os' : undefined,
    training ? 'import random' : undefined,
    // R2 says what latest() wrongly gave: a directory, a stray file.
    cases.has('R2') && hasOp(answers, 'latest') ? 'from pathlib import Path' : undefined,
  ].filter((line): line is string => Boolean(line));
  const thirdParty = [
    ...(training ? ['import numpy as np'] : []),
    'import pytest',
    ...(answers.format === 'torch' && (cases.has('R8') || training) ? ['import torch'] : []),
  ];
  const imports = [...stdlib, ...(stdlib.length ? [''] : []), ...thirdParty];
  if (exceptionImports.length > 0) imports.push('', ...[...new Set(exceptionImports)].sort());
  return {
    imports,
    newestVia,
    // A rolling file's name says nothing of its content: its state is compared too.
    newestFixtures:
      newestVia === 'latest' && answers.latestBy !== 'rolling' ? ['make_adapter'] : ['make_adapter', 'assert_same_state'],
    hasLatest: hasOp(answers, 'latest'),
    hasLoad: hasOp(answers, 'load'),
    latestBy: answers.latestBy,
    rollingFile: answers.latestBy === 'rolling' ? pyString(latestFile(answers)!) : undefined,
    newestOfSteps: newestIsLastSaved(answers) ? 'steps[-1]' : 'max(steps)',
    stepZero: answers.stepZero,
    resumeNone: answers.resumeNone,
    missingPath: { policy: answers.missingPath, exception: missingPath.name },
    marks: {
      missingPath: policyMark(answers.missingPath === 'raise' ? ['missingPath', 'missingPathError'] : ['missingPath']),
      duplicateStep: policyMark(answers.duplicateStep === 'raise' ? ['duplicateStep', 'duplicateStepError'] : ['duplicateStep']),
    },
    duplicateStep: { policy: answers.duplicateStep, exception: duplicateStep.name },
    stepOrders: STEP_ORDERS.map((order) => ({ id: order.id, steps: `[${order.steps.join(', ')}]` })),
    strayKinds: pyStringList(STRAY_KINDS.map((kind) => kind.id)),
    freshStarts: `[${['empty-directory', ...(answers.resumeNone === 'fresh' ? ['no-source'] : [])].map(pyString).join(', ')}]`,
    training,
    deepR8,
    gradScaler: training && answers.gradScaler === 'yes',
    stepsBeforeCheckpoint: STEPS_BEFORE_CHECKPOINT,
    stepsAfterResume: STEPS_AFTER_RESUME,
    trainingParts: deepR8 ? trainingParts(answers) : [],
    adapterImports: training ? adapterImports(answers) : [],
    adapterMethods: training ? trainingAdapterMethods(answers) : [],
  };
}

const bound = (answers: Answers) => Boolean(answers.trainingStateOp) && answers.trainingStateOp !== NONE;

/** The imports the adapter's training methods need, by module: stdlib first, then third-party. */
function adapterImports(answers: Answers): string[] {
  return bound(answers)
    ? ['from types import SimpleNamespace', '', 'import torch']
    : ['import copy', 'import random', 'from types import SimpleNamespace', '', 'import numpy as np', 'import torch'];
}

/** The adapter's methods of a training run (R8, R11), as source lines at class indentation. */
function trainingAdapterMethods(answers: Answers): { name: string; lines: string[] }[] {
  const reference = (name: 'trainingStateOp' | 'restoreTrainingOp') => boundReference(answers, boundName(answers, name)!);
  const build = {
    name: 'build_training',
    lines: [
      '    @staticmethod',
      '    def build_training(seed):',
      '        """A fresh model, optimizer and LR scheduler, built as a new run builds them.',
      '',
      '        R8 and R11 train these on CPU. The default is a tiny torch.nn model with',
      '        dropout (so the RNG matters), Adam (so its moments matter) and a step LR',
      '        schedule: change it to build your own model and optimizer, kept small.',
      '        ``scaler`` stays None here: with gradScaler "yes" the tests attach one.',
      '        """',
      '        torch.manual_seed(seed)',
      '        model = torch.nn.Sequential(',
      '            torch.nn.Linear(4, 8),',
      '            torch.nn.ReLU(),',
      '            torch.nn.Dropout(p=0.5),',
      '            torch.nn.Linear(8, 1),',
      '        )',
      '        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)',
      '        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)',
      '        return SimpleNamespace(',
      '            model=model, optimizer=optimizer, scheduler=scheduler, scaler=None',
      '        )',
    ],
  };
  const step = {
    name: 'train_step',
    lines: [
      '    @staticmethod',
      '    def train_step(training):',
      '        """One training step of ``training``: a batch, forward, backward, update.',
      '',
      '        The batch comes from the global torch RNG, as a shuffling data loader',
      '        draws it; change it to your own step (on CPU, no scaler needed).',
      '        """',
      '        inputs = torch.randn(8, 4)',
      '        targets = inputs.sum(dim=1, keepdim=True)',
      '        training.optimizer.zero_grad()',
      '        loss = torch.nn.functional.mse_loss(training.model(inputs), targets)',
      '        loss.backward()',
      '        training.optimizer.step()',
      '        training.scheduler.step()',
    ],
  };
  const captureDoc = [
    '    def training_state(self, training):',
    '        """Everything a resumed run needs, as a dict to save (R8, R11).',
    '',
    "        The weights, the optimizer's and LR scheduler's states, the grad",
    "        scaler's (when there is one) and the Python, NumPy and torch RNG states.",
    '        """',
  ];
  const restoreDoc = [
    '    def restore_training(self, state, training):',
    '        """Put a state ``training_state`` captured back into ``training`` and the RNGs."""',
  ];
  if (bound(answers)) {
    return [
      build,
      step,
      {
        name: 'training_state',
        lines: [
          ...captureDoc,
          `        return ${reference('trainingStateOp')}(`,
          '            training.model, training.optimizer, training.scheduler, training.scaler',
          '        )',
        ],
      },
      {
        name: 'restore_training',
        lines: [
          ...restoreDoc,
          `        ${reference('restoreTrainingOp')}(`,
          '            state,',
          '            training.model,',
          '            training.optimizer,',
          '            training.scheduler,',
          '            training.scaler,',
          '        )',
        ],
      },
    ];
  }
  return [
    build,
    step,
    {
      name: 'training_state',
      lines: [
        ...captureDoc,
        '        # Copies, not references: the live tensors change at the next step.',
        '        return {',
        '            "model": copy.deepcopy(training.model.state_dict()),',
        '            "optimizer": copy.deepcopy(training.optimizer.state_dict()),',
        '            "scheduler": training.scheduler.state_dict(),',
        '            "scaler": None if training.scaler is None else training.scaler.state_dict(),',
        '            "rng": {',
        '                "python": random.getstate(),',
        '                "numpy": np.random.get_state(),',
        '                "torch": torch.get_rng_state(),',
        '            },',
        '        }',
      ],
    },
    {
      name: 'restore_training',
      lines: [
        ...restoreDoc,
        '        training.model.load_state_dict(state["model"])',
        '        training.optimizer.load_state_dict(state["optimizer"])',
        '        training.scheduler.load_state_dict(state["scheduler"])',
        '        if training.scaler is not None:',
        '            training.scaler.load_state_dict(state["scaler"])',
        '        random.setstate(state["rng"]["python"])',
        '        np.random.set_state(state["rng"]["numpy"])',
        '        torch.set_rng_state(state["rng"]["torch"])',
      ],
    },
  ];
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
    latestBy: 'the R5/R6 policy: "step", "mtime", "pointer" or "rolling"',
    hasLoad: 'whether the binding has a load() op',
    rollingFile: 'the rolling file\'s name as a Python literal (latestBy "rolling"), else undefined',
    newestOfSteps: 'the R5 expression of the newest of `steps` (saved in that order): `max(steps)`, or `steps[-1]` when the newest is the last saved',
    stepZero: 'the R9 policy: "save" or "skip"',
    resumeNone: 'the R12 policy: "fresh" or "latest"',
    missingPath: '{policy, exception}: the R4 policy and the exception name tests expect',
    marks: '{missingPath, duplicateStep}: the `@pytest.mark.policy(...)` lines of R4 and R13',
    duplicateStep: '{policy, exception}: the R13 policy and the exception name tests expect',
    stepOrders: '[{id, steps}]: the R5 parametrization, steps as a Python list literal',
    strayKinds: 'the stray kinds of R2/R7 as a Python list literal',
    freshStarts: 'the R14 fresh-start parametrization as a Python list literal',
    training: 'whether the torch training-state tests (R8\'s and R11) train through the adapter',
    deepR8: "whether R8's torch training-state checks are generated",
    gradScaler: 'whether the training state carries a grad scaler (gradScaler is "yes")',
    stepsBeforeCheckpoint: 'training steps before the R8/R11 checkpoint',
    stepsAfterResume: 'training steps R11 runs after the resume',
    trainingParts: "[{key, read}]: R8's restore parametrization: id (a Python literal) and how to read the part",
    adapterImports: "the adapter's import lines its training methods need (\"\" for a blank line)",
    adapterMethods: '[{name, lines}]: the adapter\'s training methods, as source lines (build_training, train_step, training_state, restore_training)',
  } satisfies { [K in keyof ReturnType<typeof resumeView>]: string },
};
