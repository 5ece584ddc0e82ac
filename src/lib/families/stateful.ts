/**
 * The stateful family (S1): a Hypothesis `RuleBasedStateMachine` runs random
 * sequences of save, load, latest, resume, prune, storage faults and damaged
 * files against the user's manager and a dictionary model of what must be on
 * disk, and checks after every step that they agree.
 *
 * Each rule needs its op; each policy the rules follow comes from the family
 * that asks it (resume, retention, faults). A policy nobody was asked about
 * is not guessed: the rule that depends on it is left out or avoids the
 * situation, and the test file's header says which.
 */
import {
  type Answers,
  type CaseSpec,
  type Family,
  type Question,
  firstReason,
  hasCategory,
  hasOp,
  lacking,
  NONE,
} from '../question-kit.js';
import { pyString, pyStringList } from '../python-literal.js';
import { STRAY_KINDS } from '../stray-kinds.js';
import { DIRECTORY_FAULTS, saveFaults } from './faults.js';
import { exceptionView } from './resume.js';

declare module '../question-kit.js' {
  interface Families {
    stateful: true;
  }
  interface Answers {
    statefulExamples: string;
    statefulSteps: string;
  }
}

const inStateful = hasCategory('stateful');
const COUNT = { source: '^[1-9][0-9]{0,4}$', allowed: 'a whole number from 1 to 99999, written as a string such as "25"' };

const QUESTIONS: readonly Question[] = [
  {
    name: 'statefulExamples',
    kind: 'string',
    group: 'stateful',
    message: 'How many random sequences should the stateful test (S1) run?',
    help: 'S1: Hypothesis `max_examples`, the number of random operation sequences; the default keeps S1 under a few seconds.',
    default: () => '30',
    when: inStateful,
    pattern: COUNT,
  },
  {
    name: 'statefulSteps',
    kind: 'string',
    group: 'stateful',
    message: 'How many operations at most in each sequence?',
    help: 'S1: Hypothesis `stateful_step_count`, the longest sequence of operations tried.',
    default: () => '25',
    when: inStateful,
    pattern: COUNT,
  },
];

const CASES: readonly CaseSpec[] = [
  {
    id: 'S1',
    family: 'stateful',
    title: 'random operation sequences agree with a model of what is on disk (Hypothesis)',
    leftOutBecause: firstReason(lacking('save'), (answers) =>
      ['load', 'latest', 'resume'].some((op) => hasOp(answers, op as 'load'))
        ? undefined
        : `no load(), latest() or resume() op (answered "${NONE}"): nothing reads the checkpoints back`,
    ),
  },
];

/** Steps either side of digit boundaries, where name order and number order differ. */
const STEPS = [1, 2, 9, 10, 11, 99, 100, 999, 1000, 9000, 10000];

