/**
 * The artifact family (A1–A7): publishing a checkpoint to the experiment
 * tracker (Weights & Biases or MLflow) without ever stopping training, and
 * without swallowing an interrupt. Every test talks to one recording fake of
 * the tracker (tracker_fakes.py), installed by the `tracker` fixture where
 * the user's module finds the tracker.
 */
import {
  type Answers,
  type CaseSpec,
  type Family,
  type ModuleFacts,
  type Question,
  firstReason,
  hasCategory,
  hasOp,
  DOTTED_NAME,
  lacking,
  NONE,
} from '../question-kit.js';
import { boundName, boundNameProblem } from '../bound-name.js';
import { pyString, pyStringList } from '../python-literal.js';

export const TRACKERS = ['wandb', 'mlflow', 'none'] as const;
export type Tracker = (typeof TRACKERS)[number];

/** Errors a transient-errors answer may name, as the question offers them. */
export const TRANSIENT_CHOICES = ['tracker-comm', 'connection', 'timeout', 'http-5xx'] as const;
export type TransientChoice = (typeof TRANSIENT_CHOICES)[number];

declare module '../question-kit.js' {
  interface Families {
    artifact: true;
  }
  interface Answers {
    tracker: Tracker;
    trackerBinding: 'sys-modules' | 'module-attribute';
    trackerActive: 'run' | 'not-checked';
    publishFailure: 'return-false' | 'raise';
    publishRetries: string;
    transientErrors: TransientChoice[];
    retrySleep: string;
    defaultAliases: string;
    artifactType: string;
    publishSuccess: 'true' | 'not-false';
    artifactName: string;
    failureLogNames: 'artifact' | 'file' | 'either';
    retriedCalls: 'every-call' | 'network';
    emptyAliases: 'none' | 'defaults-allowed';
  }
}

const inArtifact = hasCategory('artifact');
const withTracker = (answers: Partial<Answers>) => inArtifact(answers) && (answers.tracker ?? 'wandb') !== 'none';
const retries = (answers: Partial<Answers>) => Number(answers.publishRetries ?? '2');
const withRetries = (answers: Partial<Answers>) => withTracker(answers) && retries(answers) > 0;
const LABEL: Record<Exclude<Tracker, 'none'>, string> = { wandb: 'W&B', mlflow: 'MLflow' };

/** What the code shows it waits with: its own `sleep` (a method or an injected attribute), else the module's `time.sleep`. */
function waitsWith(facts: ModuleFacts): string | undefined {
  if (facts.callables.includes('sleep') || facts.attributes?.includes('sleep')) return 'sleep';
  return facts.imports.includes('time') ? 'module.time.sleep' : undefined;
}
const ALIAS = '[A-Za-z0-9_.:-]+';
/** The artifactName answer that only asks the logged name to contain the name given. */
export const NAME_CONTAINS = 'contains';
const NAME_PART = '(?:[A-Za-z0-9_.:/-]|\\{run\\}|\\{name\\})*';

