/**
 * The stateful family (S1): a Hypothesis `RuleBasedStateMachine` runs random
 * sequences of save, load, latest, resume, prune, storage faults and damaged
 * files against the user's manager and a dictionary model of what must be on
 * disk, and checks after every step that they agree.
 *
 * Each rule needs its op; each policy the rules follow comes from the family
 * that asks it (resume, retention, faults). A policy nobody was asked about
 * is not guessed: the rule that depends on it is left out or avoids the
 * situation, and the test file's header says which.
 */
import {
  type AnswerName,
  type Answers,
  type CaseSpec,
  type Family,
  type Question,
  firstReason,
  hasCategory,
  hasOp,
  lacking,
  NONE,
} from '../question-kit.js';
import { pyCall, pyString, pyStringList, wrap } from '../python-literal.js';
import { parseRenamedKeys } from '../state-keys.js';
import { keysOnLoad, savesObjects } from '../state-shape.js';
import { STRAY_KINDS } from '../stray-kinds.js';
import { artifactView } from './artifact.js';
import { policyMark } from '../policy-mark.js';
import { corruptErrorsView, REQUIRED_KEY_TYPES, typedKeys, WRONG_VALUES } from './corruption.js';
import { DIRECTORY_FAULTS, saveFaults } from './faults.js';
import { AWKWARD_NAMES } from './paths.js';
import { exceptionView, latestFile } from './resume.js';
import { prunes, prunesInSave } from './retention.js';

declare module '../question-kit.js' {
  interface Families {
    stateful: true;
  }
  interface Answers {
    statefulExamples: string;
    statefulSteps: string;
  }
}

const inStateful = hasCategory('stateful');
const COUNT = { source: '^[1-9][0-9]{0,4}$', allowed: 'a whole number from 1 to 99999, written as a string such as "25"' };

const QUESTIONS: readonly Question[] = [
  {
    name: 'statefulExamples',
    kind: 'string',
    group: 'stateful',
    message: 'How many random sequences should the stateful test (S1) run?',
    help: 'S1: Hypothesis `max_examples`, the number of random operation sequences; the default keeps S1 under a few seconds.',
    default: () => '30',
    when: inStateful,
    pattern: COUNT,
  },
  {
    name: 'statefulSteps',
    kind: 'string',
    group: 'stateful',
    message: 'How many operations at most in each sequence?',
    help: 'S1: Hypothesis `stateful_step_count`, the longest sequence of operations tried.',
    default: () => '25',
    when: inStateful,
    pattern: COUNT,
  },
];

const CASES: readonly CaseSpec[] = [
  {
    id: 'S1',
    family: 'stateful',
    title: 'random operation sequences agree with a model of what is on disk (Hypothesis)',
    leftOutBecause: firstReason(lacking('save'), (answers) =>
      ['load', 'latest', 'resume'].some((op) => hasOp(answers, op as 'load'))
        ? undefined
        : `no load(), latest() or resume() op (answered "${NONE}"): nothing reads the checkpoints back`,
    ),
    partlyLeftOutBecause: (answers) =>
      answers.categories.includes('resume') && (answers.latestBy === 'pointer' || answers.latestBy === 'rolling')
        ? `latestBy is "${answers.latestBy}": the newest is the last checkpoint saved, so S1 saves steps in increasing order only (R5 checks other orders)`
        : undefined,
  },
];

/** Steps either side of digit boundaries, where name order and number order differ. */
const STEPS = [1, 2, 9, 10, 11, 99, 100, 999, 1000, 9000, 10000];

