/**
 * The Python side of the generator: finding an interpreter that has pytest,
 * and one Python process a run (python/driver.py) that imports the user's
 * module to offer its classes and methods, formats the Python it writes with
 * the user's black, and runs pytest on what was generated. Every child is
 * bounded (src/lib/child-process.ts).
 */
import type { BindingFact } from './bound-name.js';
import type { ExpressionNames } from './constructor-names.js';
import type { ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CappedText,
  type ChildEnd,
  describeEnd,
  killGroup,
  runBounded,
  seconds,
  spawnInGroup,
} from './child-process.js';

const DRIVER_SCRIPT = fileURLToPath(new URL('../python/driver.py', import.meta.url));

export interface PythonInfo {
  executable: string;
  /**
   * The interpreter `executable` starts, as it names itself (sys.executable), which the run starts
   * from then on: a pyenv shim is a shell script that takes most of a second to pick its Python.
   */
  runs?: string;
  version: string;
  hasBlack: boolean;
}

/** The program to start for `python`. */
export const pythonProgram = (python: PythonInfo): string => python.runs || python.executable;

export interface RunResult {
  /** The exit code; -1 when the child was killed (by a signal or for its time) or could not start. */
  code: number;
  stdout: string;
  stderr: string;
  /** How it ended, in words: "exited with code 1", "was killed by SIGSEGV", "timed out after 60 s". */
  ended: string;
}

/** A time limit in seconds from the environment (for a slow machine, or a fast test), else the default. */
export function limitMs(variable: string, defaultSeconds: number): number {
  const value = Number(process.env[variable]);
  return (Number.isFinite(value) && value > 0 ? value : defaultSeconds) * 1000;
}

/** Importing the user's module (and torch): CHECKPOINT_TESTS_IMPORT_TIMEOUT seconds, 60 by default. */
export const importTimeoutMs = (): number => limitMs('CHECKPOINT_TESTS_IMPORT_TIMEOUT', 60);
/** `pytest --setup-only` on the new suite: CHECKPOINT_TESTS_CHECK_TIMEOUT seconds, 120 by default. */
export const checkTimeoutMs = (): number => limitMs('CHECKPOINT_TESTS_CHECK_TIMEOUT', 120);

/** Runs a command once, bounded (see runBounded); what the audit uses for python/audit.py. */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const result = await runBounded(command, args, { ...options, timeoutMs: options.timeoutMs ?? 60_000 });
  const clean = result.code !== null && result.timedOutAfter === undefined && !result.startError;
  return { code: clean ? result.code! : -1, stdout: result.stdout, stderr: result.stderr, ended: result.ended };
}

const PROBE = [
  'import importlib.util as u, json, sys',
  'print(json.dumps({"version": sys.version.split()[0], "executable": sys.executable,',
  ' "pytest": u.find_spec("pytest") is not None, "black": u.find_spec("black") is not None}))',
].join('\n');

/** How long asking an interpreter for its version and packages may take. */
const PROBE_TIMEOUT_MS = 20_000;

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

/** What one interpreter is, or why it cannot run the checks (it is missing, it is no Python, it lacks pytest). */
export async function probePython(executable: string): Promise<PythonInfo | { problem: string }> {
  const probe = await runBounded(executable, ['-c', PROBE], { timeoutMs: PROBE_TIMEOUT_MS, outputCap: 64 * 1024 });
  if (probe.startError === 'ENOENT') return { problem: 'there is no such file' };
  if (probe.startError === 'EACCES') return { problem: 'it is not executable' };
  if (probe.startError || probe.code !== 0) {
    const said = lastLine(probe.stderr);
    return { problem: `it did not run as Python (it ${probe.ended}${said ? `: ${said}` : ''})` };
  }
  try {
    const info = JSON.parse(probe.stdout) as { version: string; executable?: string; pytest: boolean; black: boolean };
    if (!info.pytest) return { problem: `it is Python ${info.version} without pytest` };
    const runs = info.executable && existsSync(info.executable) ? info.executable : undefined;
    return { executable, ...(runs && runs !== executable ? { runs } : {}), version: info.version, hasBlack: info.black };
  } catch {
    return { problem: 'it did not answer as Python does' };
  }
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
      candidates(projectRoot, explicit).map(async (executable) => {
        const probed = await probePython(executable);
        return 'problem' in probed ? undefined : probed;
      }),
    ).then((all) => {
      // Two names for one interpreter (pyenv's python3 and python shims) are one candidate: the first.
      const seen = new Set<string>();
      return all.filter((info): info is PythonInfo => {
        if (info === undefined || seen.has(pythonProgram(info))) return false;
        seen.add(pythonProgram(info));
        return true;
      });
    });
    pythonCache.set(key, found);
  }
  return found;
}