const QUESTIONS: readonly Question[] = [
  {
    name: 'tracker',
    kind: 'enum',
    group: 'artifact',
    message: 'Which experiment tracker does publish() log artifacts to?',
    help: 'A1–A7: the tracker the suite fakes; `none` leaves the artifact cases out.',
    choices: [
      { value: 'wandb', help: 'Weights & Biases (`wandb.Artifact`, `wandb.log_artifact`)' },
      { value: 'mlflow', help: 'MLflow (`mlflow.log_artifact`, `log_dict`, `set_tag`)' },
      { value: 'none', help: 'no tracker: the artifact cases are not generated' },
    ],
    default: (_answers, facts?: ModuleFacts) =>
      facts?.imports.includes('mlflow') && !facts.imports.includes('wandb') ? 'mlflow' : 'wandb',
    when: inArtifact,
  },
  {
    name: 'trackerBinding',
    kind: 'enum',
    group: 'artifact',
    message: 'Where does your module get the tracker from?',
    help: 'Where the fake tracker is installed: `sys.modules` for an `import wandb` inside functions, or the module-level name for an `import wandb` at the top of the module (the default when the module binds the tracker at import).',
    choices: [
      { value: 'sys-modules', help: '`import wandb` inside functions: the fake goes into sys.modules' },
      { value: 'module-attribute', help: '`import wandb` at the top: the fake replaces that name in the module' },
    ],
    default: (answers, facts?: ModuleFacts) =>
      facts?.imports.includes(answers.tracker ?? 'wandb') ? 'module-attribute' : 'sys-modules',
    when: withTracker,
  },
  {
    name: 'trackerActive',
    kind: 'enum',
    group: 'artifact',
    message: 'How does publish() know a tracker run is active?',
    help: 'A2: `run` when publish checks `wandb.run` / `mlflow.active_run()` and returns False without one; `not-checked` leaves A2 out.',
    choices: [
      { value: 'run', help: '`wandb.run is not None` / `mlflow.active_run() is not None`' },
      { value: 'not-checked', help: 'it does not check (A2 is left out)' },
    ],
    default: () => 'run',
    when: withTracker,
  },
  {
    name: 'publishFailure',
    kind: 'enum',
    group: 'artifact',
    message: 'When the tracker fails (after any retries), your publish()…',
    help: 'A4: what a tracker error does once retries are spent.',
    choices: [
      { value: 'return-false', help: 'log the failure and return False: training goes on' },
      { value: 'raise', help: 'let the error reach the caller' },
    ],
    default: () => 'return-false',
    when: withTracker,
  },
  {
    name: 'publishRetries',
    kind: 'string',
    group: 'artifact',
    message: 'How many times does publish() retry a transient tracker failure? (0 for never)',
    help: 'A6: retries after the first attempt (0 to 10); `0` leaves A6 out.',
    // Code with nothing to wait with (no sleep of its own, no `time`) does not retry.
    default: (_answers, facts) => (!facts || waitsWith(facts) ? '2' : '0'),
    pattern: { source: '^(10|[0-9])$', allowed: 'a whole number from 0 to 10' },
    when: withTracker,
  },
  {
    name: 'transientErrors',
    kind: 'list',
    group: 'artifact',
    message: 'Which tracker failures are transient (worth a retry)?',
    help: "A6: the failures publish retries; the others fail at once. Default: all four for W&B; all but the tracker's own error for MLflow, whose `MlflowException` also means bad requests.",
    choices: [
      { value: 'tracker-comm', help: "the tracker's own error (W&B `CommError`, MLflow `MlflowException`)" },
      { value: 'connection', help: '`ConnectionError`' },
      { value: 'timeout', help: '`TimeoutError`' },
      { value: 'http-5xx', help: 'an HTTP error whose `response.status_code` is 5xx' },
    ],
    default: (answers) =>
      (answers.tracker ?? 'wandb') === 'wandb'
        ? ['tracker-comm', 'connection', 'timeout', 'http-5xx']
        : ['connection', 'timeout', 'http-5xx'],
    validate: (value) => (value.length === 0 ? 'choose at least one, or answer publishRetries 0' : undefined),
    when: withRetries,
  },
  {
    name: 'retrySleep',
    kind: 'string',
    group: 'artifact',
    message: 'Which attribute does publish() call to wait between attempts? (`sleep(seconds)`)',
    help: 'A6: the attribute of the manager (or, for module functions, of the module) that backs off between attempts, or a path to it: `manager.clock.sleep`, or `module.time.sleep` when the module calls `time.sleep`; the tests replace it with a fake clock, so nothing sleeps for real.',
    default: (_answers, facts) => (facts ? waitsWith(facts) : undefined) ?? 'sleep',
    pattern: { source: DOTTED_NAME, allowed: 'a Python identifier, or a path such as manager.clock.sleep or module.time.sleep' },
    validate: boundNameProblem,
    when: withRetries,
  },
  {
    name: 'defaultAliases',
    kind: 'string',
    group: 'artifact',
    message: `Which aliases does publish() use when none are given? (comma-separated, or ${NONE})`,
    help: `A7: the aliases an artifact gets when \`aliases\` is None, comma-separated; \`${NONE}\` for none.`,
    default: () => 'latest',
    pattern: { source: `^(${ALIAS})(,${ALIAS})*$`, allowed: `comma-separated aliases (letters, digits, _ . : -), or "${NONE}"` },
    when: withTracker,
  },
  {
    name: 'artifactType',
    kind: 'string',
    group: 'artifact',
    message: 'Which artifact type does publish() log checkpoints as?',
    help: 'A1: the artifact type (W&B `type=`, the `<name>.type` tag on MLflow).',
    default: () => 'model',
    pattern: { source: `^${ALIAS}$`, allowed: 'letters, digits, _ . : -' },
    when: withTracker,
  },
  {
    name: 'publishSuccess',
    kind: 'enum',
    group: 'artifact',
    message: 'What does publish() return when the artifact was logged?',
    help: 'A1, A6, A7, S1: `true` when it returns True; `not-false` when it returns None (or anything but False) on success, while failures still return False.',
    choices: [
      { value: 'true', help: 'True' },
      { value: 'not-false', help: 'None, or anything but False (failures return False)' },
    ],
    default: () => 'true',
    when: withTracker,
    policy: {
      strict: 'true',
      why: 'a caller can tell a logged artifact from a skipped one only when success says so',
      lenient: '`not-false`: any result but False is success, and the artifact must still be logged once, with no exception',
    },
  },
  {
    name: 'artifactName',
    kind: 'string',
    group: 'artifact',
    message: `Which name does publish() log the artifact under? ({name} is the name given, {run} the run's name; or ${NAME_CONTAINS})`,
    help: `A1, S1: \`{name}\` when the name given is logged as it is; a template such as \`{run}-{name}\` when publish adds the tracker run's name (W&B \`run.name\`, MLflow \`run_name\`); \`${NAME_CONTAINS}\` when the logged name only has to contain the name given.`,
    default: () => '{name}',
    pattern: {
      source: `^(${NAME_CONTAINS}|${NAME_PART}\\{name\\}${NAME_PART})$`,
      allowed: `a template holding {name} (letters, digits, _ . : / -, and {run}), or "${NAME_CONTAINS}"`,
    },
    when: withTracker,
    policy: {
      strict: '{name}',
      why: 'the name given is what people search the tracker for: a transform must be stated exactly',
      lenient: `\`${NAME_CONTAINS}\`: the logged name must contain the name given`,
    },
  },
  {
    name: 'failureLogNames',
    kind: 'enum',
    group: 'artifact',
    message: "What does publish()'s warning name when the tracker fails?",
    help: 'A4: `artifact` when the warning names the artifact, `file` when it names the checkpoint file (its path or file name), `either` when a warning or error naming one of them will do.',
    choices: [
      { value: 'artifact', help: 'the artifact name' },
      { value: 'file', help: 'the checkpoint file' },
      { value: 'either', help: 'one of them' },
    ],
    default: () => 'artifact',
    when: (answers) => withTracker(answers) && answers.publishFailure !== 'raise',
    policy: {
      strict: 'artifact',
      why: 'the artifact name is what the person reading the log looks for in the tracker',
      lenient: '`either`: a warning or error record names the artifact or the file',
    },
  },
  {
    name: 'retriedCalls',
    kind: 'enum',
    group: 'artifact',
    message: 'Which W&B calls does publish() retry on a transient failure?',
    help: 'A6, S1: `every-call` when the retry wraps the whole publish (`Artifact()`, `add_file`, `log_artifact`); `network` when only `log_artifact`, the call that talks to the server, is retried. Failures at calls not retried must still end publish per publishFailure.',
    choices: [
      { value: 'every-call', help: 'every call: Artifact(), add_file and log_artifact' },
      { value: 'network', help: 'only log_artifact, the upload' },
    ],
    default: () => 'every-call',
    when: (answers) => withRetries(answers) && (answers.tracker ?? 'wandb') === 'wandb',
    policy: {
      strict: 'every-call',
      why: 'a retry around the whole publish leaves no tracker call where a transient failure loses the upload',
      lenient: '`network`: transient failures are retried at `log_artifact` only; at the other calls they must end publish cleanly',
    },
  },
  {
    name: 'emptyAliases',
    kind: 'enum',
    group: 'artifact',
    message: 'With aliases=[] (an empty list), which aliases does publish() give the artifact?',
    help: 'A7, S1: `none` when an empty list means no aliases; `defaults-allowed` when publish uses `aliases or [defaults]`, so an empty list may get the default aliases (W&B adds `latest` to a new version by itself anyway).',
    choices: [
      { value: 'none', help: 'none: the empty list as given' },
      { value: 'defaults-allowed', help: 'none or the default aliases (`aliases or [...]`)' },
    ],
    default: () => 'none',
    when: withTracker,
    policy: {
      strict: 'none',
      why: 'an empty list given on purpose asks for no aliases; treating it like None hides that choice',
      lenient: '`defaults-allowed`: the artifact gets no aliases or exactly the default aliases',
    },
  },
];

