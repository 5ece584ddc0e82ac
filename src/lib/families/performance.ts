/**
 * The performance family (P1, P2), marked slow: a large save and load keep a
 * fair share of the disk's own speed, measured against a raw write of the
 * same bytes in the same test (never an absolute time), and the extra memory
 * a save takes stays under a multiple of the state's size.
 */
import { type Answers, type CaseSpec, type Family, type Question, hasCategory, lacking } from '../question-kit.js';

declare module '../question-kit.js' {
  interface Families {
    performance: true;
  }
  interface Answers {
    stateMiB: string;
    throughputFloor: string;
    memoryMultiple: string;
  }
}

const inPerformance = hasCategory('performance');
const POSITIVE_NUMBER = { source: '^(?:[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)$', allowed: 'a positive number' };

const QUESTIONS: readonly Question[] = [
  {
    name: 'stateMiB',
    kind: 'string',
    group: 'performance',
    message: 'How large a state should the slow tests save, in MiB?',
    help: 'P1/P2: the size of the large state, in MiB (default 256 for torch, 64 otherwise).',
    default: (answers) => (answers.format === 'torch' ? '256' : '64'),
    pattern: POSITIVE_NUMBER,
    validate: (value) => (Number(value) > 0 && Number(value) <= 8192 ? undefined : 'it must be between 1 and 8192'),
    when: inPerformance,
  },
  {
    name: 'throughputFloor',
    kind: 'string',
    group: 'performance',
    message: 'What share of raw disk speed must save and load keep? (0–1)',
    help: 'P1: the lowest allowed ratio of a raw write of the same bytes to the save (and to the load) time.',
    default: () => '0.25',
    pattern: POSITIVE_NUMBER,
    validate: (value) => (Number(value) > 0 && Number(value) <= 1 ? undefined : 'it must be a ratio above 0 and at most 1'),
    when: inPerformance,
  },
  {
    name: 'memoryMultiple',
    kind: 'string',
    group: 'performance',
    message: 'How many times the state size may a save take in extra memory?',
    help: 'P2: the highest allowed peak extra memory during a save, as a multiple of the state size.',
    default: () => '3',
    pattern: POSITIVE_NUMBER,
    when: inPerformance,
  },
];

const CASES: readonly CaseSpec[] = [
  {
    id: 'P1',
    family: 'performance',
    title: 'a large state saves and loads at a fair share of raw disk speed',
    leftOutBecause: lacking('save', 'load'),
  },
  {
    id: 'P2',
    family: 'performance',
    title: 'the extra memory a save takes stays under a multiple of the state size',
    leftOutBecause: (answers: Answers) =>
      lacking('save')(answers) ??
      (answers.format === 'torch'
        ? 'torch tensors live outside the Python heap that tracemalloc sees; this version measures pickle and json saves only'
        : undefined),
  },
];

function performanceView(answers: Answers, generated: ReadonlySet<string>) {
  return {
    stateBytes: `${Math.round(Number(answers.stateMiB) * 2 ** 20)}`,
    stateMiB: answers.stateMiB,
    throughputFloor: String(Number(answers.throughputFloor)),
    memoryMultiple: String(Number(answers.memoryMultiple)),
    imports: [...(generated.has('P1') ? ['import os', 'import time'] : []), ...(generated.has('P2') ? ['import tracemalloc'] : [])],
  };
}

export const performanceFamily: Family = {
  name: 'performance',
  help: 'P: large saves keep up with the disk, and memory stays bounded (slow)',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [{ template: 'performance/test_performance.py.ejs', file: 'test_performance.py' }],
  view: performanceView,
  variables: {
    stateBytes: 'the large state size in bytes, as a Python int literal',
    stateMiB: 'the large state size in MiB, as answered',
    throughputFloor: 'the P1 ratio floor, as a Python float literal',
    memoryMultiple: 'the P2 multiple, as a Python number literal',
    imports: 'the standard-library import lines of test_performance.py',
  } satisfies { [K in keyof ReturnType<typeof performanceView>]: string },
};
