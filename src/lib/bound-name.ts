/**
 * Answers that bind a name of the user's code (issue 14, "any callable
 * binds"): an op, `restoreOp`, the training-state methods, the resumed-from
 * attribute, the backoff target. One syntax for all, a dotted path of Python
 * identifiers (never anything else, so it can be printed into the adapter as
 * attribute access):
 *
 * - `save`: a method of the manager (a function of the module when the
 *   answers bind module-level functions), as it always was;
 * - `manager.checkpoint.restore`, `manager.latest_checkpoint`,
 *   `manager._trim_checkpoints`: a path on the manager; a method is called,
 *   a property read;
 * - `module.get_latest_checkpoint_path`, `module.time.sleep`: a name of the
 *   user's module, imported into the adapter by name; a function gets the
 *   checkpoint folder where its signature asks for it.
 *
 * What a name is (a method, a property, a function and its parameters) comes
 * from introspection (python/introspect.py) when the module was imported;
 * without it (--skip-checks) the adapter calls, passes the folder by the
 * documented convention, and reads-or-calls a `manager.` path of an op that
 * takes no argument.
 */
import { type Answers, type AnswerName, DOTTED_NAME, NONE } from './question-kit.js';

export type BindingRoot = 'manager' | 'module';

export interface BoundName {
  root: BindingRoot;
  /** The attribute path from the root: `["checkpoint", "restore"]`. */
  path: string[];
  /** The answer spelled its root (`manager.x`), rather than a bare name. */
  rooted: boolean;
}

/** What introspection found a bound name to be. */
export interface BindingFact {
  kind?: 'method' | 'property' | 'function' | 'value' | 'unknown';
  /** Positional parameters in order (`self` dropped); null when the signature cannot be read. */
  parameters?: { name: string; required: boolean }[] | null;
  varargs?: boolean;
  /** Why the name does not resolve, and the names that do exist there (for "did you mean"). */
  problem?: string;
  near?: string[];
  /** The index in the path of the name that does not exist. */
  missing?: number;
  /** Why a name past a member could not be checked. */
  note?: string;
}

export type BindingFacts = Readonly<Record<string, BindingFact>>;

/** Answers that name one thing of the user's code, in the binding syntax. */
export const BOUND_ANSWERS = [
  'saveOp',
  'loadOp',
  'latestOp',
  'resumeOp',
  'publishOp',
  'pruneOp',
  'restoreOp',
  'trainingStateOp',
  'restoreTrainingOp',
  'resumedFromAttribute',
  'retrySleep',
] as const satisfies readonly AnswerName[];

/** What an op answer's pattern allows, for the error message and the schema. */
export const BOUND_NAME_ALLOWED = `a method name, a path on the manager such as manager.checkpoint.restore, a function of your module such as module.find_latest, or "${NONE}"`;

/** The parts of a bound-name answer, or why its root cannot be read (the pattern has already passed). */
export function parseBoundName(value: string, hasClass: boolean): BoundName | { problem: string } {
  const [first, ...rest] = value.split('.');
  if (rest.length === 0) return { root: hasClass ? 'manager' : 'module', path: [first!], rooted: false };
  if (first === 'manager') {
    return hasClass
      ? { root: 'manager', path: rest, rooted: true }
      : { problem: 'the answers bind module-level functions (no `className`), so there is no manager: name a function of the module, such as `module.' + rest.join('.') + '`' };
  }
  if (first === 'module') return { root: 'module', path: rest, rooted: true };
  return {
    problem: `a dotted path must say where it starts: \`manager.${value}\` for a path on the manager (a member's method), or \`module.${value}\` for a name of your module (such as its \`time.sleep\`)`,
  };
}

/** The `validate` of a bound-name question: the root rules the pattern cannot say. */
export function boundNameProblem(value: string, answers: Partial<Answers>): string | undefined {
  if (value === NONE) return undefined;
  const parsed = parseBoundName(value, answers.className === undefined ? true : Boolean(answers.className));
  return 'problem' in parsed ? parsed.problem : undefined;
}

