/**
 * The retention family (T1–T4): `prune()` keeps the N newest checkpoints by
 * step, the one a run resumed from and the best one, and touches nothing
 * else, whichever run wrote the files.
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
} from '../question-kit.js';
import { pyString, pyStringList } from '../python-literal.js';
import { STRAY_KINDS } from '../stray-kinds.js';
import { latestFile } from './resume.js';

declare module '../question-kit.js' {
  interface Families {
    retention: true;
  }
  interface Answers {
    pruneOn: 'prune-op' | 'save';
    keepLast: string;
    protectResumed: 'yes' | 'no';
    keepBest: 'no' | 'lowest' | 'highest';
    bestMetric: string;
  }
}

/** Whether retention happens inside `save` (answer pruneOn), so the T cases prune by saving. */
export const prunesInSave = (answers: Partial<Answers>) =>
  hasCategory('retention')(answers) && answers.pruneOn === 'save';

/** Whether anything prunes: a bound prune() op, or pruning inside save. */
export const prunes = (answers: Partial<Answers>) =>
  prunesInSave(answers) || (hasOp(answers, 'prune') && answers.pruneOn !== 'save');

const inRetention = (answers: Partial<Answers>) => hasCategory('retention')(answers) && prunes(answers);

/** The keyword arguments that usually give N in a constructor (`max_to_keep=3`, `keep_last=3`...). */
const KEEP_KEYWORD = /\b(?:keep|keep_last|keep_last_n|keep_n|max_to_keep|max_keep|num_to_keep|max_checkpoints|save_total_limit)\s*=\s*([1-9][0-9]{0,5})\b/;

/** The keywords of the max_to_keep design, where every save prunes (not `keep=`, which a prune() may read). */
const IN_SAVE_KEYWORD = /\b(?:max_to_keep|max_keep|num_to_keep|max_checkpoints|save_total_limit)\s*=/;

/** N as the constructor expression passes it, if it does. */
export function keepLastFromConstructor(expression: string | undefined): string | undefined {
  return KEEP_KEYWORD.exec(expression ?? '')?.[1];
}

const QUESTIONS: readonly Question[] = [
  {
    name: 'pruneOn',
    kind: 'enum',
    group: 'retention',
    message: 'When does your code delete old checkpoints?',
    help: 'T1–T4, S1: `prune-op` when the bound `prune()` op applies retention; `save` when every `save` prunes by itself (a `max_to_keep` design), so the T cases prune by saving and no prune op is needed. By default `save` when no prune op is bound and the constructor expression passes `max_to_keep=` (or `save_total_limit=`, `num_to_keep=`...).',
    choices: [
      { value: 'prune-op', help: 'when the prune() op is called' },
      { value: 'save', help: 'inside every save (max_to_keep)' },
    ],
    // A max_to_keep-style keyword in the constructor and no prune op: the common design.
    default: (answers) =>
      !hasOp(answers, 'prune') && IN_SAVE_KEYWORD.test(answers.constructorExpression ?? '') ? 'save' : 'prune-op',
    when: hasCategory('retention'),
  },
  {
    name: 'keepLast',
    kind: 'string',
    group: 'retention',
    message: 'How many of the newest checkpoints does your code keep? (N)',
    help: 'T1–T4: the number N of newest checkpoints (by step) that retention keeps; by default the number the constructor expression passes as `keep_last=`, `max_to_keep=`, `keep=` (and the like), else 3.',
    default: (answers) => keepLastFromConstructor(answers.constructorExpression) ?? '3',
    when: inRetention,
    pattern: { source: '^[1-9][0-9]{0,5}$', allowed: 'a whole number from 1 to 999999, written as a string such as "3"' },
  },
  {
    name: 'protectResumed',
    kind: 'enum',
    group: 'retention',
    message: 'Does your retention keep the checkpoint a run resumed from, however old?',
    help: 'T2, S1: whether pruning never deletes the checkpoint the run resumed from (`yes`), or treats it as any other (`no`: the tests then check only that pruning keeps the N newest and never deletes the newest).',
    choices: [
      { value: 'yes', help: 'yes: it is kept besides the N newest (recommended)' },
      { value: 'no', help: 'no: it goes like any other once N newer ones exist' },
    ],
    default: () => 'yes',
    when: (answers) => inRetention(answers) && hasOp(answers, 'resume'),
    policy: {
      strict: 'yes',
      why: "the run's weights came from that checkpoint: deleting it makes the run impossible to reproduce or restart from the same point",
      lenient: 'T2 and S1 check that pruning keeps exactly the N newest and never deletes the newest; the resumed-from checkpoint may go',
    },
  },
  {
    name: 'keepBest',
    kind: 'enum',
    group: 'retention',
    message: 'Does prune() also keep the best checkpoint?',
    help: 'T2: whether retention keeps the checkpoint with the best metric besides the N newest.',
    choices: [
      { value: 'no', help: 'no: only the N newest (and the one resumed from)' },
      { value: 'lowest', help: 'yes: the one whose metric is lowest (a loss)' },
      { value: 'highest', help: 'yes: the one whose metric is highest (an accuracy)' },
    ],
    default: () => 'no',
    when: inRetention,
  },
  {
    name: 'bestMetric',
    kind: 'string',
    group: 'retention',
    message: 'Under which key of the saved state does your code find the metric that names the best checkpoint?',
    help: 'T2: the top-level key of the state dict holding the metric (a number) by which your code picks the best checkpoint, e.g. `val_loss`.',
    default: () => 'loss',
    when: (answers) => inRetention(answers) && (answers.keepBest ?? 'no') !== 'no',
    validate: (value) => (value.trim() === '' ? 'it must name a key of the state dict, such as "val_loss"' : undefined),
  },
];

