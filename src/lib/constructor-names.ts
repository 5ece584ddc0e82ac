/**
 * The names a constructor expression uses besides the class and
 * `checkpoint_dir` (`CheckpointManager(checkpoint_dir, model=torch.nn.Identity())`
 * uses `torch`), and how the adapter imports each. Introspection says it
 * exactly (python/introspect.py's `expression_names`: a name of the user's
 * module, a builtin, an importable module, or none of them); without it
 * (--skip-checks) a small scan of the expression guesses: a name followed by
 * a dot is a module (`import torch`), any other is the user module's.
 */

/** What introspection found for each name: its import line (null for a builtin), or why it names nothing. */
export type ExpressionNames = Readonly<Record<string, { import?: string | null; problem?: string; near?: string[] }>>;

export interface ConstructorImports {
  /** `import torch`-style lines. */
  modules: string[];
  /** Names imported from the user's module, beside the class. */
  names: string[];
}

/** Builtins a constructor expression commonly uses (never imported). */
const BUILTINS = new Set([
  'True', 'False', 'None', 'int', 'float', 'str', 'bool', 'dict', 'list', 'tuple', 'set', 'frozenset', 'len', 'range',
  'min', 'max', 'abs', 'sum', 'round', 'object', 'type', 'getattr', 'print', 'sorted', 'bytes', 'Exception',
]);

/** Names the adapter already binds itself (never imported again). */
const ADAPTER_OWN = new Set(['Path', 'checkpoint_dir']);

const PYTHON_WORDS = new Set([
  'and', 'or', 'not', 'in', 'is', 'if', 'else', 'lambda', 'for', 'async', 'await',
]);

/** The free names of `expression` by a scan: strings dropped, attribute names and keyword-argument names skipped. */
export function scanNames(expression: string): { name: string; dotted: boolean }[] {
  const code = expression.replace(/("""|'''|"|')(?:\\.|(?!\1)[^\\])*\1/g, '""');
  const found = new Map<string, boolean>();
  for (const match of code.matchAll(/(?<![\w.])([A-Za-z_]\w*)\b(?!\s*=(?!=))(\s*\.)?/g)) {
    const name = match[1]!;
    if (PYTHON_WORDS.has(name) || /^\d/.test(name)) continue;
    found.set(name, (found.get(name) ?? false) || Boolean(match[2]));
  }
  return [...found].map(([name, dotted]) => ({ name, dotted }));
}

/** How the adapter imports the names the constructor expression uses besides the class. */
export function constructorExpressionImports(
  module: string,
  className: string,
  expression: string,
  known?: ExpressionNames,
  /** Names the adapter binds itself for this expression (the live objects: `model`, `optimizer`). */
  own: readonly string[] = [],
): ConstructorImports {
  const modules = new Set<string>();
  const names = new Set<string>();
  const fromModule = `from ${module} import `;
  if (known) {
    for (const [name, how] of Object.entries(known)) {
      if (!how.import || ADAPTER_OWN.has(name) || own.includes(name)) continue;
      if (how.import.startsWith(fromModule)) names.add(name);
      else modules.add(how.import);
    }
  } else {
    for (const { name, dotted } of scanNames(expression)) {
      if (name === className || ADAPTER_OWN.has(name) || own.includes(name) || BUILTINS.has(name)) continue;
      if (dotted) modules.add(`import ${name}`);
      else names.add(name);
    }
  }
  return { modules: [...modules].sort(), names: [...names].sort() };
}
