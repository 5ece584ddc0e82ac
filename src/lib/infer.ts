/**
 * Answers read from the user's code: the class, each op by a fuzzy match on
 * method names, the format and tracker from the calls its source makes,
 * `keepLast` and the constructor expression from the constructor's
 * signature. Also the "did you mean" of every per-prompt check.
 *
 * An inference is `certain` when the code leaves no doubt (one class, an exact
 * or clearly better name); an uncertain one is still the suggested answer, but
 * the question is asked.
 */
import type { ConstructorParameter, Introspection, ModuleClass } from './python.js';
import { type Answers, type AnswerName, NONE } from './question-kit.js';
import { inferSavedKeyNames } from './state-shape.js';

export interface Inferred {
  value: string;
  /** The code shows it: no need to ask. */
  certain: boolean;
  /** Where in the code it was read, for the summary screen. */
  why: string;
}

/** Damerau-Levenshtein distance (optimal string alignment): a swap of two neighbours counts once. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `value` (case-insensitive), when it is near enough
 * to be a typo: at most 1 edit for short names, up to 3 for long ones.
 */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  const allowed = Math.max(1, Math.min(3, Math.floor(value.length / 4)));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === value) return undefined;
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Questions naming a method, with the names real code uses for it, best first, and the words that mark it. */
const METHOD_NAMES: Partial<Record<AnswerName, { names: readonly string[]; words: readonly string[] }>> = {
  saveOp: { names: ['save', 'save_checkpoint', 'save_ckpt', 'write_checkpoint', 'write', 'checkpoint', 'dump', 'store'], words: ['save', 'write', 'dump', 'store'] },
  loadOp: { names: ['load', 'load_checkpoint', 'load_ckpt', 'read_checkpoint', 'read', 'load_state'], words: ['load', 'read'] },
  latestOp: {
    names: ['latest', 'find_latest', 'latest_checkpoint', 'get_latest', 'find_latest_checkpoint', 'latest_path', 'newest', 'last_checkpoint'],
    words: ['latest', 'newest', 'last'],
  },
  resumeOp: { names: ['resume', 'resume_from', 'resume_checkpoint', 'maybe_resume', 'auto_resume', 'resume_from_checkpoint'], words: ['resume'] },
  publishOp: { names: ['publish', 'publish_checkpoint', 'log_artifact', 'upload', 'log_model', 'push'], words: ['publish', 'upload', 'artifact'] },
  pruneOp: { names: ['prune', 'prune_checkpoints', 'cleanup', 'clean_up', 'rotate', 'remove_old', 'delete_old', 'gc'], words: ['prune', 'cleanup', 'rotate', 'clean'] },
  restoreOp: { names: ['restore', 'restore_checkpoint', 'load_into', 'load_state_dict'], words: ['restore'] },
  trainingStateOp: { names: ['training_state', 'capture_training_state', 'get_training_state', 'capture'], words: ['capture'] },
  restoreTrainingOp: { names: ['restore_training', 'restore_training_state', 'apply_training_state'], words: [] },
};

/** Words that belong to another op: a name holding one of them is a worse match (`load_latest` for save). */
const ALL_WORDS = new Set(Object.values(METHOD_NAMES).flatMap((entry) => entry!.words));

/** How well `method` names the op of `question` (0: not at all). */
function methodScore(question: AnswerName, method: string): number {
  const entry = METHOD_NAMES[question];
  if (!entry) return 0;
  const lower = method.toLowerCase();
  const rank = entry.names.indexOf(lower);
  if (rank >= 0) return 100 - rank;
  const tokens = lower.split('_').filter(Boolean);
  const own = tokens.filter((token) => entry.words.includes(token));
  if (own.length > 0) {
    const others = tokens.filter((token) => ALL_WORDS.has(token) && !entry.words.includes(token));
    return (others.length > 0 ? 30 : 60) - Math.min(tokens.length, 9);
  }
  if (entry.names.some((name) => name.length > 3 && editDistance(lower, name) <= 1)) return 20;
  return 0;
}

/**
 * The method of `callables` that best names the op, never merely the first
 * in order; `none` when nothing matches. Methods already bound to another op
 * (`taken`) are passed over.
 */
