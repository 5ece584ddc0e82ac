/**
 * Lists of top-level checkpoint keys as answers give them (`a->b, c->d` pairs,
 * `a, b` lists, or `none`), and the keys of the suite's own states.
 */
import { NONE } from './question-kit.js';

/** The top-level keys of the states the suite saves (every format's `make_state`). */
export const SUITE_STATE_KEYS = ['step', 'model', 'optimizer', 'metadata', 'payload'] as const;

/** `"weights->model, opt->optimizer"` → `[["weights", "model"], ["opt", "optimizer"]]`; `none` → `[]`. */
export function parseRenamedKeys(text: string | undefined): [string, string][] {
  if (!text || text.trim() === NONE) return [];
  return text.split(',').map((pair) => {
    const [from, to] = pair.split('->').map((name) => name.trim());
    return [from!, to!];
  });
}

/** `"metadata, scaler"` → `["metadata", "scaler"]`; `none` → `[]`. */
export function parseKeys(text: string | undefined): string[] {
  if (!text || text.trim() === NONE) return [];
  return text.split(',').map((name) => name.trim());
}

/** A top-level key of a checkpoint, as the answers may name it (in a pattern). */
export const KEY = '[A-Za-z_][A-Za-z0-9_.]*';

/** The names given more than once, each once. */
export function repeated(names: readonly string[]): string[] {
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
}