/** Retention needs save() and, unless save prunes by itself, a prune() op. */
const lackingPrune = (answers: Answers) => lacking('save')(answers) ?? (prunesInSave(answers) ? undefined : lacking('prune')(answers));

const CASES: readonly CaseSpec[] = [
  { id: 'T1', family: 'retention', title: 'prune() keeps exactly the N newest by step (not by name)', leftOutBecause: lackingPrune },
  {
    id: 'T2',
    family: 'retention',
    title: 'the checkpoint resumed from, and the best one, are never deleted',
    leftOutBecause: firstReason(lackingPrune, (answers) =>
      !hasOp(answers, 'resume') && answers.keepBest === 'no'
        ? 'no resume() op and no best checkpoint kept (keepBest is "no"): nothing is protected'
        : undefined,
    ),
    partlyLeftOutBecause: (answers) =>
      [
        hasOp(answers, 'resume') && answers.protectResumed === 'no'
          ? 'protectResumed is "no": after a resume it checks only that the N newest stay, not the checkpoint resumed from'
          : undefined,
        hasOp(answers, 'resume') && answers.protectResumed !== 'no' && answers.latestBy === 'rolling'
          ? 'latestBy is "rolling": a resume of "latest" reads the rolling file, so the resumed-from protection is checked for an explicit path only'
          : undefined,
      ]
        .filter(Boolean)
        .join('; ') || undefined,
  },
  { id: 'T3', family: 'retention', title: 'prune() deletes only checkpoints: strays and numbered files survive', leftOutBecause: lackingPrune },
  {
    id: 'T4',
    family: 'retention',
    title: 'prune() applies to checkpoints an earlier run left on disk',
    leftOutBecause: lackingPrune,
    partlyLeftOutBecause: (answers) =>
      prunesInSave(answers)
        ? 'pruning happens inside save (answer pruneOn "save"): the earlier run\'s checkpoints are pruned at the first save, so T4\'s "prune with no new save" variant is left out'
        : undefined,
  },
];

/** Steps across digit boundaries, in a fixed shuffled order, at least N + 2 of them. */
export function digitBoundarySteps(keep: number): number[] {
  const boundaries = [1, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 9000, 9999, 10000, 10001, 99999, 100000];
  const steps = boundaries.slice(0, Math.min(boundaries.length, keep + 2));
  for (let extra = 1; steps.length < keep + 2; extra++) steps.push(100000 + extra);
  // Interleave from both ends: larger and smaller steps alternate in save order.
  const shuffled: number[] = [];
  for (let low = 0, high = steps.length - 1; low <= high; low++, high--) {
    shuffled.push(steps[high]!);
    if (low !== high) shuffled.push(steps[low]!);
  }
  return shuffled;
}

/** Files with numbers in their names that a careless pattern takes for checkpoints (T3). */
const NUMBERED_FILES = ['metrics_1.csv', 'events.out.tfevents.1700000000', 'eval_step_1.log', 'step_1_notes.txt'];

function retentionView(answers: Answers, cases: ReadonlySet<string>) {
  const keep = Number(answers.keepLast || '3');
  const keepBest = answers.keepBest ?? 'no';
  const hasResume = hasOp(answers, 'resume');
  const stdlib = cases.has('T4') ? ['import shutil', ''] : [];
  return {
    imports: [...stdlib, 'import pytest'],
    rolling: answers.latestBy === 'rolling',
    keepLast: String(keep),
    boundarySteps: `[${digitBoundarySteps(keep).join(', ')}]`,
    resumedFrom: cases.has('T2') && hasResume,
    protectResumed: (answers.protectResumed ?? 'yes') === 'yes',
    inSave: prunesInSave(answers),
    // The pointer or rolling file beside the checkpoints (latestBy), which pruning must leave.
    latestFile: latestFile(answers) === undefined ? undefined : pyString(latestFile(answers)!),
    best:
      cases.has('T2') && keepBest !== 'no'
        ? { metric: pyString(answers.bestMetric || 'loss'), lowest: keepBest === 'lowest', word: keepBest }
        : undefined,
    strayKinds: pyStringList(STRAY_KINDS.map((kind) => kind.id)),
    numberedFiles: pyStringList(NUMBERED_FILES),
  };
}

export const retentionFamily: Family = {
  name: 'retention',
  help: 'T: prune() keeps the newest N, the resumed-from and the best checkpoint, and nothing else is touched',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [{ template: 'retention/test_retention.py.ejs', file: 'test_retention.py' }],
  view: retentionView,
  variables: {
    imports: 'the import lines of test_retention.py',
    keepLast: 'N, the checkpoints prune() keeps, as a Python int literal',
    boundarySteps: 'the T1 steps around a change of digit count, as a Python list literal',
    resumedFrom: 'whether T2 resumes a run before pruning (a resume() op is bound)',
    protectResumed: 'whether T2 expects the resumed-from checkpoint kept (answer protectResumed), else only the N newest',
    rolling: 'whether the newest is a rolling file (latestBy "rolling"): a resume of "latest" reads it, not a per-step file',
    inSave: 'whether pruning happens inside save (answer pruneOn "save"): tests prune by saving',
    latestFile: 'the pointer or rolling file (latestBy) as a Python literal, which pruning must leave, else undefined',
    best: '{metric, lowest, word} when a best checkpoint is kept, else undefined',
    strayKinds: 'the stray kinds of T3 as a Python list literal',
    numberedFiles: 'the T3 files with numbers in their names, as a Python list literal',
  } satisfies { [K in keyof ReturnType<typeof retentionView>]: string },
};
