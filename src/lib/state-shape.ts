/**
 * The shape of what the manager stores, as the adapter sees it (issue 14):
 * the names it stores the suite's keys under (`savedKeyNames`) and the keys
 * it adds to every file (`addedOnSave`). The adapter renames on save and back
 * on load, and the suite never expects an added key back, so the test files
 * speak the suite's own keys whatever the project calls them.
 */
import { type Answers, type Question, NONE } from './question-kit.js';
import { KEY, parseKeys, parseRenamedKeys, repeated, SUITE_STATE_KEYS } from './state-keys.js';
import { didYouMean, type Inferred } from './infer.js';
import type { ProbeReport } from './python.js';
import { pyCollection, pyString } from './python-literal.js';
import { scanNames } from './constructor-names.js';

declare module './question-kit.js' {
  interface Answers {
    stateKind: 'dict' | 'objects';
    savedKeyNames: string;
    addedOnSave: string;
  }
}

/** The names a constructor expression may use for the adapter's live objects (stateKind "objects"). */
export const OBJECT_NAMES: readonly string[] = ['objects', 'model', 'optimizer'];

/** Whether the manager saves live objects (a model and optimizer) rather than a state dict it is given. */
export const savesObjects = (answers: Partial<Answers>) => answers.stateKind === 'objects';

/** Whether the constructor expression hands the manager its live objects (`Trainer(model, optimizer, checkpoint_dir)`). */
export function constructorTakesObjects(answers: Partial<Answers>): boolean {
  if (!answers.className || !answers.constructorExpression) return false;
  return scanNames(answers.constructorExpression).some(({ name }) => OBJECT_NAMES.includes(name));
}

/**
 * The keys of `keys` a loaded state can hold: all of them for a state dict;
 * for live objects only theirs (`model`, `optimizer`), whatever the file holds.
 */
export function keysOnLoad<K extends string>(answers: Partial<Answers>, keys: readonly K[]): K[] {
  return savesObjects(answers) ? keys.filter((key) => key === 'model' || key === 'optimizer') : [...keys];
}

/** Why a case that saves states of any shape (R8, R11, P1, P2) is left out for live objects. */
export const needsAnyShape = (answers: Partial<Answers>): string | undefined =>
  savesObjects(answers) ? "your code saves live objects (stateKind objects): the states are your objects' state_dicts, of one shape and size" : undefined;

function validateSavedKeyNames(value: string): string | undefined {
  const pairs = parseRenamedKeys(value);
  const unknown = pairs.map(([suite]) => suite).filter((suite) => !(SUITE_STATE_KEYS as readonly string[]).includes(suite));
  if (unknown.length > 0) {
    const near = didYouMean(unknown[0]!, SUITE_STATE_KEYS);
    return `${unknown.join(', ')} is not a key of the suite's states (${SUITE_STATE_KEYS.join(', ')})${near ? `; did you mean ${near}?` : ''}: name the suite's key first, then yours (model->model_state_dict)`;
  }
  const twice = repeated(pairs.map(([suite]) => suite));
  if (twice.length > 0) return `${twice.join(', ')} is given two names`;
  const shared = repeated(pairs.map(([, saved]) => saved));
  if (shared.length > 0) return `two keys are stored under ${shared.join(', ')}`;
  // A saved name that is another suite key would swap two keys' values on the way back.
  const clash = pairs.filter(([suite, saved]) => saved !== suite && (SUITE_STATE_KEYS as readonly string[]).includes(saved));
  if (clash.length > 0) return `${clash.map(([, saved]) => saved).join(', ')} is a key of the suite's states itself, so it cannot be another key's stored name`;
  return undefined;
}

function validateAddedOnSave(value: string, answers: Partial<Answers>): string | undefined {
  const keys = parseKeys(value);
  const twice = repeated(keys);
  if (twice.length > 0) return `${twice.join(', ')} is named twice`;
  const renamed = new Set(parseRenamedKeys(answers.savedKeyNames).map(([, saved]) => saved));
  const both = keys.filter((key) => renamed.has(key));
  if (both.length > 0) return `${both.join(', ')} is where your code stores one of the suite's keys (savedKeyNames), not a key it adds`;
  return undefined;
}

