/**
 * The performance family (P1, P2), marked slow: a large save and load keep a
 * fair share of the speed of a plain save: the same state written by the
 * format's own library straight into a file, and read back, timed in the same
 * test (never an absolute time; a raw write of random bytes would blame JSON
 * for its own encoding on a fast disk), and the extra memory
 * a save takes stays under a multiple of the state's size (tracemalloc for
 * pickle and json; for torch, whose tensors live outside the Python heap, the
 * peak resident memory of a child Python that does the save).
 */
import { type Answers, type CaseSpec, type Family, type Question, firstReason, hasCategory, lacking } from '../question-kit.js';
import { needsAnyShape } from '../state-shape.js';

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

/**
 * The pattern admits "0" and digit strings too long to be finite: each
 * "positive number" answer also checks its value is above 0, finite and at most `max`.
 */
const positiveUpTo = (max: number, range: string) => (value: string) => {
  const number = Number(value);
  return Number.isFinite(number) && number > 0 && number <= max ? undefined : `it must be ${range}`;
};

const QUESTIONS: readonly Question[] = [
  {
    name: 'stateMiB',
    kind: 'string',
    group: 'performance',
    message: 'How large a state should the slow tests save, in MiB?',
    help: 'P1/P2: the size of the large state, in MiB (default 256 for torch, 64 otherwise).',
    default: (answers) => (answers.format === 'torch' ? '256' : '64'),
    pattern: POSITIVE_NUMBER,
    validate: positiveUpTo(8192, 'above 0 and at most 8192'),
    when: inPerformance,
  },
  {
    name: 'throughputFloor',
    kind: 'string',
    group: 'performance',
    message: "What share of a plain save's speed must your save and load keep? (0–1)",
    help: "P1: the lowest allowed ratio of a plain save's time (the format's own library writing the same state straight to a file) to your save's time, and likewise for the load.",
    // A correct save does the plain save's work plus a rename and an fsync or two: about 0.7-1.
    default: () => '0.4',
    pattern: POSITIVE_NUMBER,
    validate: positiveUpTo(1, 'a ratio above 0 and at most 1'),
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
    // A multiple of 0 would make P2 fail for every save.
    validate: positiveUpTo(1_000_000, 'above 0 (a multiple of 0 fails every save) and at most 1000000'),
    when: inPerformance,
  },
];

const CASES: readonly CaseSpec[] = [
  {
    id: 'P1',
    family: 'performance',
    title: "a large state saves and loads at a fair share of a plain save's speed",
    leftOutBecause: firstReason(needsAnyShape, lacking('save', 'load')),
  },
  {
    id: 'P2',
    family: 'performance',
    title: 'the extra memory a save takes stays under a multiple of the state size',
    leftOutBecause: firstReason(needsAnyShape, lacking('save')),
  },
];

/**
 * How P2 measures a save's memory. `tracemalloc`: in the test's own process,
 * every Python allocation (pickle and json states live on the Python heap).
 * `child`: torch tensors live outside the heap tracemalloc sees, so a child
 * Python (performance_memory.py) saves the state and reports its peak
 * resident memory before and after the save.
 */
export type MemoryProbe = 'tracemalloc' | 'child';

export function memoryProbe(answers: Answers): MemoryProbe {
  return answers.format === 'torch' ? 'child' : 'tracemalloc';
}

/** The helper module the torch P2 test runs in a child Python. */
export const MEMORY_HELPER = 'performance_memory.py';

/** isort's layout of standard-library imports: plain `import x` lines first, then `from x import y`, each sorted. */
function stdlibImports(lines: readonly string[]): string[] {
  const plain = lines.filter((line) => line.startsWith('import ')).sort();
  const from = lines.filter((line) => line.startsWith('from ')).sort();
  return [...new Set([...plain, ...from])];
}

/** What P1's plain save calls, for its docstring. */
const PLAIN_SAVE: Record<Answers['format'], string> = {
  pickle: '``pickle.dump``',
  json: '``json.dumps``',
  torch: '``torch.save``',
};

function performanceView(answers: Answers, generated: ReadonlySet<string>) {
  const probe = generated.has('P2') ? memoryProbe(answers) : undefined;
  return {
    stateBytes: `${Math.round(Number(answers.stateMiB) * 2 ** 20)}`,
    stateMiB: answers.stateMiB,
    throughputFloor: String(Number(answers.throughputFloor)),
    memoryMultiple: String(Number(answers.memoryMultiple)),
    memoryProbe: probe ?? 'none',
    memoryHelper: MEMORY_HELPER,
    // The child builds its own state: the large_state fixture serves P1 and an in-process P2.
    largeState: generated.has('P1') || probe === 'tracemalloc',
    // The longest the P2 child may take to import, build the state and save it.
    childSeconds: 600,
    // P1's plain save: the format's own library, straight into a file.
    plainSave: PLAIN_SAVE[answers.format],
    importTorch: generated.has('P1') && answers.format === 'torch',
    imports: stdlibImports([
      ...(generated.has('P1') || probe === 'tracemalloc' ? ['import functools'] : []),
      ...(generated.has('P1') ? ['import os', 'import time'] : []),
      ...(generated.has('P1') && answers.format !== 'torch' ? [`import ${answers.format}`] : []),
      ...(probe === 'tracemalloc' ? ['import tracemalloc'] : []),
      ...(probe === 'child' ? ['import json', 'import subprocess', 'import sys', 'from pathlib import Path'] : []),
    ]),
  };
}

export const performanceFamily: Family = {
  name: 'performance',
  help: 'P: large saves keep up with the disk, and memory stays bounded (slow)',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [
    { template: 'performance/test_performance.py.ejs', file: 'test_performance.py' },
    {
      template: 'performance/performance_memory.py.ejs',
      file: MEMORY_HELPER,
      needed: (answers, generated) => generated.has('P2') && memoryProbe(answers) === 'child',
    },
  ],
  view: performanceView,
  variables: {
    stateBytes: 'the large state size in bytes, as a Python int literal',
    stateMiB: 'the large state size in MiB, as answered',
    throughputFloor: 'the P1 ratio floor, as a Python float literal',
    plainSave: "what P1's plain save calls (``pickle.dump``, ``json.dumps`` or ``torch.save``), for its docstring",
    importTorch: 'whether test_performance.py imports torch (P1 of a torch suite: its plain save and load)',
    memoryMultiple: 'the P2 multiple, as a Python number literal',
    memoryProbe: 'how P2 measures: "tracemalloc" (in the test process), "child" (a child Python\'s peak resident memory; torch) or "none" (P2 left out)',
    memoryHelper: 'the file name of the helper module the "child" probe runs',
    largeState: 'whether the module-scoped large_state fixture is written (P1, or P2 with tracemalloc)',
    childSeconds: 'the longest the P2 child may run, in seconds',
    imports: 'the standard-library import lines of test_performance.py',
  } satisfies { [K in keyof ReturnType<typeof performanceView>]: string },
};
