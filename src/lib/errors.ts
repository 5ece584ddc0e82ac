/**
 * An error the user can fix: bad answers, a module that does not import, an
 * output folder with edited files. The CLI prints its message alone, as one
 * paragraph, and exits with `exitCode`; it never shows a stack trace.
 */
const USAGE_ERROR = Symbol.for('checkpoint-tests.usage-error');

export class UsageError extends Error {
  readonly exitCode: number;
  /** The brand `isUsageError` looks for. */
  readonly [USAGE_ERROR] = true;

  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}

/**
 * Whether `error` is a UsageError. By brand, not `instanceof`: a generator
 * loaded by Yeoman's own import (or a bundle) may hold another copy of this class.
 */
export function isUsageError(error: unknown): error is UsageError {
  return typeof error === 'object' && error !== null && (error as { [USAGE_ERROR]?: unknown })[USAGE_ERROR] === true;
}

/** How many problems one message lists before it says how many more there are. */
const LISTED_PROBLEMS = 10;

/** Joins problems into one readable sentence list: "a; b; and c" (the first ten, then a count). */
export function joinProblems(problems: readonly string[]): string {
  if (problems.length > LISTED_PROBLEMS) {
    const rest = problems.length - LISTED_PROBLEMS + 1;
    return joinProblems([...problems.slice(0, LISTED_PROBLEMS - 1), `${rest} more not listed here`]);
  }
  if (problems.length <= 1) return problems.join('');
  return `${problems.slice(0, -1).join('; ')}; and ${problems.at(-1)}`;
}

/** The longest stretch of a user's value an error message quotes. */
export const SHOWN_LENGTH = 200;

/** `text` whole when short, else its first SHOWN_LENGTH characters and how long it really is. */
export function cut(text: string, max = SHOWN_LENGTH): string {
  const characters = [...text];
  if (characters.length <= max) return text;
  return `${characters.slice(0, max).join('')}… (${characters.length} characters in all)`;
}

/**
 * A user's value as an error message quotes it: JSON (so quotes, newlines and
 * control characters are visible), cut at SHOWN_LENGTH characters.
 */
export function quoteValue(value: unknown): string {
  if (typeof value === 'string') {
    const characters = [...value];
    if (characters.length <= SHOWN_LENGTH) return JSON.stringify(value);
    const shown = JSON.stringify(characters.slice(0, SHOWN_LENGTH).join(''));
    return `${shown.slice(0, -1)}…" (${characters.length} characters in all)`;
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return cut(text);
}