/** What save is given, asked before the format (a probe of the save needs it). */
export const STATE_KIND_QUESTION: Question = {
    name: 'stateKind',
    kind: 'enum',
    group: 'binding',
    message: 'Does your save write a state dict it is given, or live objects (a model, an optimizer)?',
    help: "`dict`: save is given the state to write (`save(state, step)`). `objects` (torch): it saves live objects, a model and optimizer given to its constructor (use `model`, `optimizer` or `objects` in constructorExpression) or an agent passed per call; the adapter's `build_objects` builds small ones, each suite state is put into them before a save and read back from their `state_dict()`s after a load. R8, R11, P1 and P2 need states of any shape and are left out.",
    choices: [
      { value: 'dict', help: 'a state dict it is given: save(state, step)' },
      { value: 'objects', help: 'live objects: a model and optimizer it holds, or an agent passed per call (torch)' },
    ],
    default: () => 'dict',
    validate: (value, answers) =>
      value === 'objects' && answers.format !== undefined && answers.format !== 'torch'
        ? `live objects are torch modules and optimizers, saved with torch.save, but \`format\` is ${answers.format}: answer format torch, or stateKind dict`
        : undefined,
};

export const STATE_SHAPE_QUESTIONS: readonly Question[] = [
  {
    name: 'savedKeyNames',
    kind: 'string',
    group: 'binding',
    message: `Does your code store the state's keys under other names? (such as model->model_state_dict; ${NONE} if not)`,
    help: `The names your code stores the suite's keys (${SUITE_STATE_KEYS.join(', ')}) under, as \`suite->yours\` pairs: \`model->model_state_dict, optimizer->optimizer_state_dict\`. The adapter renames them on save and back on load (its \`SAVED_NAMES\`); other answers, such as requiredKeys, keep naming the suite's keys. \`${NONE}\` when it keeps the keys it is given.`,
    default: () => NONE,
    pattern: {
      source: `^(${NONE}|${KEY}\\s*->\\s*${KEY}(\\s*,\\s*${KEY}\\s*->\\s*${KEY})*)$`,
      allowed: `suite->yours pairs of keys separated by commas (\`model->model_state_dict\`), or "${NONE}"`,
    },
    validate: validateSavedKeyNames,
  },
  {
    name: 'addedOnSave',
    kind: 'string',
    group: 'binding',
    message: `Which keys does your code add to every checkpoint it saves? (such as global_step; ${NONE} if none)`,
    help: `Keys your code adds to what it is given when it saves (\`global_step\`, a timestamp): the suite does not expect them back and ignores them when it compares a loaded state (the adapter's \`ADDED_ON_SAVE\`). The format version key (versionKey) counts as added without being listed. \`${NONE}\` by default.`,
    default: () => NONE,
    pattern: {
      source: `^(${NONE}|${KEY}(\\s*,\\s*${KEY})*)$`,
      allowed: `keys separated by commas (\`global_step, saved_at\`), or "${NONE}"`,
    },
    validate: validateAddedOnSave,
  },
];

/** Suite keys paired with the names the code stores them under, for `savedKeyNames`, by the names real code uses. */
const STORED_NAME_SUFFIXES = ['_state_dict', '_state', '_states'];

/**
 * `savedKeyNames` as the code shows it: the string keys its source uses
 * (`"model_state_dict"`) that name a suite key with a suffix real code adds.
 */
export function inferSavedKeyNames(stringKeys: readonly string[]): string | undefined {
  const pairs = storedNames(SUITE_STATE_KEYS, stringKeys);
  return pairs.length > 0 ? pairs.map(([suite, saved]) => `${suite}->${saved}`).join(', ') : undefined;
}

/** Each of `suiteKeys` absent from `keys` but found there under a name real code adds a suffix to: `[suite, stored]`. */
function storedNames(suiteKeys: readonly string[], keys: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const suite of suiteKeys) {
    if (keys.includes(suite)) continue;
    const stored = STORED_NAME_SUFFIXES.map((suffix) => `${suite}${suffix}`).find((name) => keys.includes(name));
    if (stored) pairs.push([suite, stored]);
  }
  return pairs;
}

