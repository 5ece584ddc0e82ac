/**
 * State one process keeps for every run it makes (the Python drivers, the
 * project locks), on globalThis: a host that loads our modules twice (vitest
 * loads main() through its own module graph and the generators through
 * Node's) still has one copy, so main() ends what its generators started.
 */
export function processWide<T>(name: string, make: () => T): T {
  const slots = globalThis as Record<symbol, unknown>;
  return (slots[Symbol.for(`checkpoint-tests.${name}`)] ??= make()) as T;
}
