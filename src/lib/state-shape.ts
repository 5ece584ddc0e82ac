/**
 * The shape of what the manager stores, as the adapter sees it (issue 14):
 * the names it stores the suite's keys under (`savedKeyNames`) and the keys
 * it adds to every file (`addedOnSave`). The adapter renames on save and back
 * on load, and the suite never expects an added key back, so the test files
 * speak the suite's own keys whatever the project calls them.
 */
import { type Answers, type Question, NONE } from './question-kit.js';
import { parseKeys, parseRenamedKeys, SUITE_STATE_KEYS } from './state-keys.js';
import { didYouMean } from './infer.js';
import { pyString } from './python-literal.js';

declare module './question-kit.js' {
  interface Answers {
    savedKeyNames: string;
    addedOnSave: string;
  }
}

/** A top-level key of a checkpoint as an answer may name it (the versioning family's rule). */
const KEY = '[A-Za-z_][A-Za-z0-9_.]*';

function repeated(names: readonly string[]): string[] {
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
}

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

export const STATE_SHAPE_QUESTIONS: readonly Question[] = [
  {
    name: 'savedKeyNames',
    kind: 'string',
    group: 'binding',
    message: `Does your code store the state under its own key names? (suite->yours pairs such as model->model_state_dict; ${NONE} if not)`,
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
    message: `Which top-level keys does your code add to every checkpoint it saves? (comma-separated, such as global_step; ${NONE} if none)`,
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
  const pairs: string[] = [];
  for (const suite of SUITE_STATE_KEYS) {
    if (stringKeys.includes(suite)) continue;
    const saved = STORED_NAME_SUFFIXES.map((suffix) => `${suite}${suffix}`).find((name) => stringKeys.includes(name));
    if (saved) pairs.push(`${suite}->${saved}`);
  }
  return pairs.length > 0 ? pairs.join(', ') : undefined;
}

/** What the adapter's class attributes say about the stored shape, as Python literals. */
export interface StateShapeView {
  /** `{"model": "model_state_dict"}` entries, as `"suite": "saved"` literals. */
  savedNames: { suite: string; saved: string }[];
  /** The keys the manager adds, the version key first. */
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
    savedNames: pairs.map(([suite, saved]) => ({ suite: pyString(suite), saved: pyString(saved) })),
    addedOnSave: added.map(pyString),
    renames: pairs.length > 0,
  };
}
