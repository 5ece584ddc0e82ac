/**
 * What the templates print, decided here in typed code. Templates only loop
 * and print; every choice of what to emit (which cases, which imports, which
 * exception, which fixtures a test asks for) is made in this file.
 */
import path from 'node:path';
import { type CaseDecision, decideCases } from './cases.js';
import { FAMILIES } from './families/index.js';
import { trainsThroughAdapter } from './families/resume.js';
import { constructorTakesObjects, OBJECT_NAMES, savesObjects, type StateShapeView, stateShapeView } from './state-shape.js';
import { isortCompare, pyDef, pyReturn, pyString } from './python-literal.js';
import { type Answers, type AnswerName, hasOp, type Op, OPS, questionFamilies, testFilesWritten } from './question-kit.js';
import { STRAY_KINDS } from './stray-kinds.js';
import type { PreCommitHook } from './ci-recipe.js';
import { shellCommand, yamlScalar } from './shell-quote.js';
import { optionName, QUESTIONS } from './questions.js';
import {
  anyCallOrRead,
  type BindingFacts,
  type BoundCall,
  boundCall,
  type ArgumentRole,
  boundName,
  boundReference,
  moduleNamesImported,
} from './bound-name.js';
import { constructorExpressionImports, type ConstructorImports, type ExpressionNames, scanNames } from './constructor-names.js';



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

/** The ops' adapter methods; `calls` collects each bound call (for the `_call_or_read` helper). */
function adapterOps(answers: Answers, facts: BindingFacts | undefined, calls: BoundCall[]): AdapterOpView[] {
  const byClass = Boolean(answers.className);
  const objects = savesObjects(answers);
  // Live objects go to the constructor when its expression names them; otherwise each call takes them (an agent).
  const objectsPerCall = objects && !constructorTakesObjects(answers);
  const objectRoles = objects
    ? { objects: 'self.objects', model: 'self.objects.model', optimizer: 'self.objects.optimizer' }
    : {};
  // With a signature, arguments go by parameter name (`save_checkpoint(agent, model_dir, timestep)`);
  // without one, by the convention: module functions take the folder first.
  const call = (
    op: Op,
    args: string[],
    folderFirst = false,
    roles: Partial<Record<ArgumentRole, string>> = {},
    needed: ArgumentRole[] = [],
  ) => {
    const conventional = objectsPerCall && Object.keys(roles).length > 0 ? ['self.objects', ...args] : args;
    const bound = boundCall(answers, `${op}Op`, conventional, {
      folder: 'self.checkpoint_dir',
      folderFirst,
      facts,
      roles: { ...objectRoles, ...roles },
      needed,
    });
    calls.push(bound);
    return bound.expression;
  };
  const saveCall = () =>
    objects
      ? call('save', ['step'], true, { step: 'step' }, ['step'])
      : call('save', ['self.to_saved(state)', 'step'], true, { state: 'self.to_saved(state)', step: 'step' }, ['state', 'step']);
  const views: Record<Op, () => AdapterOpView> = {
    save: () => ({
      name: 'save',
      params: ', state, step',
      doc: 'Write ``state`` as the checkpoint of ``step``; return its path.',
      // What a save returns varies (a path, an (ok, path) pair, nothing): _saved_path reads each.
      body: [
        ...(objects ? ['self.to_saved(state)'] : []),
        // The folder before the save: a save that returns nothing is matched to what it wrote.
        'before = _entries(self.checkpoint_dir)',
        `saved = ${saveCall()}`,
        // saveFault "none": a save that fails returns None, so None is no path to look for.
        ...(answers.saveFault === 'none' ? ['if saved is None:', '    return None  # a failed save (saveFault none)'] : []),
        'return _saved_path(saved, self.checkpoint_dir, step, before)',
      ].join('\n        '),
    }),
    load: () => ({
      name: 'load',
      params: ', path',
      doc: objects
        ? 'Load the checkpoint at ``path`` into the live objects; return their state.'
        : 'Read the checkpoint at ``path``; return its state dict.',
      body: [
        ...(objects ? ['self.forget()'] : []),
        `return self.from_loaded(${call('load', ['path'], false, { path: 'path' }, ['path'])})`,
      ].join('\n        '),
    }),
    latest: () => ({
      name: 'latest',
      params: '',
      doc: 'Path of the newest complete checkpoint, or None.',
      body: `return _as_path(${call('latest', [], true)})`,
    }),
    resume: () => ({
      name: 'resume',
      params: ', source',
      doc: 'Load ``"latest"``, a path, or nothing (``None``); return the state or None.',
      body: [
        ...(objects ? ['self.forget()'] : []),
        `return self.from_loaded(${call('resume', ['source'], true, { source: 'source' }, ['source'])})`,
      ].join('\n        '),
    }),
    publish: () => ({
      name: 'publish',
      params: ', path, name, metadata=None, aliases=None',
      doc: 'Log the checkpoint at ``path`` as an artifact; return True on success.',
      body: `return ${call('publish', ['path', 'name', 'metadata', 'aliases'])}`,
    }),
    prune: () => ({
      name: 'prune',
      params: '',
      doc: 'Apply the retention policy.',
      body: `return ${call('prune', [], true)}`,
    }),
  };
  const ops = (Object.keys(views) as Op[]).filter((op) => hasOp(answers, op)).map((op) => views[op]());
  const resumedFrom = byClass ? boundName(answers, 'resumedFromAttribute') : undefined;
  if (resumedFrom) {
    ops.push({
      name: 'resumed_from',
      params: '',
      doc: 'Path of the checkpoint the last resume loaded, or None.',
      body: `return _as_path(${boundReference(answers, resumedFrom)})`,
    });
  }
  return ops;
}