function statefulView(answers: Answers, cases: ReadonlySet<string>) {
  const chosen = (family: string) => answers.categories.includes(family as never);
  // A policy is known only when its family asked it.
  const resume = chosen('resume');
  const stepZero = resume ? answers.stepZero : undefined;
  const duplicate = resume ? answers.duplicateStep : undefined;
  const missingPath = resume ? answers.missingPath : undefined;
  const resumeNone = resume ? answers.resumeNone : undefined;
  const latestBy = resume ? answers.latestBy : undefined;
  const saveFault = chosen('faults') ? answers.saveFault : undefined;
  const retention = chosen('retention') && prunes(answers);
  // Retention runs as a rule of its own (the prune op), or after every save that wrote a file.
  const prune = retention && !prunesInSave(answers);
  const pruneInSave = retention && prunesInSave(answers);
  const lastSaved = latestBy === 'pointer' || latestBy === 'rolling';
  const protectResumed = (answers.protectResumed ?? 'yes') === 'yes';
  const keepBest = retention ? (answers.keepBest ?? 'no') : 'no';
  const has = (op: 'load' | 'latest' | 'resume') => hasOp(answers, op);
  const duplicateError = exceptionView(answers.duplicateStepError || 'FileExistsError');
  const missingError = exceptionView(answers.missingPathError || 'FileNotFoundError');
  const exceptionImports = [
    duplicate === 'raise' ? duplicateError.importLine : undefined,
    missingPath === 'raise' && has('resume') ? missingError.importLine : undefined,
  ].filter((line): line is string => Boolean(line));
  const damage = damageView(answers, chosen('corruption'));
  // V1 within S1: every file a save writes records the current version.
  const checksVersion = chosen('versioning') && isVersioned(answers);
  // S1 reads or writes checkpoint files itself, in the answered format.
  const touchesFiles = damage.writesFiles || checksVersion;
  const awkwardFolders = chosen('paths') ? AWKWARD_NAMES.map((awkward) => awkward.name) : [];
  const publish = publishView(answers, cases, chosen('artifact'));
  const fixtures = [
    'make_state',
    'assert_same_state',
    'storage_fault',
    'stray_maker',
    ...(damage.policy === 'fallback' ? ['caplog'] : []),
    ...(publish?.fixtures ?? []),
  ];
  const initialize: [string, string][] = [
    ['steps', 'EARLIER_STEPS'],
    ['variant', 'st.integers(0, 3)'],
    ...(hasOp(answers, 'resume') ? [['start', 'STARTS'] as [string, string]] : []),
    ...(awkwardFolders.length > 0 ? [['folder', 'st.sampled_from(FOLDERS)'] as [string, string], ['as_text', 'st.booleans()'] as [string, string]] : []),
  ];
  const faults = [...DIRECTORY_FAULTS.map((fault) => ({ ...fault })), ...saveFaults(answers.format)];
  const unknown: string[] = [];
  if (stepZero === undefined) unknown.push('step 0 is never saved (the step-zero policy was not asked)');
  if (duplicate === undefined) unknown.push('a step already on disk is never saved again (the duplicate-step policy was not asked)');
  if (resumeNone === undefined && has('resume')) unknown.push('resume(None) is not called (its policy was not asked)');
  if (missingPath === undefined && has('resume')) unknown.push('a missing path is never resumed (its policy was not asked)');
  if (latestBy === undefined) unknown.push('files are saved with modification times in step order (the latestBy policy was not asked)');
  if (!retention) unknown.push('prune() is not called (no prune op, or the retention family and its N were not chosen)');
  if (lastSaved) {
    unknown.push(
      `steps are saved in increasing order only, as training saves them (latestBy "${latestBy}": the newest is the last one saved, which R5 checks in any order)`,
    );
  }
  if (retention && hasOp(answers, 'resume') && !protectResumed) {
    unknown.push('the checkpoint a run resumed from may be pruned like any other (answer protectResumed "no")');
  }
  if (saveFault === undefined) unknown.push('a failed save may raise the OSError or return None (the faults policy was not asked)');
  if (damage.policy === undefined) {
    unknown.push('a damaged file may raise any error or load as None, and resuming past it may raise or fall back (the corruption policy was not asked)');
  }
  if (awkwardFolders.length === 0) unknown.push('the checkpoint folder has a plain name, given as a Path (the paths family was not chosen)');
  const operations = [
    'save',
    'a save hit by a storage fault',
    ...(['load', 'latest', 'resume'] as const).filter(has),
    ...(prune ? ['prune'] : []),
    ...(pruneInSave ? ['pruning inside save'] : []),
    ...(publish ? ['publish'] : []),
    'a restart',
    'a damaged file',
    'a stray file',
  ];
  const where = awkwardFolders.length > 0 ? ', in a folder whose name may have spaces, accents or glob characters,' : '';
  const intro = wrap(
    `Hypothesis runs random sequences of checkpoint operations (${operations.join(', ')})${where} against your manager and against a plain dictionary model of what must be on disk, and checks after every operation that the two agree. A failure is shrunk to the shortest sequence that shows it, and the report prints that sequence step by step. \`\`-k s1\`\` runs it.`,
  );
  return {
    intro,
    objects: savesObjects(answers),
    imports: {
      exceptions: [...new Set([...exceptionImports, ...damage.errorImports])].sort(),
      stdlib: [
        ...(touchesFiles && answers.format !== 'torch' ? [answers.format] : []),
        ...(damage.policy === 'fallback' ? ['logging'] : []),
        ...(publish ? ['copy'] : []),
        ...['os', 'random', 'shutil', 'tempfile'],
      ]
        .sort()
        .map((name) => `import ${name}`),
      torch: touchesFiles && answers.format === 'torch',
    },
    damage,
    // Asked by the corruption or the versioning family: where the version is recorded.
    version:
      (chosen('corruption') || chosen('versioning')) && isVersioned(answers)
        ? { key: pyString(answers.versionKey), current: answers.currentVersion || '1' }
        : undefined,
    checksVersion,
    publish,
    // The fixtures the machine keeps beyond the four every machine takes.
    kept: fixtures.slice(4),
    machineCall: pyCall('return CheckpointMachine', fixtures, '        '),
    machineParams: ['self', ...fixtures.map((name) => (name === 'assert_same_state' ? 'same_state' : name))],
    fixtures,
    initialize: {
      decorator: pyCall('@initialize', initialize.map(([name, strategy]) => `${name}=${strategy}`), '    '),
      params: initialize.map(([name]) => name),
    },
    folders: awkwardFolders.length > 0 ? pyStringList(['checkpoints', ...awkwardFolders]) : undefined,
    examples: answers.statefulExamples || '30',
    steps: answers.statefulSteps || '25',
    stepChoices: `[${[...(stepZero === 'save' || stepZero === 'skip' ? [0] : []), ...STEPS].join(', ')}]`,
    strayKinds: pyStringList(STRAY_KINDS.map((kind) => kind.id)),
    faults: faults.map((fault) => ({ error: pyString(fault.error), phase: pyString(fault.phase) })),
    stepZero,
    duplicate,
    duplicateError: duplicateError.name,
    missingPath,
    missingError: missingError.name,
    resumeNone,
    mtimeOrder: latestBy === undefined ? 'step' : 'written',
    newestBy: latestBy === 'mtime' ? 'mtime' : 'step',
    saveFault,
    prune,
    pruneInSave,
    protectResumed,
    lastSaved,
    rolling: latestBy === 'rolling',
    latestFile: lastSaved ? pyString(latestFile(answers)!) : undefined,
    keepLast: answers.keepLast || '3',
    best: keepBest === 'no' ? undefined : { metric: pyString(answers.bestMetric || 'loss'), pick: keepBest === 'lowest' ? 'min' : 'max' },
    hasLoad: has('load'),
    hasLatest: has('latest'),
    hasResume: has('resume'),
    hasResumedFrom: Boolean(answers.className) && Boolean(answers.resumedFromAttribute) && answers.resumedFromAttribute !== NONE,
    unknown,
    generated: cases.has('S1'),
    mark: s1Policies(answers, chosen, Boolean(publish)).length > 0 ? policyMark(s1Policies(answers, chosen, Boolean(publish))) : '',
    ignoresLockFiles: chosen('concurrency') && Boolean(answers.lockFile) && answers.lockFile !== 'none',
  };
}

