/**
 * The adapter is the user's: a regenerated suite never overwrites it without
 * --force. But a newer version's conftest and tests may use names an adapter
 * written by an earlier version does not define (`make_state`, `SAVED_NAMES`),
 * and then the whole suite fails to import. These helpers find those names so
 * the run can say which ones to add, instead of leaving an ImportError to
 * explain it.
 */

/** The adapter's class, whose attributes and methods the tests reach through an instance. */
const ADAPTER_CLASS = 'CheckpointAdapter';

/**
 * Names a Python module defines at its top level (functions, classes,
 * assignments) and in the body of its `CheckpointAdapter` class (methods and
 * class attributes). Read from black-formatted text: a top-level statement
 * starts in column 0, a class member at four spaces.
 */
export function adapterDefinitions(source: string): Set<string> {
  const names = new Set<string>();
  let inAdapterClass = false;
  for (const line of source.split('\n')) {
    const topLevel = /^(?:(?:async\s+)?def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)/.exec(line);
    if (topLevel) {
      const name = topLevel[1] ?? topLevel[2];
      names.add(name);
      inAdapterClass = line.startsWith(`class ${ADAPTER_CLASS}`);
      continue;
    }
    if (/^\S/.test(line) && !line.startsWith('#') && !line.startsWith(')')) inAdapterClass = false;
    if (!inAdapterClass) continue;
    const member = /^ {4}(?:(?:async\s+)?def\s+([A-Za-z_]\w*)|([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=))/.exec(line);
    if (member) names.add(member[1] ?? member[2]);
  }
  return names;
}

/** Whether `name` is used by `text` as an attribute (`adapter.name`) or an import (`import name`, `import a, name`). */
function uses(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\.${escaped}\\b|\\bimport\\s+(?:[\\w\\s,]*,\\s*)?${escaped}\\b`).test(text);
}

/**
 * The names the current adapter defines, the user's adapter does not, and the
 * rest of the suite (`others`: the conftest, the tests) uses: what the user
 * must add for the suite to import and run. Sorted as the current adapter
 * defines them.
 */
export function missingAdapterNames(userAdapter: string, currentAdapter: string, others: readonly string[]): string[] {
  const theirs = adapterDefinitions(userAdapter);
  return [...adapterDefinitions(currentAdapter)].filter(
    (name) => !theirs.has(name) && others.some((text) => uses(text, name)),
  );
}

/** Where the adapter these answers would write goes when the user's is kept but lacks names the suite uses. */
export const ADAPTER_DRAFT_SUFFIX = '.new';
