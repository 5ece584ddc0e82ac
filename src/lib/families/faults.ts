/**
 * The storage-faults family (F1, F2): a save that fails (disk full, no
 * permission, cross-device rename, read-only directory) must say so, keep the
 * previous checkpoint loadable, leave nothing behind, and not stop the next save.
 */
import {
  type Answers,
  type CaseSpec,
  type Family,
  type Question,
  hasCategory,
  hasOp,
  lacking,
} from '../question-kit.js';

declare module '../question-kit.js' {
  interface Families {
    faults: true;
  }
  interface Answers {
    saveFault: 'raise' | 'none';
  }
}

const QUESTIONS: readonly Question[] = [
  {
    name: 'saveFault',
    kind: 'enum',
    group: 'faults',
    message: 'When writing a checkpoint fails (disk full, no permission), your save()…',
    help: 'F1/F2 (and S1): what `save` does when the storage fails under it.',
    choices: [
      { value: 'raise', help: 'raise the OSError (recommended: the run knows it has no new checkpoint)' },
      { value: 'none', help: 'log it and return None; training goes on' },
    ],
    default: () => 'raise',
    when: hasCategory('faults'),
  },
];

const CASES: readonly CaseSpec[] = [
  {
    id: 'F1',
    family: 'faults',
    title: 'a fault at each phase of a save (ENOSPC, EACCES, EXDEV across folders) is reported and harmless, or skipped saying why the save never meets it',
    leftOutBecause: lacking('save', 'load'),
  },
  {
    id: 'F2',
    family: 'faults',
    title: 'a read-only checkpoint directory fails saves clearly and still loads',
    leftOutBecause: lacking('save', 'load'),
  },
];

/** The faults F1 injects: each error at the phases where a real system raises it. */
export const SAVE_FAULTS = [
  { error: 'enospc', phase: 'open' },
  { error: 'eacces', phase: 'open' },
  { error: 'enospc', phase: 'write' },
  { error: 'enospc', phase: 'fsync' },
  { error: 'eacces', phase: 'rename' },
  { error: 'exdev', phase: 'rename' },
] as const;

export const DIRECTORY_FAULTS = [
  { error: 'enospc', phase: 'mkdir' },
  { error: 'eacces', phase: 'mkdir' },
] as const;

/** The faults of a save for a format (torch.save is a phase of its own). */
export function saveFaults(format: Answers['format']): { error: string; phase: string; id: string }[] {
  const faults: { error: string; phase: string }[] = [...SAVE_FAULTS];
  // torch 1.13's zip writer aborts the interpreter when a stream write raises
  // (its destructor writes again): for torch the serializer itself fails instead.
  if (format === 'torch') faults.splice(faults.findIndex((fault) => fault.phase === 'write'), 1, { error: 'enospc', phase: 'torch-save' });
  return faults.map((fault) => ({ ...fault, id: `${fault.error}-during-${fault.phase}` }));
}

function faultsView(answers: Answers, cases: ReadonlySet<string>) {
  const newestVia = hasOp(answers, 'latest') ? 'latest' : hasOp(answers, 'resume') ? 'resume' : undefined;
  // Only an overwrite policy writes over an existing step; other policies (or none known) never reach the fault.
  const sameStep = answers.duplicateStep === 'overwrite';
  return {
    imports: [...(cases.has('F2') ? ['import os', ''] : []), 'import pytest'],
    raises: (answers.saveFault ?? 'raise') === 'raise',
    newestVia,
    // Under latestBy "rolling" latest() is the file every save overwrites, never
    // a per-step path: what must hold is that it still loads as the previous state.
    newestIsRolling: newestVia === 'latest' && answers.latestBy === 'rolling',
    targets: sameStep ? '["new-step", "same-step"]' : '["new-step"]',
    saveFaults: saveFaults(answers.format),
    directoryFaults: DIRECTORY_FAULTS.map((fault) => ({ ...fault, id: `${fault.error}-during-${fault.phase}` })),
  };
}

export const faultsFamily: Family = {
  name: 'faults',
  help: 'F: a save that fails under disk-full, permission or cross-device errors is reported and harmless',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [{ template: 'faults/test_faults.py.ejs', file: 'test_faults.py' }],
  view: faultsView,
  conftestPartials: ['partials/storage-faults.ejs'],
  variables: {
    imports: 'the import lines of test_faults.py, in order ("" for a blank line)',
    raises: 'whether a failed save raises its OSError (saveFault "raise"), else returns None',
    newestVia: '"latest" or "resume": how a test checks the newest checkpoint (undefined with neither op)',
    newestIsRolling: 'whether latest() is a rolling file (latestBy "rolling"): F1 checks that it loads as the previous state, not its path',
    targets: 'the F1 target parametrization as a Python list literal ("new-step", "same-step")',
    saveFaults: '[{error, phase, ...}]: the F1 faults of a save, for the format',
    directoryFaults: '[{error, phase, id}]: the F1 faults of creating the folder',
  } satisfies { [K in keyof ReturnType<typeof faultsView>]: string },
};
