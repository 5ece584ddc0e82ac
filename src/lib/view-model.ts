/**
 * What the templates print, decided here in typed code. Templates only loop
 * and print; every choice of what to emit (which cases, which imports, which
 * exception, which fixtures a test asks for) is made in this file.
 */
import path from 'node:path';
import { type CaseDecision, decideCases, hasOp } from './cases.js';
import { pyDef, pyString, pyStringList } from './python-literal.js';
import { type Answers, type Category, NONE, type Op } from './questions.js';

/** Stray entries conftest's `make_stray` lays out (R2, R7); the ids are test ids. */
export const STRAY_KINDS = [
  { id: 'backup-copy', help: 'a complete copy named <checkpoint>.bak' },
  { id: 'directory', help: 'an empty folder named exactly like a checkpoint' },
  { id: 'hidden-temp', help: 'half a checkpoint in .<checkpoint>.tmp, as an atomic writer leaves it' },
  { id: 'partial-suffix', help: 'half a checkpoint in <checkpoint>.partial' },
  { id: 'temp-suffix', help: 'half a checkpoint in <checkpoint>.tmp' },
  { id: 'unrelated-file', help: 'notes.txt, a file people leave in run folders' },
] as const;

/** Step orders for R5: pairs that sort wrongly as strings, and a shuffle. */
const STEP_ORDERS = [
  { id: '9-then-10', steps: [9, 10] },
  { id: '10-then-9', steps: [10, 9] },
  { id: '99-then-100', steps: [99, 100] },
  { id: 'shuffled-9-to-1000', steps: [100, 9, 1000, 10] },
  { id: '2-then-10-then-1', steps: [2, 10, 1] },
];

/** Where the answers put the sys.path root, relative to the suite folder, for the conftest. */
function pythonRootFromSuite(answers: Answers): string {
  const relative = path.posix.relative(
    path.posix.normalize(answers.outputDir.replaceAll('\\', '/')),
    path.posix.normalize(answers.pythonRoot.replaceAll('\\', '/')),
  );
  return relative === '' ? '.' : relative;
}

interface ExceptionView {
  /** The name the test writes in `pytest.raises(...)`. */
  name: string;
  /** `from x import Name` when the exception is not a builtin. */
  importLine?: string;
}

function exceptionView(dotted: string): ExceptionView {
  const dot = dotted.lastIndexOf('.');
  if (dot < 0) return { name: dotted };
  const name = dotted.slice(dot + 1);
  return { name, importLine: `from ${dotted.slice(0, dot)} import ${name}` };
}

interface AdapterOpView {
  name: string;
  params: string;
  doc: string;
  body: string;
}

function adapterOps(answers: Answers): AdapterOpView[] {
  const byClass = Boolean(answers.className);
  const target = byClass ? 'self.manager' : 'target';
  // Module-level functions take the checkpoint directory first, where they need one.
  const dirArg = byClass ? '' : 'self.checkpoint_dir, ';
  const call = (op: Op, args: string) => `${target}.${answers[`${op}Op`]}(${args})`;
  const views: Record<Op, AdapterOpView> = {
    save: {
      name: 'save',
      params: ', state, step',
      doc: 'Write ``state`` as the checkpoint of ``step``; return its path.',
      body: `return _as_path(${call('save', `${dirArg}state, step`)})`,
    },
    load: {
      name: 'load',
      params: ', path',
      doc: 'Read the checkpoint at ``path``; return its state dict.',
      body: `return ${call('load', 'path')}`,
    },
    latest: {
      name: 'latest',
      params: '',
      doc: 'Path of the newest complete checkpoint, or None.',
      body: `return _as_path(${call('latest', byClass ? '' : 'self.checkpoint_dir')})`,
    },
    resume: {
      name: 'resume',
      params: ', source',
      doc: 'Load ``"latest"``, a path, or nothing (``None``); return the state or None.',
      body: `return ${call('resume', `${dirArg}source`)}`,
    },
    publish: {
      name: 'publish',
      params: ', path, name, metadata=None, aliases=None',
      doc: 'Log the checkpoint at ``path`` as an artifact; return True on success.',
      body: `return ${call('publish', 'path, name, metadata, aliases')}`,
    },
    prune: {
      name: 'prune',
      params: '',
      doc: 'Apply the retention policy.',
      body: `return ${call('prune', byClass ? '' : 'self.checkpoint_dir')}`,
    },
  };
  const ops = (Object.keys(views) as Op[]).filter((op) => hasOp(answers, op)).map((op) => views[op]);
  if (byClass && answers.resumedFromAttribute && answers.resumedFromAttribute !== NONE) {
    ops.push({
      name: 'resumed_from',
      params: '',
      doc: 'Path of the checkpoint the last resume loaded, or None.',
      body: `return _as_path(self.manager.${answers.resumedFromAttribute})`,
    });
  }
  return ops;
}

export interface SuiteView {
  generatorVersion: string;
  format: Answers['format'];
  answers: Answers;
  cases: CaseDecision[];
  has: (id: string) => boolean;
  py: (value: string) => string;
  pyDef: typeof pyDef;
  target: { module: string; className: string; label: string; constructorExpression: string };
  adapter: { importLine: string; ops: AdapterOpView[]; missingOps: string[] };
  conftest: { pythonRootFromSuite: string; markers: { name: string; help: string }[]; strayKinds: typeof STRAY_KINDS };
  resume: ReturnType<typeof resumeView>;
}

const CATEGORY_MARKERS: Record<Category, string> = {
  resume: 'resume cases (R): finding and loading the right checkpoint',
};

function resumeView(answers: Answers) {
  const missingPath = exceptionView(answers.missingPathError || 'FileNotFoundError');
  const duplicateStep = exceptionView(answers.duplicateStepError || 'FileExistsError');
  const newestVia: 'latest' | 'resume' = hasOp(answers, 'latest') ? 'latest' : 'resume';
  const cases = new Set(decideCases(answers).filter((decision) => decision.generated).map((decision) => decision.id));
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

export function buildSuiteView(answers: Answers, generatorVersion: string): SuiteView {
  const cases = decideCases(answers);
  const generated = new Set(cases.filter((decision) => decision.generated).map((decision) => decision.id));
  const label = answers.className ? `${answers.module}.${answers.className}` : answers.module;
  return {
    generatorVersion,
    format: answers.format,
    answers,
    cases,
    has: (id) => generated.has(id),
    py: pyString,
    pyDef,
    target: {
      module: answers.module,
      className: answers.className,
      label,
      constructorExpression: answers.constructorExpression,
    },
    adapter: {
      importLine: answers.className
        ? `from ${answers.module} import ${answers.className}`
        : `import ${answers.module} as target`,
      ops: adapterOps(answers),
      missingOps: (['save', 'load', 'latest', 'resume', 'publish', 'prune'] as Op[])
        .filter((op) => !hasOp(answers, op))
        .map((op) => `${op}()`),
    },
    conftest: {
      pythonRootFromSuite: pythonRootFromSuite(answers),
      markers: [
        ...answers.categories.map((category) => ({ name: category, help: CATEGORY_MARKERS[category] })),
        { name: 'slow', help: 'long-running cases; deselect with -m "not slow"' },
      ],
      strayKinds: STRAY_KINDS,
    },
    resume: resumeView(answers),
  };
}
