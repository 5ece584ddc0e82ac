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

declare module '../question-kit.js' {
  interface Families {
    retention: true;
  }
  interface Answers {
    keepLast: string;
    keepBest: 'no' | 'lowest' | 'highest';
    bestMetric: string;
  }
}

const inRetention = (answers: Partial<Answers>) => hasCategory('retention')(answers) && hasOp(answers, 'prune');

const QUESTIONS: readonly Question[] = [
  {
    name: 'keepLast',
    kind: 'string',
    group: 'retention',
    message: 'How many of the newest checkpoints does prune() keep? (N)',
    help: 'T1–T4: the number N of newest checkpoints (by step) that `prune()` keeps; asked when a prune op is bound.',
    default: () => '3',
    when: inRetention,
    pattern: { source: '^[1-9][0-9]{0,5}$', allowed: 'a whole number from 1 to 999999, written as a string such as "3"' },
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

const lackingPrune = lacking('save', 'prune');

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
  },
  { id: 'T3', family: 'retention', title: 'prune() deletes only checkpoints: strays and numbered files survive', leftOutBecause: lackingPrune },
  { id: 'T4', family: 'retention', title: 'prune() applies to checkpoints an earlier run left on disk', leftOutBecause: lackingPrune },
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
  const stdlib: string[] = [];
  return {
    imports: [...stdlib, 'import pytest'],
    keepLast: String(keep),
    boundarySteps: `[${digitBoundarySteps(keep).join(', ')}]`,
    resumedFrom: cases.has('T2') && hasResume,
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
    resumedFrom: 'whether T2 checks the resumed-from checkpoint survives',
    best: '{metric, lowest, word} when a best checkpoint is kept, else undefined',
    strayKinds: 'the stray kinds of T3 as a Python list literal',
    numberedFiles: 'the T3 files with numbers in their names, as a Python list literal',
  } satisfies { [K in keyof ReturnType<typeof retentionView>]: string },
};