/** A method a family adds to the adapter, as one-line pieces or as source lines at class indentation. */
type FamilyAdapterMethod = AdapterOpView | { name: string; lines: string[] };

function methodLines(method: FamilyAdapterMethod): string[] {
  if ('lines' in method) return method.lines;
  return [`    def ${method.name}(self${method.params}):`, `        """${method.doc}"""`, `        ${method.body}`];
}

/** The line that imports the code under test into the adapter: the class and every module name an answer uses. */
function projectImport(answers: Answers, names: readonly string[] = []): string {
  if (!answers.className) return `import ${answers.module} as target`;
  const others = [...new Set(names)].filter((name) => name !== answers.className).sort();
  return `from ${answers.module} import ${[answers.className, ...others].join(', ')}`;
}

/** The adapter's imports: its own, those the chosen families' methods need, then the code under test. */
function adapterImports(
  answers: Answers,
  familyImports: string[][],
  constructorImports: ConstructorImports,
  boundUsed: readonly AnswerName[],
): string[] {
  // os and re: the adapter's _saved_path reads what a save returned.
  const stdlib = new Set(['from pathlib import Path', 'import os', 'import re']);
  const thirdParty = new Set<string>();
  // make_state's own: the suite's states are built from Python's RNG, or torch's.
  if (answers.format === 'torch') thirdParty.add('import torch');
  else stdlib.add('import random');
  // The live objects' (stateKind "objects"): built as a namespace, their state copied.
  if (savesObjects(answers)) for (const line of ['import copy', 'from types import SimpleNamespace']) stdlib.add(line);
  for (const line of constructorImports.modules) thirdParty.add(line);
  for (const lines of familyImports) {
    let group = stdlib;
    for (const line of lines) {
      if (line === '') group = thirdParty;
      else group.add(line);
    }
  }
  // isort's order within a group: plain imports, then from-imports, each by module.
  const sorted = (lines: Set<string>) =>
    [...lines].sort((a, b) => Number(a.startsWith('from ')) - Number(b.startsWith('from ')) || isortCompare(a, b));
  return [
    ...sorted(stdlib),
    '',
    ...(thirdParty.size ? [...sorted(thirdParty), ''] : []),
    projectImport(answers, [...moduleNamesImported(answers, boundUsed), ...constructorImports.names]),
  ];
}

/** One answer the failure summary can name, as Python literals (conftest.py's POLICY_ANSWERS). */
interface PolicyAnswerView {
  name: string;
  value: string;
  option: string;
  choices: { value: string; help: string }[];
  help: string;
  /** What a lenient answer still checks (the question's policy declaration), or "". */
  lenient: string;
}

/**
 * The answers of the chosen families, for the failure summary: what each is
 * now, the CLI option that changes it and the values it allows. Every answer
 * a `@pytest.mark.policy` names is among them.
 */
