/**
 * What the templates print, decided here in typed code. Templates only loop
 * and print; every choice of what to emit (which cases, which imports, which
 * exception, which fixtures a test asks for) is made in this file.
 */
import path from 'node:path';
import { type CaseDecision, decideCases } from './cases.js';
import { FAMILIES } from './families/index.js';
import { pyDef, pyString } from './python-literal.js';
import { type Answers, hasOp, NONE, type Op, OPS } from './question-kit.js';
import { STRAY_KINDS } from './stray-kinds.js';



/** Where the answers put the sys.path root, relative to the suite folder, for the conftest. */
function pythonRootFromSuite(answers: Answers): string {
  const relative = path.posix.relative(
    path.posix.normalize(answers.outputDir.replaceAll('\\', '/')),
    path.posix.normalize(answers.pythonRoot.replaceAll('\\', '/')),
  );
  return relative === '' ? '.' : relative;
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
  conftest: {
    pythonRootFromSuite: string;
    markers: { name: string; help: string }[];
    strayKinds: typeof STRAY_KINDS;
    partials: string[];
  };
  /** Each chosen family's own view, under the family's name (`resume.imports`...). */
  [family: string]: unknown;
}



export function buildSuiteView(answers: Answers, generatorVersion: string): SuiteView {
  const cases = decideCases(answers);
  const generated = new Set(cases.filter((decision) => decision.generated).map((decision) => decision.id));
  const label = answers.className ? `${answers.module}.${answers.className}` : answers.module;
  const chosen = FAMILIES.filter((family) => answers.categories.includes(family.name));
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
      missingOps: OPS
        .filter((op) => !hasOp(answers, op))
        .map((op) => `${op}()`),
    },
    conftest: {
      pythonRootFromSuite: pythonRootFromSuite(answers),
      markers: [
        ...chosen.map((family) => ({ name: family.name, help: `${family.help} (checkpoint-tests)` })),
        { name: 'slow', help: 'long-running cases; deselect with -m "not slow"' },
      ],
      strayKinds: STRAY_KINDS,
      // Families may share a partial (storage faults): each is included once.
      partials: [...new Set(chosen.flatMap((family) => family.conftestPartials ?? []))],
    },
    ...Object.fromEntries(chosen.map((family) => [family.name, family.view(answers, generated)])),
  };
}
