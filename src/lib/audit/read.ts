/**
 * Reading the files to audit: which files a path means, and what
 * python/audit.py (Python's own `ast`, run by the Python that has pytest)
 * says about each. Bad input ends here as a UsageError (exit code 2).
 */
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { comparePaths } from '../project-path.js';
import { type PythonInfo, pythonProgram, run } from '../python.js';

const AUDIT_SCRIPT = fileURLToPath(new URL('../../python/audit.py', import.meta.url));

export interface Arg {
  kind: 'none' | 'bool' | 'int' | 'str' | 'bytes' | 'dict' | 'list' | 'name' | 'expr' | 'other';
  value?: string | number | boolean | null;
  length?: number;
  keys?: string[];
}

export interface CallFact {
  /** The called name's last part (`save_checkpoint`). */
  name: string;
  dotted: string;
  /** What the call is made on: a local helper, an imported module, a mock, file I/O, or an object. */
  base: 'local' | 'module' | 'mock' | 'io' | 'object';
  line: number;
  args: Arg[];
  keywords: Record<string, Arg>;
}

export interface TestFact {
  name: string;
  class: string | null;
  /** The `def` line. */
  line: number;
  /** The first line, decorators included. */
  start: number;
  end: number;
  lines: number;
  fixtures: { name: string; line: number }[];
  calls: CallFact[];
  patches: { target: string; line: number }[];
  raises: string[];
  side_effects: { kind: 'sequence' | 'raise' | 'callable' | 'other'; items: string[] }[];
  asserts: number;
  assert_texts: string[];
  mock_asserts: string[];
  identifiers: string[];
  strings: string[];
  ints: number[];
  threads: boolean;
  processes: boolean;
  hypothesis: boolean;
  slices: number;
}

export type FindingKind =
  | 'missing-fixture'
  | 'mixed-mocking'
  | 'mixed-mock-styles'
  | 'duplicate-name'
  | 'no-assertion'
  | 'sleep'
  | 'mkdtemp';

export interface Finding {
  kind: FindingKind;
  line: number;
  /** Every line involved (mixed mocking). */
  lines?: number[];
  test?: string;
  /** Every test involved (an object mocked different ways). */
  tests?: string[];
  fixture?: string;
  object?: string;
  /** The earlier definition a duplicate replaces. */
  related?: number;
  message: string;
}

export interface FileFacts {
  path: string;
  lines: number;
  error: null | { kind: 'syntax' | 'not-python' | 'unreadable' | 'too-large'; message: string; line: number | null; text?: string };
  imports: { module: string; names: string[]; line: number }[];
  tests: TestFact[];
  findings: Finding[];
  fixtures_defined: string[];
  conftests?: string[];
  /** Imports of the conftest files in scope, which often build the object under test. */
  conftest_imports?: { module: string; names: string[]; line: number }[];
}

export interface AuditFacts {
  files: FileFacts[];
  pytest_fixtures: string[] | null;
  pytest_error: string | null;
}

const SKIPPED_DIRS = new Set(['node_modules', '__pycache__', '.git', '.venv', 'venv', 'env', '.tox', 'build', 'dist']);

/** The pytest files a path names: the file itself, or every test_*.py / *_test.py under a folder. */
export function filesToAudit(target: string, cwd: string): string[] {
  const resolved = path.resolve(cwd, target);
  let stat;
  try {
    stat = statSync(resolved);
  } catch {
    throw new UsageError(
      `The path to audit, ${target}, does not exist (looked at ${resolved}). Pass a pytest file or a folder of them: checkpoint-tests audit tests/test_checkpoints.py.`,
    );
  }
  try {
    accessSync(resolved, constants.R_OK | (stat.isDirectory() ? constants.X_OK : 0));
  } catch {
    throw new UsageError(
      `The path to audit, ${target}, cannot be read (permission denied on ${resolved}). Give the user running checkpoint-tests read access, or audit a copy.`,
    );
  }
  if (stat.isFile()) {
    if (!resolved.endsWith('.py')) {
      throw new UsageError(
        `${target} is not a Python file (its name does not end in .py). checkpoint-tests audit reads pytest files: pass a test_*.py file or a folder holding them.`,
      );
    }
    return [resolved];
  }
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => comparePaths(a.name, b.name))) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(path.join(dir, entry.name));
      } else if (/^test_.*\.py$|^.*_test\.py$/.test(entry.name)) {
        found.push(path.join(dir, entry.name));
      }
    }
  };
  walk(resolved);
  if (found.length === 0) {
    throw new UsageError(
      `The folder ${target} holds no pytest files (no test_*.py or *_test.py under it, virtualenvs and hidden folders aside). Pass the folder your tests live in, or one test file.`,
    );
  }
  return found;
}

/** Runs python/audit.py on the files; turns a file it cannot read into a UsageError. */
export async function readFacts(
  python: PythonInfo,
  files: readonly string[],
  cwd: string,
  options: { fixtures: boolean },
): Promise<AuditFacts> {
  const result = await run(pythonProgram(python), [AUDIT_SCRIPT], {
    cwd,
    input: JSON.stringify({ files, fixtures: options.fixtures, cwd }),
    timeoutMs: 180_000,
  });
  let facts: AuditFacts;
  try {
    facts = JSON.parse(result.stdout) as AuditFacts;
  } catch {
    const reason = (result.stderr.trim().split("\n").at(-1) ?? "").trim() || `it ${result.ended}`;
    if (/^(MemoryError|RecursionError)\b/.test(reason)) {
      throw new UsageError(
        `Python ran out of memory reading the tests to audit (${reason.slice(0, 200)}): a file among ${files.length} is too large or too deeply nested for Python's parser. Audit a smaller file or folder (or give Python more memory) and run again; nothing was written.`,
      );
    }
    throw new Error(`python/audit.py failed with ${python.executable}: ${reason}`);
  }
  const problems = facts.files.filter((file) => file.error);
  if (problems.length > 0) {
    const first = problems[0]!;
    const shown = path.relative(cwd, first.path) || first.path;
    const error = first.error!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more file${problems.length > 2 ? 's' : ''}: ${problems.slice(1).map((file) => path.relative(cwd, file.path)).join(', ')})` : '';
    switch (error.kind) {
      case 'syntax':
        throw new UsageError(
          `${shown} is not valid Python: ${error.message} at line ${error.line}${error.text ? ` (\`${error.text}\`)` : ''}, as ${python.executable} reads it${more}. Fix the syntax (python -m py_compile ${shown} shows the same error) and audit again.`,
        );
      case 'not-python':
        throw new UsageError(
          `${shown} is not Python source: ${error.message}${more}. Pass a pytest file (UTF-8 text) or a folder of them.`,
        );
      case 'too-large':
        throw new UsageError(
          `${shown} is too large or too deeply nested for Python's parser (${error.message})${more}. Audit a smaller file, or split this one, and run again; nothing was written.`,
        );
      default:
        throw new UsageError(`${shown} cannot be read: ${error.message}${more}. Check the path and its permissions.`);
    }
  }
  return facts;
}