/** The bound name of an answer, or undefined when it is unanswered, `none` or unreadable. */
export function boundName(answers: Partial<Answers>, name: AnswerName): BoundName | undefined {
  const value = answers[name];
  if (typeof value !== 'string' || value === '' || value === NONE) return undefined;
  const parsed = parseBoundName(value, Boolean(answers.className));
  return 'problem' in parsed ? undefined : parsed;
}

/** Names the adapter itself binds at module level: a module name imported by name must not shadow one. */
const ADAPTER_NAMES = new Set(['Path', 'CheckpointAdapter', 'copy', 'random', 'np', 'torch', 'SimpleNamespace', 'target']);

/** How the adapter refers to the first name of a module path it imports by name (aliased on a clash). */
function importedName(first: string): string {
  return ADAPTER_NAMES.has(first) ? `module_${first}` : first;
}

/** The `from <module> import ...` names the adapter needs for `module.` answers beside a class. */
export function moduleNamesImported(answers: Answers, names: readonly AnswerName[]): string[] {
  if (!answers.className) return [];
  const imported = new Set<string>();
  for (const name of names) {
    const bound = boundName(answers, name);
    if (bound?.root !== 'module') continue;
    const first = bound.path[0]!;
    imported.add(importedName(first) === first ? first : `${first} as ${importedName(first)}`);
  }
  return [...imported];
}

/** The Python expression naming the bound thing: `self.manager.checkpoint.restore`, `find_latest`, `target.save`. */
export function boundReference(answers: Answers, bound: BoundName, managerExpression = 'self.manager'): string {
  if (bound.root === 'manager') return [managerExpression, ...bound.path].join('.');
  if (!answers.className) return ['target', ...bound.path].join('.');
  return [importedName(bound.path[0]!), ...bound.path.slice(1)].join('.');
}

/** Parameter names real code gives the checkpoint folder (a module function gets the folder there). */
const FOLDER_PARAMETERS = new Set([
  'checkpoint_dir',
  'ckpt_dir',
  'checkpoints_dir',
  'directory',
  'save_dir',
  'model_dir',
  'dir',
  'root',
  'root_dir',
  'checkpoint_root',
  'output_dir',
  'base_dir',
  'folder',
  'dirpath',
]);

export function isFolderParameter(name: string): boolean {
  return FOLDER_PARAMETERS.has(name.toLowerCase()) || /(^|_)(dir|directory|folder)$/i.test(name);
}

/**
 * What an op hands its callee, by role: the adapter knows the expression of
 * each (`step`, `self.checkpoint_dir`, `self.objects.model`), and a
 * signature's parameter names say which role each parameter plays.
 */
export type ArgumentRole = 'state' | 'step' | 'path' | 'source' | 'folder' | 'objects' | 'model' | 'optimizer';

/** The parameter names real code gives each role, by the words they are made of. */
const ROLE_NAMES: Readonly<Record<Exclude<ArgumentRole, 'folder'>, RegExp>> = {
  step: /^(step|global_step|timestep|time_step|timesteps|iteration|iter|it|epoch|n_iter|num_steps|step_num|update)$/i,
  state: /^(state|state_dict|checkpoint|ckpt|obj|payload|data|training_state|contents?)$/i,
  path: /^(path|checkpoint_path|ckpt_path|file|filename|file_path|filepath|ckpt_file|checkpoint_file|load_path|model_path|fname)$/i,
  source: /^(source|resume_from|from_path|path|checkpoint_path|ckpt_path|which)$/i,
  objects: /^(agent|trainer|learner|runner|objects|experiment|policy|holder)$/i,
  model: /^(model|net|network|module)$/i,
  optimizer: /^(optimizer|optim|opt)$/i,
};

/** The role a parameter named `name` plays among `roles`, if its name says. */
function roleOf(name: string, roles: Partial<Record<ArgumentRole, string>>): ArgumentRole | undefined {
  if ('folder' in roles && isFolderParameter(name)) return 'folder';
  return (Object.keys(ROLE_NAMES) as Exclude<ArgumentRole, 'folder'>[]).find(
    (role) => role in roles && ROLE_NAMES[role].test(name),
  );
}