const CHOOSE = [
  'import importlib.util as u, json, sys',
  'request = json.loads(sys.argv[1])',
  'sys.path[:0] = request["paths"]',
  'def found(name):',
  '    try:',
  '        return u.find_spec(name) is not None',
  '    except Exception:',
  '        return False',
  'print(json.dumps(all(found(name) for name in request["names"])))',
].join('\n');

/**
 * The Python that should import the module: the first of `pythons` in
 * which the module's top-level package and every need (torch) can be found,
 * asked without importing anything (a quick probe, in parallel), so the
 * module itself is imported once, by one Python. The first when none has all.
 */
export async function choosePython(
  pythons: readonly PythonInfo[],
  request: { paths: string[]; module?: string; needs?: string[] },
  cwd: string,
): Promise<PythonInfo | undefined> {
  if (pythons.length <= 1) return pythons[0];
  const names = [...(request.module ? [request.module.split('.')[0]!] : []), ...(request.needs ?? [])];
  if (names.length === 0) return pythons[0];
  const fits = await Promise.all(
    pythons.map(async (python) => {
      const probe = await runBounded(pythonProgram(python), ['-c', CHOOSE, JSON.stringify({ paths: request.paths, names })], {
        cwd,
        timeoutMs: PROBE_TIMEOUT_MS,
        outputCap: 64 * 1024,
      });
      return probe.code === 0 && probe.stdout.trim() === 'true';
    }),
  );
  return pythons[fits.indexOf(true)] ?? pythons[0];
}

function lastLine(text: string): string {
  return (text.trim().split('\n').at(-1) ?? '').trim();
}

// -- the run's one Python process --------------------------------------------------

/** The driver ended (or was stopped) before it answered. */
export class DriverFailure extends Error {
  constructor(
    /** describeEnd's words: "timed out after 60 s", "was killed by SIGSEGV". */
    readonly ended: string,
    /** What the driver wrote on stderr, cut. */
    readonly stderr: string,
  ) {
    super(`Python ${ended}`);
    this.name = 'DriverFailure';
  }

  /** faulthandler's line for a crash ("Fatal Python error: Segmentation fault"), or stderr's last line. */
  get detail(): string {
    return /^Fatal Python error: .*$/m.exec(this.stderr)?.[0] ?? lastLine(this.stderr);
  }
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Bytes of the driver's own stdout and stderr kept (what the user's module printed), and of one answer line. */
const DRIVER_OUTPUT_CAP = 1024 * 1024;
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

type Unrefable = { ref?: () => void; unref?: () => void };

/**
 * python/driver.py, started once a run for one interpreter and project, spoken
 * to in JSON lines on fds 3 (requests) and 4 (answers), never stdin or stdout.
 * Each request has its own time limit; passing it kills the driver's process
 * group, and the next request starts a new driver. An idle driver does not
 * keep node alive; its group is killed when node exits.
 */
export class PythonDriver {
  private child: ChildProcess | undefined;
  private stderr = new CappedText(DRIVER_OUTPUT_CAP);
  private answerBuffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private timedOutAfter: number | undefined;

  constructor(
    readonly python: PythonInfo,
    readonly cwd: string,
  ) {}

