/**
 * An error the user can fix: bad answers, a module that does not import, an
 * output folder with edited files. The CLI prints its message alone, as one
 * paragraph, and exits with `exitCode`; it never shows a stack trace.
 */
export class UsageError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}

/** Joins problems into one readable sentence list: "a; b; and c". */
export function joinProblems(problems: readonly string[]): string {
  if (problems.length <= 1) return problems.join('');
  return `${problems.slice(0, -1).join('; ')}; and ${problems.at(-1)}`;
}