const trackerNone = (answers: Answers) =>
  answers.tracker === 'none' ? `tracker is "${NONE}": nothing is published` : undefined;
const base = firstReason(trackerNone, lacking('publish'));

const CASES: readonly CaseSpec[] = [
  { id: 'A1', family: 'artifact', title: 'one artifact: the name, type, file, aliases and metadata given, logged once', leftOutBecause: base },
  {
    id: 'A2',
    family: 'artifact',
    title: 'no active run: returns False and makes no tracker call',
    leftOutBecause: firstReason(base, (answers) =>
      answers.trackerActive === 'not-checked' ? 'trackerActive is "not-checked": publish assumes a run' : undefined,
    ),
  },
  { id: 'A3', family: 'artifact', title: 'a missing file: returns False, uploads nothing, warns with the path', leftOutBecause: base },
  { id: 'A4', family: 'artifact', title: 'a tracker error at each call returns False and is logged, or raises, per policy', leftOutBecause: base },
  { id: 'A5', family: 'artifact', title: 'KeyboardInterrupt and SystemExit from the tracker propagate', leftOutBecause: base },
  {
    id: 'A6',
    family: 'artifact',
    title: 'transient failures are retried up to the limit, others are not, with backoff',
    leftOutBecause: firstReason(base, (answers) =>
      retries(answers) === 0 ? 'publishRetries is 0: publish does not retry' : undefined,
    ),
  },
  { id: 'A7', family: 'artifact', title: "metadata and aliases pass unchanged, default aliases apply, the caller's dict is not mutated", leftOutBecause: base },
];