function policyAnswers(answers: Answers): PolicyAnswerView[] {
  const chosen = new Set<string>(answers.categories);
  return QUESTIONS.filter(
    (question) =>
      questionFamilies(question).some((family) => chosen.has(family)) && answers[question.name] !== undefined,
  ).map((question) => {
    const value = answers[question.name];
    return {
      name: pyString(question.name),
      value: pyString(Array.isArray(value) ? value.join(',') : String(value)),
      option: pyString(`--${optionName(question.name)}`),
      choices:
        question.kind === 'enum' ? question.choices.map((choice) => ({ value: pyString(choice.value), help: pyString(choice.help) })) : [],
      help: pyString(question.help),
      lenient: pyString(question.policy?.lenient ?? ''),
    };
  });
}

export interface SuiteView {
  generatorVersion: string;
  format: Answers['format'];
  answers: Answers;
  cases: CaseDecision[];
  has: (id: string) => boolean;
  py: (value: string) => string;
  pyDef: typeof pyDef;
  pyReturn: typeof pyReturn;
  target: { module: string; className: string; label: string; constructorExpression: string };
  adapter: {
    importLine: string;
    imports: string[];
    ops: AdapterOpView[];
    stateShape: StateShapeView;
    /** Set when the manager saves live objects (stateKind "objects"). */
    objects?: { constructorNames: readonly string[] };
    familyMethods: { name: string; lines: string[] }[];
    missingOps: string[];
    /** The adapter defines `_call_or_read` (a `manager.` path not checked against the code). */
    callOrRead: boolean;
  };
  conftest: {
    pythonRootFromSuite: string;
    numpyArrays: boolean;
    markers: { name: string; help: string }[];
    strayKinds: typeof STRAY_KINDS;
    partials: string[];
    policyAnswers: PolicyAnswerView[];
    caseTitles: { id: string; title: string }[];
  };
  readme: ReadmeView;
  ci: CiView;
  /** Each chosen family's own view, under the family's name (`resume.imports`...). */
  [family: string]: unknown;
}

interface ReadmeView {
  /** The files of the suite and what each checks. */
  files: { file: string; what: string }[];
  /** Every family of the catalogue, chosen or not, with each case's decision. */
  families: { name: string; help: string; chosen: boolean; cases: CaseDecision[] }[];
  /** The answers that shape the tests: format, binding and each chosen family's policies. */
  policies: { name: string; value: string; help: string }[];
  /** The command that runs the suite. */
  runCommand: string;
}

interface CiView {
  preCommitHook: PreCommitHook;
  /** What CI installs besides the project's own requirements. */
  pythonPackages: string[];
  /** The fast tests: everything not marked slow, every value in it quoted for a POSIX shell. */
  fastCommand: string;
  /** `fastCommand` as a YAML scalar, for a workflow's `run:` (never print a command into YAML raw). */
  fastCommandYaml: string;
}

/** What a team's own template may use: every variable, one line each (VARIABLES.md is made from this). */
export const TEMPLATE_VARIABLES: { [K in Exclude<keyof SuiteView, number>]: string } & Record<string, string> = {
  generatorVersion: 'the version of checkpoint-tests that renders the template',
  format: 'the checkpoint format: "pickle", "json" or "torch"',
  answers: 'every answer, by name (see docs/answers.md)',
  cases: 'every case of the catalogue: {id, family, title, generated, reason, partlyLeftOut}',
  has: 'has(id): whether the case with that id is generated',
  py: 'py(text): a Python string literal equal to text (use it for every answer printed into Python)',
  pyDef: 'pyDef(name, params): a `def` line laid out as black lays it out',
  pyReturn: 'pyReturn(expression, indent): a `return` line laid out as black lays out a long call',
  target: '{module, className, label, constructorExpression}: the code under test',
  adapter:
    "{importLine, imports, ops: [{name, params, doc, body}], stateShape: {savedNames: [{suite, saved}], addedOnSave, renames}, objects: {constructorNames} when the manager saves live objects (stateKind objects), familyMethods: [{name, lines}], missingOps, callOrRead}: the adapter's imports (\"\" for a blank line) and methods; familyMethods are those the chosen families add, as source lines; callOrRead: the adapter needs its `_call_or_read` helper",
  conftest:
    '{pythonRootFromSuite, numpyArrays, markers, strayKinds, partials, policyAnswers, caseTitles}: what conftest.py prints; numpyArrays: states hold NumPy arrays (RNG states) to compare; policyAnswers: [{name, value, option, choices: [{value, help}], help, lenient}] and caseTitles: [{id, title}], as Python literals, for the failure summary',
  readme: '{files, families, policies, runCommand}: what the suite README prints',
  ci: '{preCommitHook, pythonPackages, fastCommand, fastCommandYaml}: what the CI recipe prints; fastCommand is shell-quoted, and a YAML file must print fastCommandYaml (the same command as a quoted YAML scalar)',
};