/** The answers S1 follows: every policy of the other chosen families that its rules exercise. */
function s1Policies(answers: Answers, chosen: (family: string) => boolean, publishes: boolean): AnswerName[] {
  const raising = answers.corruptPolicy === 'raise';
  const policies: AnswerName[] = [
    ...(chosen('resume') ? (['latestBy', 'stepZero', 'duplicateStep', 'missingPath', 'resumeNone'] as const) : []),
    ...(chosen('corruption')
      ? (['corruptPolicy', ...(raising ? (['corruptError', 'errorsNameFile'] as const) : []), 'requiredKeys', 'typedKeys'] as const)
      : []),
    ...(chosen('faults') ? (['saveFault'] as const) : []),
    ...(chosen('retention') && prunes(answers)
      ? (['pruneOn', 'keepLast', 'keepBest', ...(hasOp(answers, 'resume') ? (['protectResumed'] as const) : [])] as const)
      : []),
    ...(chosen('versioning') && isVersioned(answers) ? (['versionKey'] as const) : []),
    ...(publishes ? (['publishSuccess', 'artifactName', 'retriedCalls', 'emptyAliases'] as const) : []),
  ];
  return policies.filter((name) => answers[name] !== undefined);
}

/**
 * What S1's publish rules need from the artifact family's answers: the
 * tracker's call sites and failures, the retry budget and the failure
 * policy. Left out when the artifact family is not chosen or fakes nothing.
 */