/** The adapter's class attributes that say the stored shape, as source lines at class indentation. */
export interface StateShapeView {
  /** `SAVED_NAMES = {"model": "model_state_dict"}`, laid out as black would. */
  savedNames: string[];
  /** `ADDED_ON_SAVE = ("format_version",)`: the keys the manager adds, the version key first. */
  addedOnSave: string[];
  /** Whether any key is stored under another name. */
  renames: boolean;
}

export function stateShapeView(answers: Answers): StateShapeView {
  const pairs = parseRenamedKeys(answers.savedKeyNames);
  // The version key is written by every save of a versioned format: never expected back.
  const versionKey = answers.versionKey && answers.versionKey !== NONE ? [answers.versionKey] : [];
  const added = [...new Set([...versionKey, ...parseKeys(answers.addedOnSave)])];
  return {
    savedNames: pyCollection('SAVED_NAMES', '{', '}', pairs.map(([suite, saved]) => `${pyString(suite)}: ${pyString(saved)}`), '', '    '),
    addedOnSave: pyCollection('ADDED_ON_SAVE', '(', ')', added.map(pyString), ',', '    '),
    renames: pairs.length > 0,
  };
}

/** The answers a probe's save and load tell, each with where it was seen. */
export type ProbedAnswer = 'format' | 'savedKeyNames' | 'addedOnSave' | 'versionKey' | 'corruptError';

/**
 * What one save through the drafted adapter showed (the probe,
 * python/probe.py), whether or not loading it back worked: the format of the
 * file it wrote, the names it stored the suite's keys under (only when it
 * renamed them: a loader that wants other names shows nothing here), and
 * the keys it added, a version key among them. When loading the file cut to
 * half its bytes raised an exception of the user's own package (`module`'s
 * top-level one), the widest class of that package it is (its own base, when
 * it has one: other damage may raise a sibling) is what a corrupt load raises
 * (corruptError); an error of pickle, json or torch.load is one of several
 * that kind of loader lets through, so it suggests nothing.
 */
export function probeSuggestions(report: ProbeReport, module?: string): Partial<Record<ProbedAnswer, Inferred>> {
  if (!report.format) return {};
  const file = report.files.find((name) => !name.startsWith('.')) ?? report.files[0] ?? 'its file';
  const seen = `the probe's save wrote ${file}`;
  const found: Partial<Record<ProbedAnswer, Inferred>> = {
    format: { value: report.format, certain: true, why: `${seen}, a ${report.format} file` },
  };
  const ownPackage = module?.split('.')[0];
  const [raised, ...bases] = report.corrupt_errors ?? [];
  if (ownPackage && raised?.startsWith(`${ownPackage}.`)) {
    const widest = [raised, ...bases].filter((name) => name.startsWith(`${ownPackage}.`)).at(-1)!;
    const why = `loading ${file} cut to half its bytes raised ${widest === raised ? 'it' : `${raised}, one of them`}`;
    found.corruptError = { value: widest, certain: true, why };
  }
  if (report.stored_keys.length === 0) return found;
  const pairs = storedNames(report.suite_keys, report.stored_keys);
  if (pairs.length > 0) {
    found.savedKeyNames = {
      value: pairs.map(([suite, saved]) => `${suite}->${saved}`).join(', '),
      certain: true,
      why: `${seen}, holding ${pairs.map(([, saved]) => saved).join(' and ')}`,
    };
  }
  const renamedTo = new Set(pairs.map(([, saved]) => saved));
  const added = report.stored_keys.filter((key) => !report.suite_keys.includes(key) && !renamedTo.has(key));
  const version = added.find((key) => /version/i.test(key));
  if (version) found.versionKey = { value: version, certain: true, why: `${seen}, recording its format version under ${version}` };
  const others = added.filter((key) => key !== version);
  found.addedOnSave = {
    value: others.length > 0 ? others.join(', ') : NONE,
    certain: true,
    why: others.length > 0 ? `${seen}, adding ${others.join(', ')}` : `${seen}, adding no key${version ? ' but the version' : ''}`,
  };
  return found;
}