/**
 * The view every template gets. `facts` is what introspection found each
 * bound name to be (a property, a function's parameters), when the module
 * was imported; `expressionNames` how the constructor expression's names import.
 */
export function buildSuiteView(
  answers: Answers,
  generatorVersion: string,
  facts?: BindingFacts,
  expressionNames?: ExpressionNames,
): SuiteView {
  const cases = decideCases(answers);
  const generated = new Set(cases.filter((decision) => decision.generated).map((decision) => decision.id));
  const label = answers.className ? `${answers.module}.${answers.className}` : answers.module;
  const chosen = FAMILIES.filter((family) => answers.categories.includes(family.name));
  const familyViews = Object.fromEntries(chosen.map((family) => [family.name, family.view(answers, generated, facts)]));
  const familyAdapter = Object.values(familyViews) as {
    adapterImports?: string[];
    adapterMethods?: FamilyAdapterMethod[];
    adapterCalls?: BoundCall[];
  }[];
  const calls: BoundCall[] = familyAdapter.flatMap((view) => view.adapterCalls ?? []);
  const ops = adapterOps(answers, facts, calls);
  // The bound answers the adapter's methods call (a module function among them is imported by name).
  const familyMethodNames = new Set(familyAdapter.flatMap((view) => (view.adapterMethods ?? []).map((method) => method.name)));
  const boundUsed: AnswerName[] = [
    ...OPS.filter((op) => hasOp(answers, op)).map((op) => `${op}Op` as const),
    ...(familyMethodNames.has('restore') ? (['restoreOp'] as const) : []),
    ...(boundName(answers, 'trainingStateOp') && familyMethodNames.has('training_state')
      ? (['trainingStateOp', 'restoreTrainingOp'] as const)
      : []),
  ];
  const constructorImports = answers.className
    ? constructorExpressionImports(
        answers.module,
        answers.className,
        answers.constructorExpression,
        expressionNames,
        savesObjects(answers) ? OBJECT_NAMES : [],
      )
    : { modules: [], names: [] };
  return {
    generatorVersion,
    format: answers.format,
    answers,
    cases,
    has: (id) => generated.has(id),
    py: pyString,
    pyDef,
    pyReturn,
    target: {
      module: answers.module,
      className: answers.className,
      label,
      constructorExpression: answers.constructorExpression,
    },
    adapter: {
      importLine: projectImport(answers),
      imports: adapterImports(
        answers,
        familyAdapter.map((view) => view.adapterImports ?? []),
        constructorImports,
        boundUsed,
      ),
      ops,
      stateShape: stateShapeView(answers),
      objects: savesObjects(answers)
        ? {
            // The names the constructor expression uses for the live objects: `build` binds each.
            constructorNames: answers.className
              ? OBJECT_NAMES.filter((name) => scanNames(answers.constructorExpression).some((found) => found.name === name))
              : [],
          }
        : undefined,
      callOrRead: anyCallOrRead(calls),
      familyMethods: familyAdapter
        .flatMap((view) => view.adapterMethods ?? [])
        .map((method) => ({ name: method.name, lines: methodLines(method) })),
      missingOps: OPS
        .filter((op) => !hasOp(answers, op))
        .map((op) => `${op}()`),
    },
    conftest: {
      pythonRootFromSuite: pythonRootFromSuite(answers),
      numpyArrays: trainsThroughAdapter(answers, generated),
      markers: [
        ...chosen.map((family) => ({ name: family.name, help: `${family.help} (checkpoint-tests)` })),
        { name: 'slow', help: 'long-running cases; deselect with -m "not slow"' },
        { name: 'policy', help: 'policy(answer, ...): the answers that decide what this test expects' },
      ],
      strayKinds: STRAY_KINDS,
      // Families may share a partial (storage faults): each is included once.
      partials: [...new Set(chosen.flatMap((family) => family.conftestPartials ?? []))],
      policyAnswers: policyAnswers(answers),
      caseTitles: cases
        .filter((decision) => decision.generated)
        .map((decision) => ({ id: pyString(decision.id), title: pyString(decision.title) })),
    },
    readme: readmeView(answers, cases, generated),
    ci: ciView(answers),
    ...familyViews,
  };
}