interface ErrorKind {
  id: string;
  /** The question's transient choice this kind belongs to (none: never transient). */
  transient?: TransientChoice;
}

/** The failures A4 injects, by tracker; ids are tracker_fakes.ERROR_KINDS keys. */
const ERROR_KINDS: Record<Exclude<Tracker, 'none'>, ErrorKind[]> = {
  wandb: [
    { id: 'comm-error', transient: 'tracker-comm' },
    { id: 'usage-error' },
    { id: 'connection', transient: 'connection' },
    { id: 'timeout', transient: 'timeout' },
    { id: 'os-error' },
    { id: 'http-503', transient: 'http-5xx' },
  ],
  mlflow: [
    { id: 'mlflow-exception', transient: 'tracker-comm' },
    { id: 'connection', transient: 'connection' },
    { id: 'timeout', transient: 'timeout' },
    { id: 'os-error' },
    { id: 'http-503', transient: 'http-5xx' },
  ],
};

/** The tracker calls one publish makes, in order: where failures are injected. */
const CALL_SITES: Record<Exclude<Tracker, 'none'>, string[]> = {
  wandb: ['Artifact', 'add_file', 'log_artifact'],
  mlflow: ['log_artifact', 'log_dict', 'set_tag'],
};

/** The calls that talk to the server (every MLflow call does; of W&B's, only the upload). */
const NETWORK_SITES: Record<Exclude<Tracker, 'none'>, string[]> = {
  wandb: ['log_artifact'],
  mlflow: CALL_SITES.mlflow,
};

/** The calls publish retries, as retriedCalls says. */
function retriedSites(answers: Answers, tracker: Exclude<Tracker, 'none'>): string[] {
  return answers.retriedCalls === 'network' ? NETWORK_SITES[tracker] : CALL_SITES[tracker];
}

const pyList = (values: readonly string[]) => `[${values.map(pyString).join(', ')}]`;

