/**
 * The Python side of the generator: finding an interpreter that has pytest,
 * importing the user's module to offer its classes and methods, and running
 * pytest on what was generated.
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const INTROSPECT_SCRIPT = fileURLToPath(new URL('../python/introspect.py', import.meta.url));

export interface PythonInfo {
  executable: string;
  version: string;
  hasBlack: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, env: options.env },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

const PROBE = [
  'import importlib.util as u, json, sys',
  'print(json.dumps({"version": sys.version.split()[0],',
  ' "pytest": u.find_spec("pytest") is not None, "black": u.find_spec("black") is not None}))',
].join('\n');

/** Interpreters worth trying, best first: the one asked for, a project venv, then PATH. */
function candidates(projectRoot: string, explicit: string | undefined): string[] {
  if (explicit) return [explicit];
  const found: string[] = [];
  for (const venv of ['.venv', 'venv', 'env']) {
    found.push(path.join(projectRoot, venv, 'bin', 'python'), path.join(projectRoot, venv, 'Scripts', 'python.exe'));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ['python3', 'python']) found.push(path.join(dir, name));
  }
  const seen = new Set<string>();
  return found.filter((candidate) => {
    if (!existsSync(candidate)) return false;
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch {
      return false;
    }
    // pyenv shims resolve to one script for every version; keep them apart by name.
    const key = candidate.includes(`${path.sep}shims${path.sep}`) ? candidate : real;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const pythonCache = new Map<string, Promise<PythonInfo[]>>();

/**
 * Every Python that can import pytest, best first: `--python` (or
 * CHECKPOINT_TESTS_PYTHON) when given, else project virtualenvs, else each
 * python3/python on PATH in turn. Candidates are probed in parallel.
 */
export function findPythons(projectRoot: string, explicit?: string): Promise<PythonInfo[]> {
  const key = `${projectRoot}\0${explicit ?? ''}`;
  let found = pythonCache.get(key);
  if (!found) {
    found = Promise.all(
      candidates(projectRoot, explicit).map(async (executable): Promise<PythonInfo | undefined> => {
        const probe = await run(executable, ['-c', PROBE], { timeoutMs: 20_000 });
        if (probe.code !== 0) return undefined;
        try {
          const info = JSON.parse(probe.stdout) as { version: string; pytest: boolean; black: boolean };
          return info.pytest ? { executable, version: info.version, hasBlack: info.black } : undefined;
        } catch {
          return undefined;
        }
      }),
    ).then((all) => all.filter((info): info is PythonInfo => info !== undefined));
    pythonCache.set(key, found);
  }
  return found;
}

/** One constructor parameter; `default` only when it is a plain literal. */
export interface ConstructorParameter {
  name: string;
  required: boolean;
  default?: string | number | boolean | null;
}

export interface ModuleClass {
  name: string;
  methods: string[];
  attributes: string[];
  /** The constructor's parameters, for inference (absent from older introspection). */
  parameters?: ConstructorParameter[];
}

export interface Introspection {
  module_error: string | null;
  classes: ModuleClass[];
  functions: string[];
  imports: string[];
  exceptions: Record<string, string | null>;
  expression_error: string | null;
  /** Modules the suite needs (torch for the torch format) that do not import, with why. */
  missing_needs: Record<string, string>;
  /** Calls in the module's source that tell the format or tracker (`torch.save`), for inference. */
  source_calls?: string[];
  /** Exception classes the module defines, as import paths, for "did you mean". */
  exception_classes?: string[];
}

export interface IntrospectRequest {
  paths: string[];
  module?: string;
  exceptions?: string[];
  expression?: string;
  needs?: string[];
}

/** Imports the user's module in `python` and reports what it holds. */
export async function introspect(python: PythonInfo, request: IntrospectRequest, cwd: string): Promise<Introspection> {
  const result = await run(python.executable, [INTROSPECT_SCRIPT], {
    cwd,
    input: JSON.stringify(request),
    timeoutMs: 60_000,
  });
  try {
    return JSON.parse(result.stdout) as Introspection;
  } catch {
    const reason = (result.stderr.trim().split('\n').at(-1) ?? '').trim() || `exit code ${result.code}`;
    return {
      module_error: `the import check itself failed: ${reason}`,
      classes: [],
      functions: [],
      imports: [],
      exceptions: {},
      expression_error: null,
      missing_needs: {},
    };
  }
}

export interface SuiteCheck {
  ok: boolean;
  /** Tests collected, when collection worked. */
  collected?: number;
  /** The first lines that say what went wrong, in pytest's words. */
  problem?: string;
}

function summarizeFailure(output: string): string {
  const lines = output.split('\n').map((line) => line.trimEnd());
  const telling = lines.filter((line) =>
    /^E\s|fixture '.*' not found|Error|error:|^ERROR /.test(line.trim()),
  );
  const picked = (telling.length > 0 ? telling : lines.filter(Boolean).slice(-5)).slice(0, 6);
  return picked.map((line) => line.replace(/^E\s+/, '').trim()).join(' / ');
}

/**
 * `pytest --setup-only` collects the suite and sets up every fixture of every
 * test without running a test body: unlike `--collect-only`, it fails on a
 * fixture that does not exist. The tests it lists are counted.
 */
export async function checkSuite(python: PythonInfo, suiteDir: string, cwd: string): Promise<SuiteCheck> {
  const setup = await run(python.executable, ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', '--setup-only', suiteDir], {
    cwd,
    timeoutMs: 120_000,
  });
  const tests = new Set([...setup.stdout.matchAll(/^\s*(\S+::\S+)(?: \(fixtures used|$)/gm)].map((match) => match[1]));
  if (setup.code !== 0) {
    return {
      ok: false,
      ...(tests.size > 0 ? { collected: tests.size } : {}),
      problem: summarizeFailure(`${setup.stdout}\n${setup.stderr}`),
    };
  }
  return { ok: true, collected: tests.size };
}

/** Formats Python source with the user's black and their configuration, if black is there. */
export async function formatWithBlack(
  python: PythonInfo,
  source: string,
  filePath: string,
  projectRoot: string,
): Promise<string> {
  const result = await run(python.executable, ['-m', 'black', '-q', '--stdin-filename', filePath, '-'], {
    input: source,
    cwd: projectRoot,
  });
  return result.code === 0 && result.stdout ? result.stdout : source;
}