function publishView(answers: Answers, cases: ReadonlySet<string>, artifactChosen: boolean) {
  if (!artifactChosen || !hasOp(answers, 'publish')) return undefined;
  const artifact = artifactView(answers, cases);
  if (!artifact.active) return undefined;
  const retrying = artifact.retries > 0;
  return {
    constants: [
      artifact.constants.callSites,
      artifact.constants.errorKinds,
      artifact.constants.retriedSites,
      artifact.constants.transientKinds,
      artifact.constants.defaultAliases,
    ],
    attempts: String(artifact.attempts),
    returnsFalse: artifact.returnsFalse,
    artifactType: artifact.artifactType,
    /** The fake clock replaces each new manager's sleep; for module functions, the `publisher` fixture did it. */
    wiresSleep: retrying && artifact.sleepOnManager,
    retrySleep: artifact.retrySleep,
    sleepMemberPath: artifact.sleepMemberPath,
    fixtures: ['tracker', 'tracker_error', ...(retrying && artifact.sleepOnManager ? ['fake_clock'] : [])],
    usesPublisher: retrying && !artifact.sleepOnManager,
  };
}

/** Whether checkpoints carry a format version (the versionKey answer is not "none"). */
const isVersioned = (answers: Answers) => Boolean(answers.versionKey) && answers.versionKey !== NONE;

/**
 * How S1 damages files, and what the corruption policy says loading one
 * does. Byte-level damage (cut short, emptied, garbage) is always drawn; the
 * kinds that write a well-formed file with wrong content need the corruption
 * family's answers (required keys, version key) to say what is wrong.
 */
function damageView(answers: Answers, corruptionChosen: boolean) {
  const kinds = corruptionChosen ? (answers.corruptionKinds ?? []) : [];
  const requiredKeys = corruptionChosen ? (answers.requiredKeys ?? []) : [];
  const typed = corruptionChosen ? typedKeys(answers) : [];
  const versioned = corruptionChosen && isVersioned(answers);
  const semantic = [
    ...(kinds.includes('wrong-type') ? ['not-a-dict'] : []),
    ...(requiredKeys.length > 0 && kinds.includes('missing-keys') ? ['missing-key'] : []),
    ...(typed.length > 0 && kinds.includes('wrong-value-types') ? ['wrong-value-type'] : []),
    ...(versioned && kinds.includes('future-version') ? ['future-version'] : []),
  ];
  const policy = corruptionChosen ? answers.corruptPolicy : undefined;
  const errors = corruptErrorsView(answers);
  return {
    kinds: pyStringList(['truncated', 'empty', 'garbage', ...semantic]),
    /** The corruption policy, when the corruption family asked it. */
    policy,
    errors,
    errorImports: policy === 'raise' ? errors.importLines : [],
    writesFiles: semantic.length > 0,
    /** Key damage names a key as the code stores it (savedKeyNames): the saved_name helper is printed. */
    renamesKeys:
      parseRenamedKeys(answers.savedKeyNames).length > 0 && semantic.some((kind) => kind === 'missing-key' || kind === 'wrong-value-type'),
    /** The damage kinds that write a well-formed file with the wrong content. */
    semantic,
    // A flipped byte may leave a well-formed file: only a policy can say what else is allowed.
    flipProbe: (policy === 'raise' || policy === 'none') && kinds.includes('property-based'),
    requiredKeys: requiredKeys.length > 0 ? pyStringList(requiredKeys) : undefined,
    // What a loaded state must hold: for live objects, only the keys their state has.
    loadedKeys: keysOnLoad(answers, requiredKeys).length > 0 ? pyStringList(keysOnLoad(answers, requiredKeys)) : undefined,
    // The first wrong value C6 tries for each key's type.
    wrongValues: typed.map((key) => ({ key: pyString(key), value: WRONG_VALUES[REQUIRED_KEY_TYPES[key]]![0]!.value })),
    requiredTypes: keysOnLoad(answers, typed).map((key) => ({ key: pyString(key), type: REQUIRED_KEY_TYPES[key] })),
  };
}