/** `NAME = [...]` on one line when it fits black's 88 columns, else one item a line. */
function pyListAssignment(name: string, values: readonly string[]): string {
  const oneLine = `${name} = ${pyList(values)}`;
  return oneLine.length <= 88 ? oneLine : `${name} = ${pyStringList(values)}`;
}

/** The default aliases answer as a list (`none` → no aliases). */
export function defaultAliasList(answer: string | undefined): string[] {
  if (!answer || answer === NONE) return [];
  return answer.split(',').map((alias) => alias.trim());
}

export function artifactView(answers: Answers, cases: ReadonlySet<string>) {
  // The backoff target: an attribute path on the manager, or on the module (`module.time.sleep`).
  const sleep = boundName({ ...answers, retrySleep: answers.retrySleep || 'sleep' }, 'retrySleep')!;
  const sleepOnManager = sleep.root === 'manager';
  const tracker = answers.tracker === 'mlflow' ? 'mlflow' : 'wandb';
  const active = answers.tracker !== 'none' && cases.has('A1');
  const retryCount = cases.has('A6') ? retries(answers) : 0;
  const transient = new Set(retryCount > 0 ? answers.transientErrors : []);
  const kinds = ERROR_KINDS[tracker];
  const returnsFalse = answers.publishFailure !== 'raise';
  const logNamesFile = cases.has('A4') && returnsFalse && (answers.failureLogNames ?? 'artifact') !== 'artifact';
  const imports = [
    ...(cases.has('A7') ? ['import copy'] : []),
    ...(cases.has('A3') || (cases.has('A4') && returnsFalse) ? ['import logging'] : []),
    ...(logNamesFile ? ['import os'] : []),
  ];
  // The policy checks of tracker_fakes.py that test_artifact.py calls.
  const checks = [
    ...(cases.has('A1') ? ['check_artifact_name'] : []),
    ...(cases.has('A7') ? ['check_empty_aliases'] : []),
    ...(['A1', 'A6', 'A7'].some((id) => cases.has(id)) ? ['check_published'] : []),
  ].sort();
  return {
    /** False when no case is generated: the files say why and hold nothing else. */
    active,
    tracker,
    label: LABEL[tracker],
    ownErrorsText:
      tracker === 'wandb' ? "W&B's ``CommError`` and ``UsageError``" : "MLflow's ``MlflowException``",
    fakeClass: tracker === 'mlflow' ? 'FakeMlflow' : 'FakeWandb',
    /** What conftest.py imports from tracker_fakes.py, sorted as isort would. */
    fakesImported: [
      ...(retryCount > 0 ? ['FakeClock'] : []),
      tracker === 'mlflow' ? 'FakeMlflow' : 'FakeWandb',
      'make_error',
    ].join(', '),
    binding: answers.trackerBinding ?? 'sys-modules',
    returnsFalse,
    retries: retryCount,
    attempts: retryCount + 1,
    /** Where the fake clock goes: the manager instance, or the module of module functions. */
    sleepOwner: [sleepOnManager ? 'adapter.manager' : 'sys.modules[TARGET_MODULE]', ...sleep.path.slice(0, -1)].join('.'),
    /** The patched attribute's owner below the manager (`.clock`), when the manager owns it. */
    sleepMemberPath: sleep.path.slice(0, -1).map((part) => `.${part}`).join(''),
    sleepOnManager,
    retrySleep: pyString(sleep.path.at(-1)!),
    sleepOwnerText: `${sleepOnManager ? 'manager' : answers.module}.${sleep.path.join('.')}`,
    needsTargetModule: answers.trackerBinding === 'module-attribute' || (retryCount > 0 && !sleepOnManager),
    hasSave: hasOp(answers, 'save'),
    artifactType: pyString(answers.artifactType || 'model'),
    defaultAliasesText: defaultAliasList(answers.defaultAliases).join(', ') || 'none',
    /** publishSuccess: "true" (publish returns True) or "not-false" (anything but False). */
    publishSuccess: answers.publishSuccess ?? 'true',
    /** The artifactName template as a Python literal, or undefined for "contains". */
    nameTemplate: answers.artifactName === NAME_CONTAINS ? undefined : pyString(answers.artifactName || '{name}'),
    nameText: answers.artifactName || '{name}',
    failureLogNames: answers.failureLogNames ?? 'artifact',
    retriedCalls: retriedSites(answers, tracker).length < CALL_SITES[tracker].length ? 'network' : 'every-call',
    emptyAliasesDefaults: answers.emptyAliases === 'defaults-allowed',
    /** The module constants of test_artifact.py, each a whole assignment. */
    constants: {
      callSites: pyListAssignment('CALL_SITES', CALL_SITES[tracker]),
      errorKinds: pyListAssignment('ERROR_KINDS', kinds.map((kind) => kind.id)),
      retriedSites: pyListAssignment('RETRIED_SITES', retriedSites(answers, tracker)),
      transientKinds: pyListAssignment(
        'TRANSIENT_KINDS',
        kinds.filter((kind) => kind.transient && transient.has(kind.transient)).map((kind) => kind.id),
      ),
      permanentKinds: pyListAssignment(
        'PERMANENT_KINDS',
        kinds.filter((kind) => !kind.transient || !transient.has(kind.transient)).map((kind) => kind.id),
      ),
      defaultAliases: pyListAssignment('DEFAULT_ALIASES', defaultAliasList(answers.defaultAliases)),
    },
    imports: [
      ...imports,
      ...(imports.length ? [''] : []),
      'import pytest',
      ...(checks.length ? ['', `from tracker_fakes import ${checks.join(', ')}`] : []),
    ],
  };
}