function statefulView(answers: Answers, cases: ReadonlySet<string>) {
  const chosen = (family: string) => answers.categories.includes(family as never);
  // A policy is known only when its family asked it.
  const resume = chosen('resume');
  const stepZero = resume ? answers.stepZero : undefined;
  const duplicate = resume ? answers.duplicateStep : undefined;
  const missingPath = resume ? answers.missingPath : undefined;
  const resumeNone = resume ? answers.resumeNone : undefined;
  const latestBy = resume ? answers.latestBy : undefined;
  const saveFault = chosen('faults') ? answers.saveFault : undefined;
  const prune = chosen('retention') && hasOp(answers, 'prune');
  const keepBest = prune ? (answers.keepBest ?? 'no') : 'no';
  const has = (op: 'load' | 'latest' | 'resume') => hasOp(answers, op);
  const duplicateError = exceptionView(answers.duplicateStepError || 'FileExistsError');
  const missingError = exceptionView(answers.missingPathError || 'FileNotFoundError');
  const exceptionImports = [
    duplicate === 'raise' ? duplicateError.importLine : undefined,
    missingPath === 'raise' && has('resume') ? missingError.importLine : undefined,
  ].filter((line): line is string => Boolean(line));
  const faults = [...DIRECTORY_FAULTS.map((fault) => ({ ...fault })), ...saveFaults(answers.format)];
  const unknown: string[] = [];
  if (stepZero === undefined) unknown.push('step 0 is never saved (the step-zero policy was not asked)');
  if (duplicate === undefined) unknown.push('a step already on disk is never saved again (the duplicate-step policy was not asked)');
  if (resumeNone === undefined && has('resume')) unknown.push('resume(None) is not called (its policy was not asked)');
  if (missingPath === undefined && has('resume')) unknown.push('a missing path is never resumed (its policy was not asked)');
  if (latestBy === undefined) unknown.push('files are saved with modification times in step order (the latestBy policy was not asked)');
  if (!prune) unknown.push('prune() is not called (no prune op, or the retention family and its N were not chosen)');
  if (saveFault === undefined) unknown.push('a failed save may raise the OSError or return None (the faults policy was not asked)');
  return {
    imports: {
      exceptions: [...new Set(exceptionImports)].sort(),
    },
    examples: answers.statefulExamples || '30',
    steps: answers.statefulSteps || '25',
    stepChoices: `[${[...(stepZero === 'save' || stepZero === 'skip' ? [0] : []), ...STEPS].join(', ')}]`,
    strayKinds: pyStringList(STRAY_KINDS.map((kind) => kind.id)),
    faults: faults.map((fault) => ({ error: pyString(fault.error), phase: pyString(fault.phase) })),
    stepZero,
    duplicate,
    duplicateError: duplicateError.name,
    missingPath,
    missingError: missingError.name,
    resumeNone,
    mtimeOrder: latestBy === undefined ? 'step' : 'written',
    newestBy: latestBy === 'mtime' ? 'mtime' : 'step',
    saveFault,
    prune,
    keepLast: answers.keepLast || '3',
    best: keepBest === 'no' ? undefined : { metric: pyString(answers.bestMetric || 'loss'), pick: keepBest === 'lowest' ? 'min' : 'max' },
    hasLoad: has('load'),
    hasLatest: has('latest'),
    hasResume: has('resume'),
    hasResumedFrom: Boolean(answers.className) && Boolean(answers.resumedFromAttribute) && answers.resumedFromAttribute !== NONE,
    unknown,
    generated: cases.has('S1'),
    ignoresLockFiles: chosen('concurrency') && Boolean(answers.lockFile) && answers.lockFile !== 'none',
  };
}

export const statefulFamily: Family = {
  name: 'stateful',
  help: 'S: random operation sequences checked against a model of the disk (Hypothesis state machine)',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [{ template: 'stateful/test_stateful.py.ejs', file: 'test_stateful.py' }],
  view: statefulView,
  conftestPartials: ['partials/storage-faults.ejs', 'partials/stray-maker.ejs'],
  variables: {
    imports: '{exceptions}: the exception import lines of test_stateful.py',
    examples: 'the Hypothesis examples (statefulExamples)',
    steps: 'the steps of each example (statefulSteps)',
    stepChoices: 'the steps a save rule draws from, as a Python list literal',
    strayKinds: 'the stray kinds a rule may leave, as a Python list literal',
    faults: '[{error, phase}]: the faults a failing-save rule injects (Python literals)',
    stepZero: 'the R9 policy, when the resume family asked it',
    duplicate: 'the R13 policy, when asked',
    duplicateError: 'the R13 exception name',
    missingPath: 'the R4 policy, when asked',
    missingError: 'the R4 exception name',
    resumeNone: 'the R12 policy, when asked',
    mtimeOrder: '"written" or "step": how the model orders modification times',
    newestBy: '"step" or "mtime": how the model picks the newest',
    saveFault: 'the faults policy, when asked',
    prune: 'whether the machine has a prune rule',
    keepLast: 'N for the prune rule',
    best: '{metric, pick} when a best checkpoint is kept, else undefined',
    hasLoad: 'whether the binding has load()',
    hasLatest: 'whether the binding has latest()',
    hasResume: 'whether the binding has resume()',
    hasResumedFrom: 'whether the manager records resumed_from',
    unknown: 'the behaviours left out because their policy was not asked, for the module docstring',
    generated: 'whether S1 is generated',
    ignoresLockFiles: 'whether the folder check ignores *.lock files (a lock file is in use)',
  } satisfies { [K in keyof ReturnType<typeof statefulView>]: string },
};
