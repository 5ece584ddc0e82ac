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
import { existsSync, readFileSync, realpathSync } from 'node:fs';
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
import { processWide } from './process-wide.js';
import { mark } from './timing.js';

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
  'request = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {"paths": [], "names": []}',
  'sys.path[:0] = request["paths"]',
  'def found(name):',
  '    try:',
  '        return u.find_spec(name) is not None',
  '    except Exception:',
  '        return False',
  'print(json.dumps({"version": sys.version.split()[0], "executable": sys.executable,',
  ' "pytest": found("pytest"), "black": found("black"),',
  ' "fits": all(found(name) for name in request["names"])}))',
].join('\n');

/** How long asking an interpreter for its version and packages may take. */
const PROBE_TIMEOUT_MS = 20_000;

/**
 * The interpreter a pyenv shim would start, found as `pyenv which` finds it
 * in the usual cases (PYENV_VERSION, a .python-version file from `cwd` up, the
 * global version file), without running the shim: the shim is a chain of bash
 * scripts that takes most of a second of CPU. Undefined whenever it is not
 * plain (the system version, a version prefix, a version folder that is not
 * there): then the shim itself runs, and says.
 */
export function pyenvTarget(shim: string, cwd: string): string | undefined {
  let script: string;
  try {
    script = readFileSync(shim, 'utf8').slice(0, 2000);
  } catch {
    return undefined;
  }
  const root = /^export PYENV_ROOT="([^"$`\\]+)"$/m.exec(script)?.[1];
  if (!root || !/exec "[^"]*pyenv" exec "\$program"/.test(script)) return undefined;
  const versionText = (): string | undefined => {
    if (process.env.PYENV_VERSION) return process.env.PYENV_VERSION.split(':').join(' ');
    for (let dir = path.resolve(process.env.PYENV_DIR || cwd); ; dir = path.dirname(dir)) {
      const file = path.join(dir, '.python-version');
      if (existsSync(file)) return readVersionFile(file);
      if (path.dirname(dir) === dir) break;
    }
    const global = path.join(root, 'version');
    return existsSync(global) ? readVersionFile(global) : undefined;
  };
  const versions = (versionText() ?? '').split(/\s+/).filter(Boolean);
  if (versions.length === 0) return undefined;
  for (const version of versions) {
    if (version === 'system' || version.includes('/') || version.startsWith('.')) return undefined;
    const folder = path.join(root, 'versions', version);
    if (!existsSync(folder)) return undefined;
    const program = path.join(folder, 'bin', path.basename(shim));
    if (existsSync(program)) return program;
  }
  return undefined;
}

function readVersionFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join(' ');
  } catch {
    return undefined;
  }
}

const isShim = (candidate: string): boolean => candidate.includes(`${path.sep}shims${path.sep}`);

/** What starting `candidate` runs: a pyenv shim's interpreter when that is plain to see, else `candidate`. */
const programOf = (candidate: string, cwd: string): string =>
  (isShim(candidate) ? pyenvTarget(candidate, cwd) : undefined) ?? candidate;

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
      // A pyenv shim counts as the interpreter it starts, when that is plain to see.
      const target = isShim(candidate) ? pyenvTarget(candidate, projectRoot) : undefined;
      real = realpathSync(target ?? candidate);
      // pyenv shims not resolved share one script for every version; keep them apart by name.
      if (isShim(candidate) && !target) real = candidate;
    } catch {
      return false;
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

interface ProbeAnswer {
  version: string;
  executable?: string;
  pytest: boolean;
  black: boolean;
  fits: boolean;
}

/**
 * What one interpreter is, or why it cannot run the checks (it is missing, it is no Python, it lacks pytest);
 * with `find`, also whether it finds each of `find.names` (without importing them) with `find.paths` on sys.path.
 */
export async function probePython(
  executable: string,
  find?: { paths: string[]; names: string[]; cwd: string },
): Promise<(PythonInfo & { fits: boolean }) | { problem: string }> {
  // A pyenv shim's interpreter runs directly; the shim stays the name the user sees.
  const args = ['-c', PROBE, ...(find ? [JSON.stringify({ paths: find.paths, names: find.names })] : [])];
  const probe = await runBounded(programOf(executable, find?.cwd ?? process.cwd()), args, {
    timeoutMs: PROBE_TIMEOUT_MS,
    outputCap: 64 * 1024,
    ...(find ? { cwd: find.cwd } : {}),
  });
  if (probe.startError === 'ENOENT') return { problem: 'there is no such file' };
  if (probe.startError === 'EACCES') return { problem: 'it is not executable' };
  if (probe.startError || probe.code !== 0) {
    const said = lastLine(probe.stderr);
    return { problem: `it did not run as Python (it ${probe.ended}${said ? `: ${said}` : ''})` };
  }
  try {
    const info = JSON.parse(probe.stdout) as ProbeAnswer;
    if (!info.pytest) return { problem: `it is Python ${info.version} without pytest` };
    const runs = info.executable && existsSync(info.executable) ? info.executable : undefined;
    return {
      executable,
      ...(runs && runs !== executable ? { runs } : {}),
      version: info.version,
      hasBlack: info.black,
      fits: info.fits,
    };
  } catch {
    return { problem: 'it did not answer as Python does' };
  }
}

/**
 * The Pythons that can import pytest, best first: `--python` (or
 * CHECKPOINT_TESTS_PYTHON) when given, else project virtualenvs, else each
 * python3/python on PATH in turn. Candidates are asked one at a time, in
 * order, and only as far as needed: the first that has pytest is usually the
 * one, and starting every Python on PATH to find it costs more than the rest
 * of a run. Nothing is kept across runs.
 */
export class PythonSearch {
  private readonly candidates: string[];
  /** Each candidate's probe, started when first needed (index as in `candidates`). */
  private readonly probes: Promise<PythonInfo | undefined>[] = [];

  constructor(
    readonly projectRoot: string,
    explicit?: string,
  ) {
    this.candidates = candidates(projectRoot, explicit);
  }

  private probe(index: number): Promise<PythonInfo | undefined> {
    this.probes[index] ??= probePython(this.candidates[index]!, { paths: [], names: [], cwd: this.projectRoot }).then(
      (probed) => ('problem' in probed ? undefined : withoutFits(probed)),
    );
    return this.probes[index];
  }

  /** The first Python with pytest, or undefined when none has it. */
  async first(): Promise<PythonInfo | undefined> {
    for (let index = 0; index < this.candidates.length; index++) {
      const found = await this.probe(index);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * first(), with the first candidate's driver started beside its probe. That driver is usually the
   * run's one Python process, and its start is the longest step before the module is imported: the
   * two starts overlap. A driver whose candidate the probe turns down, or that would run another
   * program than the Python chosen runs, is ended (the run starts the right one when it needs it).
   */
  async firstWithDriver(): Promise<PythonInfo | undefined> {
    const candidate = this.candidates[0];
    if (candidate === undefined) return undefined;
    const program = programOf(candidate, this.projectRoot);
    // Provisional facts: a driver reads only the program it starts; the probe's answer decides below.
    const early: PythonInfo = {
      executable: candidate,
      ...(program !== candidate ? { runs: program } : {}),
      version: '',
      hasBlack: false,
    };
    driverFor(early, this.projectRoot).prestart();
    const found = await this.first();
    if (!found || found.executable !== candidate || pythonProgram(found) !== program) {
      closeDriver(early, this.projectRoot);
    }
    return found;
  }

  /** Every Python with pytest (two names of one interpreter count once). */
  async all(): Promise<PythonInfo[]> {
    const all = await Promise.all(this.candidates.map((_, index) => this.probe(index)));
    const seen = new Set<string>();
    return all.filter((info): info is PythonInfo => {
      if (info === undefined || seen.has(pythonProgram(info))) return false;
      seen.add(pythonProgram(info));
      return true;
    });
  }

  /**
   * The Python that should import the module: the first with pytest in which
   * the module's top-level package and every need (torch) can be found, asked
   * without importing anything, so the module itself is imported once, by one
   * Python. Candidates are asked in order, one Python start each (the probe
   * and the question in one), until one fits; the first with pytest when none
   * does. A module whose package lies in `paths` is found by any Python: with
   * no needs, the first answers without another start.
   */
  async choose(
    request: { paths: string[]; module?: string; needs?: string[] },
    passOver?: PythonInfo,
  ): Promise<PythonInfo | undefined> {
    const first = await this.first();
    if (!first) return undefined;
    const top = request.module?.split('.')[0];
    const names = [
      ...(top && !request.paths.some((root) => packageIn(root, top)) ? [top] : []),
      ...(request.needs ?? []),
    ];
    if (names.length === 0 || this.candidates.length === 1) return first;
    for (let index = 0; index < this.candidates.length; index++) {
      // A Python known to lack something (`passOver`) is not started again to say so.
      if (passOver && this.candidates[index] === passOver.executable) continue;
      const probed = await probePython(this.candidates[index]!, { paths: request.paths, names, cwd: this.projectRoot });
      if (!('problem' in probed) && probed.fits) return withoutFits(probed);
    }
    return first;
  }
}

const withoutFits = ({ fits: _fits, ...info }: PythonInfo & { fits: boolean }): PythonInfo => info;

/** Whether `root` holds the top-level package or module `name` (a folder, or name.py). */
function packageIn(root: string, name: string): boolean {
  return existsSync(path.join(root, name)) || existsSync(path.join(root, `${name}.py`));
}

const searches = new Map<string, PythonSearch>();

/** The run's search for Pythons in this project (one per process and arguments: nothing outlives the run). */
export function pythonSearch(projectRoot: string, explicit?: string): PythonSearch {
  const key = `${projectRoot}\0${explicit ?? ''}`;
  let search = searches.get(key);
  if (!search) {
    search = new PythonSearch(projectRoot, explicit);
    searches.set(key, search);
  }
  return search;
}

/** Every Python that can import pytest, best first (see PythonSearch). */
export function findPythons(projectRoot: string, explicit?: string): Promise<PythonInfo[]> {
  return pythonSearch(projectRoot, explicit).all();
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
  kind: string;
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
      this.pending.set(id, { kind, resolve: resolve as (result: unknown) => void, reject, timer });
      this.setRef(true);
      (child.stdio[3] as NodeJS.WritableStream).write(`${JSON.stringify({ ...payload, id, kind })}\n`);
    });
  }

  /** Starts the driver ahead of its first request: it waits, idle, keeping nothing alive. */
  prestart(): void {
    if (this.child) return;
    this.start();
    this.setRef(false);
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
      const answer = JSON.parse(line) as { id: number; ok: boolean; result?: unknown; error?: string; cpu?: number };
      const waiting = this.pending.get(answer.id);
      if (!waiting) continue;
      mark(`Python ${waiting.kind}`, answer.cpu);
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

/** The run's drivers, by interpreter and project folder (process-wide: main() ends them). */
const drivers = processWide('python-drivers', () => new Map<string, PythonDriver>());

/** What a driver does: the run's (the module, the probe, the check) or the formatter's (black). */
type DriverRole = 'run' | 'format';
const driverKey = (python: PythonInfo, cwd: string, role: DriverRole) => `${python.executable}\0${cwd}\0${role}`;

/** The run's driver for this interpreter and project folder (or its formatter). */
export function driverFor(python: PythonInfo, cwd: string, role: DriverRole = 'run'): PythonDriver {
  const key = driverKey(python, cwd, role);
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
  /** The class of what loading the file cut to half its bytes raised, then its bases, as import paths (builtins by name). */
  corrupt_errors?: string[];
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
 * `pytest --setup-only` collects the suite and sets up the fixtures of its
 * tests without running a test body: unlike `--collect-only`, it fails on a
 * fixture that does not exist. Each distinct set-up runs once (the driver
 * leaves out a test whose fixtures and the values they read another test
 * already set up); every test collected is counted. It runs in the driver,
 * where the user's module (and torch) is imported already.
 */
export async function checkSuite(python: PythonInfo, suiteDir: string, cwd: string): Promise<SuiteCheck> {
  let setup: { code: number; output: string; collected?: number | null };
  try {
    setup = await driverFor(python, cwd).request('check_suite', { suite: suiteDir }, checkTimeoutMs());
  } catch (error) {
    const detail = error instanceof DriverFailure ? error.detail : '';
    const why = error instanceof DriverFailure ? `Python ${error.ended}` : (error as Error).message;
    return { ok: false, problem: `pytest --setup-only ${why}${detail ? ` (${detail})` : ''}` };
  }
  const collected = setup.collected ?? undefined;
  if (setup.code !== 0) {
    return { ok: false, ...(collected !== undefined ? { collected } : {}), problem: summarizeFailure(setup.output) };
  }
  return { ok: true, collected: collected ?? 0 };
}

/**
 * What of `needs` and of the module's own top-level imports (read from its
 * source) `python` lacks, asked in its driver without importing anything:
 * the driver is the one that imports the module next, when nothing lacks.
 * Undefined when the driver could not answer.
 */
export async function missingImports(
  python: PythonInfo,
  request: { paths: string[]; module?: string; needs?: string[] },
  cwd: string,
): Promise<string[] | undefined> {
  try {
    const found = await driverFor(python, cwd).request<{ missing: string[] }>('find', { ...request }, PROBE_TIMEOUT_MS);
    return found.missing;
  } catch {
    return undefined;
  }
}

/** Ends the drivers of `python` in `cwd`, if they run (the run moved to another Python). */
export function closeDriver(python: PythonInfo, cwd: string): void {
  for (const role of ['run', 'format'] as const) {
    const key = driverKey(python, cwd, role);
    drivers.get(key)?.close();
    drivers.delete(key);
  }
}

/**
 * Starts the run's formatter for `python`, a second driver that only runs black, and has it
 * import black now. The files are formatted after introspection, which in the run's driver can
 * import torch for seconds: black loads meanwhile on the other core, and the files are then
 * formatted while the run's driver imports pytest for the check, instead of one after the other.
 */
export function prestartFormatter(python: PythonInfo, cwd: string): void {
  if (!python.hasBlack) return;
  driverFor(python, cwd, 'format')
    .request('warm', { modules: ['black'] }, checkTimeoutMs())
    .catch(() => undefined);
}

/**
 * Asks the run's Python to import `modules` now, without waiting: what it
 * cannot import is left for the step that needs it to report.
 */
export function warmImports(python: PythonInfo, modules: string[], cwd: string): void {
  driverFor(python, cwd)
    .request('warm', { modules }, checkTimeoutMs())
    .catch(() => undefined);
}

/** Formats Python source with the user's black and their configuration, if black is there. */
export async function formatWithBlack(
  python: PythonInfo,
  source: string,
  filePath: string,
  projectRoot: string,
): Promise<string> {
  try {
    const formatted = await driverFor(python, projectRoot, 'format').request<{ source: string | null }>(
      'format',
      { source, path: filePath, root: projectRoot },
      60_000,
    );
    return formatted.source ?? source;
  } catch {
    return source;
  }
}