export const artifactFamily: Family = {
  name: 'artifact',
  help: 'A: publishing checkpoints to W&B or MLflow without stopping training',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [
    { template: 'artifact/tracker_fakes.py.ejs', file: 'tracker_fakes.py' },
    { template: 'artifact/test_artifact.py.ejs', file: 'test_artifact.py' },
  ],
  view: artifactView,
  conftestPartials: ['partials/artifact-fixtures.ejs'],
  variables: {
    active: 'whether any A case is generated (false: the files say why and hold nothing else)',
    tracker: 'the tracker the fakes stand for: "wandb" or "mlflow"',
    label: 'the tracker\'s name as people write it (W&B, MLflow)',
    ownErrorsText: 'the tracker\'s own error classes, for docstrings',
    fakeClass: 'FakeWandb or FakeMlflow',
    fakesImported: 'what conftest.py imports from tracker_fakes.py',
    binding: 'where the fake goes: "sys-modules" or "module-attribute"',
    returnsFalse: 'whether a tracker failure makes publish return False (else it raises)',
    retries: 'the retries after a transient failure (0 when A6 is not generated)',
    attempts: 'retries + 1',
    sleepOwner: 'the Python expression whose sleep attribute the fake clock replaces',
    retrySleep: 'the name of that attribute, as a Python literal',
    sleepOwnerText: 'the same, for docstrings',
    sleepMemberPath: 'the path from the manager to the owner of that attribute (".clock"), "" for the manager itself',
    sleepOnManager: 'whether the manager (rather than the module) owns the attribute the fake clock replaces',
    needsTargetModule: 'whether test_artifact.py needs the target module\'s name',
    hasSave: 'whether the binding has save()',
    artifactType: 'the artifact type, as a Python literal',
    defaultAliasesText: 'the default aliases, for docstrings',
    publishSuccess: 'publishSuccess: "true" (publish returns True on success) or "not-false" (anything but False)',
    nameTemplate: 'the artifactName template ({name}, {run}) as a Python literal, or undefined when the name only has to contain the one given',
    nameText: 'the artifactName answer, for docstrings',
    failureLogNames: 'what the failure warning names: "artifact", "file" or "either"',
    retriedCalls: '"every-call" or "network" (only the calls that talk to the server are retried)',
    emptyAliasesDefaults: 'whether aliases=[] may get the default aliases (`aliases or [...]`)',
    constants: '{callSites, errorKinds, retriedSites, transientKinds, permanentKinds, defaultAliases}: module constants, each a whole assignment',
    imports: 'the import lines of test_artifact.py, in order ("" for a blank line)',
  } satisfies { [K in keyof ReturnType<typeof artifactView>]: string },
};