export function inferMethod(question: AnswerName, callables: readonly string[], taken: readonly string[] = []): Inferred {
  const scored = callables
    .filter((method) => !taken.includes(method))
    .map((method) => ({ method, score: methodScore(question, method) }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best) return { value: NONE, certain: true, why: 'no method has a name for it' };
  const tie = second !== undefined && second.score === best.score;
  return {
    value: best.method,
    certain: !tie,
    why: tie ? `${best.method} and ${second.method} both fit` : `the method's name`,
  };
}

/** The class that holds the checkpoint ops: the only one, or the one whose methods name the most ops. */
export function inferClass(classes: readonly ModuleClass[], functions: readonly string[]): Inferred | undefined {
  if (classes.length === 0) {
    return functions.length > 0 ? { value: '', certain: true, why: 'the module has functions and no class' } : undefined;
  }
  if (classes.length === 1) return { value: classes[0]!.name, certain: true, why: 'the only class in the module' };
  const core: AnswerName[] = ['saveOp', 'loadOp', 'latestOp', 'resumeOp'];
  const scored = classes
    .map((cls) => ({ cls, score: core.filter((op) => cls.methods.some((method) => methodScore(op, method) > 0)).length }))
    .sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (best!.score === 0) return { value: best!.cls.name, certain: false, why: 'no class has save/load-like methods' };
  const tie = second !== undefined && second.score === best!.score;
  return {
    value: best!.cls.name,
    certain: !tie,
    why: tie ? `${best!.cls.name} and ${second!.cls.name} both have save/load-like methods` : 'the class with save/load-like methods',
  };
}

/** Names a constructor gives its checkpoint directory, best first. */
const DIRECTORY_PARAMETERS = [
  'checkpoint_dir',
  'ckpt_dir',
  'checkpoints_dir',
  'directory',
  'save_dir',
  'dir',
  'root',
  'root_dir',
  'checkpoint_root',
  'output_dir',
  'base_dir',
  'folder',
  'path',
  'checkpoint_path',
  'dirpath',
];

function directoryParameter(parameters: readonly ConstructorParameter[]): ConstructorParameter | undefined {
  const byName = [...parameters]
    .map((parameter) => ({ parameter, rank: DIRECTORY_PARAMETERS.indexOf(parameter.name.toLowerCase()) }))
    .filter((entry) => entry.rank >= 0)
    .sort((a, b) => a.rank - b.rank)[0];
  if (byName) return byName.parameter;
  return parameters.find((parameter) => /(^|_)(dir|directory|path|root|folder)($|_)/i.test(parameter.name));
}

/** `Manager(checkpoint_dir)`, or `Manager(save_dir=checkpoint_dir)` when the directory is not the first parameter. */
export function inferConstructor(cls: ModuleClass): Inferred {
  const parameters = cls.parameters;
  const fallback = `${cls.name}(checkpoint_dir)`;
  if (!parameters) return { value: fallback, certain: false, why: 'the constructor could not be read' };
  const directory = directoryParameter(parameters);
  const required = parameters.filter((parameter) => parameter.required);
  if (!directory) {
    if (required.length === 1) {
      return { value: fallback, certain: false, why: `${required[0]!.name} may be the directory` };
    }
    return { value: fallback, certain: false, why: 'no constructor parameter names a directory' };
  }
  const others = required.filter((parameter) => parameter !== directory);
  const positional = parameters[0] === directory;
  const keywords = positional ? [] : [`${directory.name}=checkpoint_dir`];
  // A prune that keeps everything by default (`keep_last=None`) is given a number, so retention can be tested.
  const keep = parameters.find((parameter) => KEEP_PARAMETERS.includes(parameter.name.toLowerCase()));
  const prunes = cls.methods.some((method) => methodScore('pruneOp', method) > 0);
  if (keep && !keep.required && keep.default === null && prunes) keywords.push(`${keep.name}=${DEFAULT_KEEP_LAST}`);
  const value = `${cls.name}(${[...(positional ? ['checkpoint_dir'] : []), ...keywords].join(', ')})`;
  if (others.length > 0) {
    return { value, certain: false, why: `the constructor also needs ${others.map((p) => p.name).join(', ')}` };
  }
  return { value, certain: true, why: `the constructor's ${directory.name} parameter` };
}

const FORMAT_PARAMETERS = ['fmt', 'format', 'serializer', 'serialization', 'backend', 'file_format', 'checkpoint_format'];
const FORMAT_CALLS: Record<string, Answers['format']> = {
  'torch.save': 'torch',
  'pickle.dump': 'pickle',
  'pickle.dumps': 'pickle',
  'json.dump': 'json',
};

/** The format: a constructor keyword's default (`fmt="pickle"`), else the one save call the source makes. */
export function inferFormat(
  cls: ModuleClass | undefined,
  sourceCalls: readonly string[],
  constructorExpression?: string,
): Inferred | undefined {
  // The constructor expression's own keyword (`fmt="json"`) wins over the signature's default.
  for (const name of FORMAT_PARAMETERS) {
    const given = new RegExp(`\\b${name}\\s*=\\s*["'](pickle|json|torch)["']`).exec(constructorExpression ?? '');
    if (given) return { value: given[1]!, certain: true, why: `${name}="${given[1]}" in the constructor expression` };
  }
  const keyword = cls?.parameters?.find(
    (parameter) => FORMAT_PARAMETERS.includes(parameter.name.toLowerCase()) && ['pickle', 'json', 'torch'].includes(String(parameter.default)),
  );
  if (keyword) return { value: String(keyword.default), certain: true, why: `${keyword.name}="${String(keyword.default)}" in the constructor` };
  const formats = [...new Set(sourceCalls.map((call) => FORMAT_CALLS[call]).filter((format) => format !== undefined))];
  if (formats.length === 1) {
    const call = sourceCalls.find((name) => FORMAT_CALLS[name] === formats[0])!;
    return { value: formats[0]!, certain: true, why: `the module calls ${call}` };
  }
  if (formats.length > 1) {
    const preferred = (['torch', 'pickle', 'json'] as const).find((format) => formats.includes(format))!;
    return { value: preferred, certain: false, why: `the module calls ${formats.join(' and ')} writers` };
  }
  return undefined;
}

/** The tracker the module imports or calls, or names as a constructor keyword's default. */
export function inferTracker(found: Introspection, cls: ModuleClass | undefined): Inferred | undefined {
  const seen = new Set<string>();
  for (const tracker of ['wandb', 'mlflow']) {
    if (found.imports.includes(tracker) || (found.source_calls ?? []).some((call) => call.startsWith(`${tracker}.`))) {
      seen.add(tracker);
    }
  }
  const keyword = cls?.parameters?.find((parameter) => parameter.name === 'tracker' && ['wandb', 'mlflow'].includes(String(parameter.default)));
  if (seen.size === 0 && keyword) return { value: String(keyword.default), certain: true, why: `tracker="${String(keyword.default)}" in the constructor` };
  if (seen.size === 1) {
    const tracker = [...seen][0]!;
    return { value: tracker, certain: true, why: `the module uses ${tracker}` };
  }
  return undefined;
}

/** The number of checkpoints a retention keeps when the code does not say (retention's own default). */
const DEFAULT_KEEP_LAST = 3;

const KEEP_PARAMETERS = ['keep_last', 'max_to_keep', 'keep', 'keep_n', 'num_to_keep', 'max_checkpoints', 'keep_latest', 'keep_last_n'];

/** `keepLast` from a `keep_last=3`-like keyword in the constructor expression, else its default in the signature. */
export function inferKeepLast(cls: ModuleClass | undefined, constructorExpression?: string): Inferred | undefined {
  for (const name of KEEP_PARAMETERS) {
    const given = new RegExp(`\\b${name}\\s*=\\s*([1-9][0-9]*)\\b`).exec(constructorExpression ?? '');
    if (given) return { value: given[1]!, certain: true, why: `${name}=${given[1]} in the constructor expression` };
  }
  const keyword = cls?.parameters?.find(
    (parameter) =>
      KEEP_PARAMETERS.includes(parameter.name.toLowerCase()) &&
      typeof parameter.default === 'number' &&
      Number.isInteger(parameter.default) &&
      parameter.default >= 1,
  );
  return keyword ? { value: String(keyword.default), certain: true, why: `${keyword.name}=${String(keyword.default)} in the constructor` } : undefined;
}

const RESUMED_ATTRIBUTES = ['resumed_from', 'resume_path', 'resumed_path', 'restored_from', 'loaded_from', 'last_resumed'];

/**
 * What the code shows for one question, given the answers so far and the
 * introspection of the module; undefined when it shows nothing (the
 * question's own default stands).
 */
export function inferAnswer(name: AnswerName, answers: Partial<Answers>, found: Introspection | undefined): Inferred | undefined {
  if (!found || found.module_error) return undefined;
  const cls = answers.className ? found.classes.find((candidate) => candidate.name === answers.className) : undefined;
  if (name === 'className') return inferClass(found.classes, found.functions);
  if (name === 'constructorExpression') return cls ? inferConstructor(cls) : undefined;
  if (METHOD_NAMES[name]) {
    if (answers.className && !cls) return undefined;
    const callables = cls ? cls.methods : found.functions;
    const taken = Object.entries(answers)
      .filter(([key, value]) => key in METHOD_NAMES && key !== name && typeof value === 'string')
      .map(([, value]) => value as string);
    return inferMethod(name, callables, taken);
  }
  if (name === 'resumedFromAttribute') {
    if (!cls) return undefined;
    const attribute = RESUMED_ATTRIBUTES.find((candidate) => cls.attributes.includes(candidate));
    return attribute
      ? { value: attribute, certain: true, why: `the class sets self.${attribute}` }
      : { value: NONE, certain: true, why: 'no attribute records it' };
  }
  if (name === 'format') return inferFormat(cls, found.source_calls ?? [], answers.constructorExpression);
  if (name === 'tracker') return inferTracker(found, cls);
  if (name === 'keepLast') return inferKeepLast(cls, answers.constructorExpression);
  if (name === 'stateKind') {
    const held = (cls?.parameters ?? []).map((parameter) => parameter.name).filter((parameter) => LIVE_OBJECT_PARAMETERS.includes(parameter));
    return held.length > 0 ? { value: 'objects', certain: false, why: `the constructor takes ${held.join(' and ')}` } : undefined;
  }
  if (name === 'savedKeyNames') {
    const pairs = inferSavedKeyNames(found.string_keys ?? []);
    return pairs ? { value: pairs, certain: false, why: 'the keys its source names' } : undefined;
  }
  if (name === 'versionKey') {
    const key = VERSION_KEYS.find((candidate) => (found.string_keys ?? []).includes(candidate));
    return key ? { value: key, certain: false, why: `its source names the key "${key}"` } : undefined;
  }
  return undefined;
}

/** Constructor parameters that hand a manager live objects to save (stateKind "objects"). */
const LIVE_OBJECT_PARAMETERS = ['model', 'optimizer', 'agent', 'trainer', 'net', 'network'];

/** The keys real code records its format version under, best first. */
const VERSION_KEYS = ['format_version', 'ckpt_version', 'checkpoint_version', 'schema_version', 'version'];

/** Builtin exceptions a checkpoint loader commonly raises: the "did you mean" candidates besides the module's own. */
export const COMMON_BUILTIN_EXCEPTIONS: readonly string[] = [
  'Exception',
  'ValueError',
  'RuntimeError',
  'OSError',
  'IOError',
  'FileNotFoundError',
  'FileExistsError',
  'PermissionError',
  'IsADirectoryError',
  'NotADirectoryError',
  'KeyError',
  'LookupError',
  'TypeError',
  'EOFError',
  'AssertionError',
  'NotImplementedError',
  'TimeoutError',
  'ConnectionError',
  'pickle.UnpicklingError',
  'json.JSONDecodeError',
];

/** What a policy choice's label adds when it is the recommended, stricter answer. */
export const STRICTER_MARK = '(recommended: stricter than many codebases; the suite will show the gap)';

/** The label of one choice of a select: `value: help`, marked when it is the policy's strict answer. */
export function choiceLabel(choice: { value: string; help: string }, policy: { strict: string } | undefined): string {
  const label = `${choice.value}: ${choice.help}`;
  return policy?.strict === choice.value ? `${label} ${STRICTER_MARK}` : label;
}