/** The command that runs the suite, the output folder quoted as one shell word. */
export function runCommand(answers: Pick<Answers, 'outputDir'>, python = 'python'): string {
  return shellCommand([python, '-m', 'pytest', answers.outputDir]);
}

function readmeView(answers: Answers, cases: CaseDecision[], generated: ReadonlySet<string>): ReadmeView {
  const chosen = FAMILIES.filter((family) => answers.categories.includes(family.name));
  const policyGroups = new Set<string>(['target', 'binding', ...chosen.map((family) => family.name)]);
  return {
    files: [
      { file: 'checkpoint_adapter.py', what: 'the binding to your code; yours to edit, never overwritten without --force' },
      { file: 'conftest.py', what: 'the fixtures every test uses: adapters, states, checkpoint folders' },
      ...chosen.flatMap((family) =>
        testFilesWritten(family, answers, generated).map((test) => ({ file: test.file, what: family.help })),
      ),
    ],
    families: FAMILIES.map((family) => ({
      name: family.name,
      help: family.help,
      chosen: answers.categories.includes(family.name),
      cases: cases.filter((decision) => decision.family === family.name),
    })),
    policies: QUESTIONS.filter(
      (question) =>
        questionFamilies(question).some((family) => policyGroups.has(family)) &&
        !['module', 'pythonRoot'].includes(question.name),
    )
      .filter((question) => answers[question.name] !== undefined)
      .map((question) => ({ name: question.name, value: JSON.stringify(answers[question.name]), help: question.help })),
    runCommand: runCommand(answers),
  };
}

function ciView(answers: Answers): CiView {
  const fastCommand = `${runCommand(answers)} -m "not slow"`;
  const watched = [answers.outputDir, path.posix.join(answers.pythonRoot, answers.module.split('.')[0]!)]
    .map((folder) => path.posix.normalize(folder).replace(/^\.\//, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
  const chosen = FAMILIES.filter((family) => answers.categories.includes(family.name));
  return {
    fastCommand,
    fastCommandYaml: yamlScalar(fastCommand),
    pythonPackages: [...new Set(['pytest', ...chosen.flatMap((family) => family.pythonPackages ?? [])])],
    preCommitHook: {
      id: 'checkpoint-tests',
      name: 'checkpoint tests (fast)',
      entry: `${fastCommand} -q`,
      language: 'system',
      pass_filenames: false,
      files: `^(${watched})/`,
    },
  };
}

/** VARIABLES.md: every variable a template receives, from the typed declarations above and the families'. */
export function templateVariablesDoc(): string {
  const table = (variables: Readonly<Record<string, string>>, prefix = '') =>
    [
      '| variable | what it holds |',
      '| --- | --- |',
      ...Object.entries(variables).map(([name, what]) => `| \`${prefix}${name}\` | ${what.replace(/\|/g, '\\|')} |`),
    ].join('\n');
  return [
    '# Template variables',
    '',
    'Every template (and partial) of checkpoint-tests receives these variables. A template in this',
    'folder replaces the built-in one of the same path, file by file; delete it to go back to the',
    'built-in one. Use `<%-` (never `<%=`, which HTML-escapes) and print every answer into Python',
    'through `py(...)`. A name that is not listed here stops the run with the template and line.',
    '',
    '**These templates are code.** EJS runs the JavaScript inside `<% %>` with the rights of whoever runs',
    '`checkpoint-tests`, so review changes to this folder as you review code. Each run names the',
    'templates of this folder it used; a `--dry-run` reads none of them unless you pass `--templates-dir`;',
    'and a template that is a symbolic link leading outside the project is refused.',
    '',
    '## Every template',
    '',
    table(TEMPLATE_VARIABLES),
    ...FAMILIES.flatMap((family) => [
      '',
      `## \`${family.name}\`: the ${family.name} family's view (when the family is chosen)`,
      '',
      table(family.variables, `${family.name}.`),
    ]),
    '',
  ].join('\n');
}