export const statefulFamily: Family = {
  name: 'stateful',
  help: 'S: random operation sequences checked against a model of the disk (Hypothesis state machine)',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [{ template: 'stateful/test_stateful.py.ejs', file: 'test_stateful.py' }],
  view: statefulView,
  conftestPartials: ['partials/storage-faults.ejs', 'partials/stray-maker.ejs'],
  variables: {
    imports: '{exceptions, stdlib, torch}: the exception and standard-library import lines of test_stateful.py, and whether it imports torch',
    damage:
      '{kinds, semantic, policy, errors, errorImports, writesFiles, renamesKeys, flipProbe, requiredKeys, loadedKeys, wrongValues, requiredTypes}: how the damage rules break files and what the corruption policy expects (errors: corruptError and errorsNameFile; requiredTypes and wrongValues: the typedKeys)',
    intro: 'the first paragraph of the module docstring, wrapped',
    objects: 'whether the manager saves live objects (stateKind objects): saved states get no extra keys',
    version: '{key, current}: the version key (a Python literal) and the current version, when checkpoints carry one',
    checksVersion: 'whether each save is checked to record the current version (the versioning family chosen)',
    publish:
      '{constants, attempts, returnsFalse, artifactType, wiresSleep, retrySleep, fixtures, usesPublisher} when S1 publishes (the artifact family chosen, A1 generated), else undefined',
    machineCall: 'the line(s) of `return CheckpointMachine(...)` in the S1 test, laid out as black does',
    kept: 'the fixtures the machine keeps as attributes of the same name (caplog, tracker, ...)',
    machineParams: "the parameters of the state machine's __init__",
    fixtures: 'the fixtures the S1 test takes, passed on to the machine',
    initialize: '{decorator, params}: the initialize rule\'s decorator line(s) and parameter names',
    folders: 'the folder names the run may use (the paths family chosen), as a Python list literal, else undefined',
    examples: 'the Hypothesis examples (statefulExamples)',
    steps: 'the steps of each example (statefulSteps)',
    stepChoices: 'the steps a save rule draws from, as a Python list literal',
    strayKinds: 'the stray kinds a rule may leave, as a Python list literal',
    faults: '[{error, phase}]: the faults a failing-save rule injects (Python literals)',
    stepZero: 'the R9 policy, when the resume family asked it',
    duplicate: 'the R13 policy, when asked',
    duplicateError: 'the R13 exception name',
    missingPath: 'the R4 policy, when asked',
    missingError: 'the R4 exception name',
    resumeNone: 'the R12 policy, when asked',
    mtimeOrder: '"written" or "step": how the model orders modification times',
    newestBy: '"step" or "mtime": how the model picks the newest',
    saveFault: 'the faults policy, when asked',
    prune: 'whether the machine has a prune rule (a prune op applies retention)',
    pruneInSave: 'whether every save prunes (answer pruneOn "save"): retention is checked after each save',
    protectResumed: 'whether retention keeps the checkpoint a run resumed from (answer protectResumed)',
    lastSaved: 'whether the newest is the last one saved (latestBy "pointer" or "rolling"): steps are saved in increasing order',
    rolling: 'whether latest() is a rolling file every save overwrites (latestBy "rolling")',
    latestFile: 'the pointer or rolling file beside the checkpoints, as a Python literal, else undefined',
    keepLast: 'N for the prune rule, or for pruning inside save',
    best: '{metric, pick} when a best checkpoint is kept, else undefined',
    hasLoad: 'whether the binding has load()',
    hasLatest: 'whether the binding has latest()',
    hasResume: 'whether the binding has resume()',
    hasResumedFrom: 'whether the manager records resumed_from',
    unknown: 'the behaviours left out because their policy was not asked, for the module docstring',
    generated: 'whether S1 is generated',
    ignoresLockFiles: 'whether the folder check ignores *.lock files (a lock file is in use)',
    mark: 'the `@pytest.mark.policy(...)` line of S1: the answers of the chosen families its rules follow',
  } satisfies { [K in keyof ReturnType<typeof statefulView>]: string },
};