  request<T>(kind: string, payload: Record<string, unknown>, timeoutMs: number): Promise<T> {
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.timedOutAfter = seconds(timeoutMs);
        killGroup(child);
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject, timer });
      this.setRef(true);
      (child.stdio[3] as NodeJS.WritableStream).write(`${JSON.stringify({ ...payload, id, kind })}\n`);
    });
  }

  /** Ends the driver: it exits when its request channel closes. */
  close(): void {
    (this.child?.stdio[3] as NodeJS.WritableStream | undefined)?.end();
  }

  private start(): ChildProcess {
    this.stderr = new CappedText(DRIVER_OUTPUT_CAP);
    this.answerBuffer = '';
    this.timedOutAfter = undefined;
    const child = spawnInGroup(pythonProgram(this.python), [DRIVER_SCRIPT, '3', '4'], {
      cwd: this.cwd,
      // stdin is /dev/null: a module that asks for input at import gets EOF, not a wait.
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    // What the user's module prints is read (so it never blocks on a full pipe) and kept only from stderr.
    child.stdout?.on('data', () => undefined);
    child.stderr?.on('data', (chunk: Buffer) => this.stderr.add(chunk));
    for (const stream of child.stdio) (stream as NodeJS.EventEmitter | null)?.on('error', () => undefined);
    (child.stdio[4] as NodeJS.ReadableStream).setEncoding('utf8');
    (child.stdio[4] as NodeJS.ReadableStream).on('data', (chunk: string) => this.onAnswers(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => this.fail({ code: null, signal: null, startError: error.code ?? error.message }));
    child.on('exit', (code, signal) => this.fail({ code, signal }));
    return child;
  }

  private onAnswers(chunk: string): void {
    this.answerBuffer += chunk;
    if (this.answerBuffer.length > MAX_ANSWER_BYTES) {
      this.answerBuffer = '';
      if (this.child) killGroup(this.child);
      return;
    }
    let newline: number;
    while ((newline = this.answerBuffer.indexOf('\n')) >= 0) {
      const line = this.answerBuffer.slice(0, newline);
      this.answerBuffer = this.answerBuffer.slice(newline + 1);
      const answer = JSON.parse(line) as { id: number; ok: boolean; result?: unknown; error?: string };
      const waiting = this.pending.get(answer.id);
      if (!waiting) continue;
      this.pending.delete(answer.id);
      clearTimeout(waiting.timer);
      if (answer.ok) waiting.resolve(answer.result);
      else waiting.reject(new Error(answer.error ?? 'the driver refused the request'));
    }
    if (this.pending.size === 0) this.setRef(false);
  }

  /** The driver is gone: every request still waiting fails with how it ended. */
  private fail(end: ChildEnd): void {
    if (!this.child) return;
    this.child = undefined;
    const ended = describeEnd({ ...end, timedOutAfter: this.timedOutAfter });
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      clearTimeout(waiting.timer);
      waiting.reject(new DriverFailure(ended, this.stderr.toString()));
    }
  }

  /** A driver waited on keeps node running; an idle one does not. */
  private setRef(ref: boolean): void {
    const child = this.child;
    if (!child) return;
    for (const handle of [child, ...child.stdio] as (Unrefable | null)[]) {
      if (ref) handle?.ref?.();
      else handle?.unref?.();
    }
  }
}

const drivers = new Map<string, PythonDriver>();

/** The run's driver for this interpreter and project folder. */
export function driverFor(python: PythonInfo, cwd: string): PythonDriver {
  const key = `${python.executable}\0${cwd}`;
  let driver = drivers.get(key);
  if (!driver) {
    driver = new PythonDriver(python, cwd);
    drivers.set(key, driver);
  }
  return driver;
}

/** Ends every driver (each exits when its channel closes). */
export function closeDrivers(): void {
  for (const driver of drivers.values()) driver.close();
  drivers.clear();
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
  /** String constants the source uses as dict keys (`"model_state_dict"`), for the stored state's shape. */
  string_keys?: string[];
  /** What each bound name of the request is (a method, a property, a function and its parameters), or why it is none. */
  bindings?: Record<string, BindingFact>;
  /** How each name of the constructor expression besides the class imports, or why it does not. */
  expression_names?: ExpressionNames;
}

export interface IntrospectRequest {
  paths: string[];
  module?: string;
  exceptions?: string[];
  expression?: string;
  /** Names the adapter binds for the constructor expression itself (the live objects). */
  expression_locals?: string[];
  needs?: string[];
  /** The class the `manager.` paths of `bindings` start at. */
  class?: string;
  /** Bound names to look up: `{"saveOp": {"root": "manager", "path": ["checkpoint", "save"]}}`. */
  bindings?: Record<string, { root: string; path: string[] }>;
}

/** Imports the user's module in the run's driver and reports what it holds. */
export async function introspect(python: PythonInfo, request: IntrospectRequest, cwd: string): Promise<Introspection> {
  try {
    return await driverFor(python, cwd).request<Introspection>('introspect', { ...request }, importTimeoutMs());
  } catch (error) {
    const why =
      error instanceof DriverFailure
        ? `Python ${error.ended} while importing it${error.detail ? ` (${error.detail})` : ''}${error.ended.startsWith('timed out') ? ' (does it wait at import, for a server, a lock or input? CHECKPOINT_TESTS_IMPORT_TIMEOUT sets the limit in seconds)' : ''}`
        : `the import check itself failed: ${(error as Error).message}`;
    return {
      module_error: why,
      classes: [],
      functions: [],
      imports: [],
      exceptions: {},
      expression_error: null,
      missing_needs: {},
    };
  }
}

/** What the probe saw its one save and load do (python/probe.py). */
export interface ProbeReport {
  /** What failed and where, in one line; null when the save and load ran. */
  error: string | null;
  /** The files the save created. */
  files: string[];
  /** The format of the file it wrote, by its first bytes. */
  format: 'pickle' | 'json' | 'torch' | null;
  /** The top-level keys of the file it wrote, and of the state it was given. */
  stored_keys: string[];
  suite_keys: string[];
}

/**
 * Saves and loads one sample state through the drafted adapter (`adapter`,
 * its source) in a temporary folder, in the run's Python process, and reads
 * the file raw. A failure is in the report, never thrown.
 */
export async function probeSaveAndLoad(
  python: PythonInfo,
  request: { paths: string[]; adapter: string },
  cwd: string,
): Promise<ProbeReport> {
  try {
    return await driverFor(python, cwd).request<ProbeReport>('probe', { ...request }, importTimeoutMs());
  } catch (error) {
    const why = error instanceof DriverFailure ? `Python ${error.ended}` : (error as Error).message;
    return { error: why, files: [], format: null, stored_keys: [], suite_keys: [] };
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
 * fixture that does not exist. The tests it lists are counted. It runs in the
 * driver, where the user's module (and torch) is imported already.
 */
export async function checkSuite(python: PythonInfo, suiteDir: string, cwd: string): Promise<SuiteCheck> {
  let setup: { code: number; output: string };
  try {
    setup = await driverFor(python, cwd).request('check_suite', { suite: suiteDir }, checkTimeoutMs());
  } catch (error) {
    const detail = error instanceof DriverFailure ? error.detail : '';
    const why = error instanceof DriverFailure ? `Python ${error.ended}` : (error as Error).message;
    return { ok: false, problem: `pytest --setup-only ${why}${detail ? ` (${detail})` : ''}` };
  }
  const tests = new Set([...setup.output.matchAll(/^\s*(\S+::\S+)(?: \(fixtures used|$)/gm)].map((match) => match[1]));
  if (setup.code !== 0) {
    return {
      ok: false,
      ...(tests.size > 0 ? { collected: tests.size } : {}),
      problem: summarizeFailure(setup.output),
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
  try {
    const formatted = await driverFor(python, projectRoot).request<{ source: string | null }>(
      'format',
      { source, path: filePath, root: projectRoot },
      60_000,
    );
    return formatted.source ?? source;
  } catch {
    return source;
  }
}