/**
 * The arguments of a call by the callee's parameter names (`save_checkpoint(agent,
 * model_dir, timestep)` gets the objects, the folder and the step), or
 * undefined when a required parameter's name says nothing, or a role's
 * argument would go nowhere: the convention decides then.
 */
export function argumentsByName(
  parameters: readonly { name: string; required: boolean }[],
  roles: Partial<Record<ArgumentRole, string>>,
  needed: readonly ArgumentRole[],
): string[] | undefined {
  const args: string[] = [];
  const used = new Set<ArgumentRole>();
  for (const parameter of parameters) {
    const role = roleOf(parameter.name, roles);
    if (!role || used.has(role)) {
      if (parameter.required) return undefined;
      break;
    }
    used.add(role);
    args.push(roles[role]!);
  }
  return needed.every((role) => used.has(role)) ? args : undefined;
}

export interface BoundCall {
  /** The Python expression that does the op. */
  expression: string;
  /** It uses the adapter's `_call_or_read` helper (a `manager.` path whose kind was not checked). */
  usesCallOrRead: boolean;
}

/**
 * The expression that does the op bound to `name` with the op's `args`
 * (Python source): a method or function called, a property read. A module
 * function gets `folder` where its signature names a folder parameter;
 * without a signature, first when `folderFirst` (the convention of
 * module-level functions: save, latest, resume and prune take the folder first).
 */
export function boundCall(
  answers: Answers,
  name: AnswerName,
  args: readonly string[],
  options: {
    folder: string;
    folderFirst: boolean;
    facts?: BindingFacts;
    /** The expression of each role the op can hand over: with a signature, arguments go by parameter name. */
    roles?: Partial<Record<ArgumentRole, string>>;
    /** The roles a call by name must hand over (save's state and step, say). */
    needed?: readonly ArgumentRole[];
  },
): BoundCall {
  const bound = boundName(answers, name);
  if (!bound) throw new Error(`${name} binds nothing`);
  const reference = boundReference(answers, bound);
  const fact = options.facts?.[name];
  if (fact?.kind === 'property' || fact?.kind === 'value') return { expression: reference, usesCallOrRead: false };
  const byName =
    options.roles && fact?.parameters && !fact.varargs
      ? argumentsByName(fact.parameters, { folder: options.folder, ...options.roles }, options.needed ?? [])
      : undefined;
  if (byName) return { expression: `${reference}(${byName.join(', ')})`, usesCallOrRead: false };
  if (bound.root === 'manager') {
    if (!fact?.kind && bound.rooted && args.length === 0) {
      return { expression: `_call_or_read(${reference})`, usesCallOrRead: true };
    }
    return { expression: `${reference}(${args.join(', ')})`, usesCallOrRead: false };
  }
  return { expression: `${reference}(${withFolder(args, fact, options).join(', ')})`, usesCallOrRead: false };
}

/** The arguments of a module function: the op's, with the folder where the signature (or the convention) puts it. */
function withFolder(args: readonly string[], fact: BindingFact | undefined, options: { folder: string; folderFirst: boolean }): string[] {
  const parameters = fact?.parameters;
  const slot = parameters && !fact?.varargs ? parameters.findIndex((parameter) => isFolderParameter(parameter.name)) : -1;
  if (slot < 0) {
    // A signature without a folder parameter: a function beside a class takes none; module-level ops keep the convention.
    return options.folderFirst && !(parameters && fact?.kind === 'function' && parameters.length <= args.length)
      ? [options.folder, ...args]
      : [...args];
  }
  if (slot > args.length) return [...args, `${parameters![slot]!.name}=${options.folder}`];
  return [...args.slice(0, slot), options.folder, ...args.slice(slot)];
}

/** Whether any of the adapter's calls use `_call_or_read` (the helper is written only then). */
export function anyCallOrRead(calls: readonly BoundCall[]): boolean {
  return calls.some((call) => call.usesCallOrRead);
}

/** The pattern of a bound-name answer: a dotted path of identifiers, keywords refused (the schema has it too). */
export const BOUND_NAME_PATTERN = { source: DOTTED_NAME, allowed: BOUND_NAME_ALLOWED };
