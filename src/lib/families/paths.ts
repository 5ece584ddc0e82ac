/**
 * The paths family (X1, X2): checkpoint folders and files whose names hold
 * spaces, non-ASCII letters or glob characters, and paths given as `str` or
 * as `pathlib.Path` alike, over every op that takes a path.
 */
import { type Answers, type CaseSpec, type Family, type Question, firstReason, hasCategory, hasOp, lacking } from '../question-kit.js';

declare module '../question-kit.js' {
  interface Families {
    paths: true;
  }
  interface Answers {
    pathTypes: 'both' | 'pathlib' | 'str';
  }
}

const QUESTIONS: readonly Question[] = [
  {
    name: 'pathTypes',
    kind: 'enum',
    group: 'paths',
    message: 'Where your code takes a path, it accepts…',
    help: 'X2: which path types the constructor, load() and resume() accept.',
    choices: [
      { value: 'both', help: 'str and pathlib.Path alike (recommended)' },
      { value: 'pathlib', help: 'pathlib.Path only' },
      { value: 'str', help: 'str only' },
    ],
    default: () => 'both',
    when: hasCategory('paths'),
  },
];

/** Folder names that break naive path handling, by test id. */
export const AWKWARD_NAMES = [
  { id: 'spaces', name: 'run with spaces' },
  { id: 'non-ascii', name: 'entraînement-ü' },
  { id: 'cjk', name: '训练运行' },
  { id: 'emoji', name: 'run 🚀' },
  { id: 'glob-brackets', name: 'sweep [lr=0.1]' },
];

const CASES: readonly CaseSpec[] = [
  {
    id: 'X1',
    family: 'paths',
    title: 'folders with spaces, non-ASCII letters and glob characters work for every op',
    leftOutBecause: firstReason(lacking('save', 'load')),
  },
  {
    id: 'X2',
    family: 'paths',
    title: 'str and pathlib.Path are accepted alike wherever a path is taken',
    leftOutBecause: firstReason(lacking('save', 'load'), (answers: Answers) =>
      answers.pathTypes === 'both' ? undefined : `pathTypes is "${answers.pathTypes}": only one path type is promised`,
    ),
  },
];

function pathsView(answers: Answers, generated: ReadonlySet<string>) {
  return {
    awkwardNames: AWKWARD_NAMES,
    hasLatest: hasOp(answers, 'latest'),
    // Under latestBy "rolling" latest() is the file every save overwrites, not the path save() returned.
    latestIsRolling: answers.latestBy === 'rolling',
    hasResume: hasOp(answers, 'resume'),
    // X2 converts paths with Path(...); X1 alone needs no import.
    importsPath: generated.has('X2'),
    // A class binding takes the folder in its constructor; module functions take it per call.
    constructorTakesPath: Boolean(answers.className),
  };
}

export const pathsFamily: Family = {
  name: 'paths',
  help: 'X: awkward folder names, and str or pathlib.Path paths alike',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [{ template: 'paths/test_paths.py.ejs', file: 'test_paths.py' }],
  view: pathsView,
  variables: {
    awkwardNames: '[{id, name}]: the X1 folder names, by test id',
    hasLatest: 'whether the binding has latest()',
    latestIsRolling: 'whether latest() is a rolling file (latestBy "rolling"): X1 checks what it holds, not that it is the path saved',
    hasResume: 'whether the binding has resume()',
    importsPath: 'whether test_paths.py imports pathlib.Path',
    constructorTakesPath: 'whether the manager is built from the folder (a class binding)',
  } satisfies { [K in keyof ReturnType<typeof pathsView>]: string },
};
