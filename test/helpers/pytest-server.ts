/**
 * Runs pytest on generated suites through one long-lived Python
 * (pytest_server.py) that imports pytest, and torch when asked, once and
 * forks a fresh child for each run: the same pytest run, in the same folder,
 * as `python -m pytest ...args`, without paying the interpreter start and the
 * torch import for every suite.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./pytest_server.py', import.meta.url));

export interface PytestRun {
  /** pytest's exit code; null when the run was killed at its timeout. */
  code: number | null;
  /** What pytest printed (stdout and stderr together). */
  stdout: string;
}

export interface PytestOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface PytestServer {
  /** Resolves once the server has imported what it preloads (a beforeAll can wait for it, off the tests' clocks). */
  ready: Promise<void>;
  run(cwd: string, args: readonly string[], options?: PytestOptions): Promise<PytestRun>;
  /** Ends the server and waits for it to exit. */
  close(): Promise<void>;
}

const servers = new Map<string, PytestServer>();

/** What the servers import before they fork, unless told otherwise: the suites' own imports (torch when installed). */
export const PRELOAD = ['pytest', 'hypothesis', 'torch'] as const;

/**
 * The server for `python`, importing `preload` (module names) before it
 * forks; one per (python, preload) in this worker, started on first use.
 */
export function pytestServer(python: string, preload: readonly string[] = PRELOAD): PytestServer {
  const key = `${python}\0${preload.join(',')}`;
  let server = servers.get(key);
  if (!server) {
    server = startServer(python, preload);
    servers.set(key, server);
  }
  return server;
}

/** Stops every server this worker started, and waits for them (for afterAll). */
export async function closePytestServers(): Promise<void> {
  const closing = [...servers.values()].map((server) => server.close());
  servers.clear();
  await Promise.all(closing);
}

function startServer(python: string, preload: readonly string[]): PytestServer {
  const child: ChildProcessWithoutNullStreams = spawn(python, [SERVER, ...preload], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  // Neither the process nor its pipes keep the worker alive once the tests are done.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as unknown as { unref?: () => void }).unref?.();
  let serverErrors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (serverErrors += chunk));
  const waiting = new Map<number, { resolve: (run: PytestRun) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let ended = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const failAll = (why: string): void => {
    ended = true;
    for (const { reject } of waiting.values()) reject(new Error(`${why}\n${serverErrors}`));
    waiting.clear();
  };
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      failAll(`pytest server ended (code ${code}, signal ${signal})`);
      // Nothing more to wait for: a run asked after this fails, saying the server ended.
      markReady();
      resolve();
    }),
  );
  child.on('error', (error) => {
    failAll(`pytest server could not start: ${error.message}`);
    markReady();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as { id: number; code: number | null; output: string; ready?: boolean };
    if (answer.ready) return markReady();
    const pending = waiting.get(answer.id);
    waiting.delete(answer.id);
    pending?.resolve({ code: answer.code, stdout: answer.output });
  });
  // The server runs one request at a time, in the order they were sent.
  return {
    ready,
    run(cwd, args, options = {}) {
      if (ended) return Promise.reject(new Error(`pytest server has ended\n${serverErrors}`));
      const id = nextId++;
      const request = {
        id,
        cwd,
        args,
        env: { PYTHONDONTWRITEBYTECODE: '1', ...options.env },
        timeout: (options.timeoutMs ?? 600_000) / 1000,
      };
      return new Promise<PytestRun>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.stdin.write(`${JSON.stringify(request)}\n`);
      });
    },
    close() {
      ended = true;
      child.stdin.end();
      return exited;
    },
  };
}

/** What zoo.mjs's runPytest gives: the exit code, the counts and the ids of failed or erroring tests. */
export interface SuiteRun {
  code: number | null;
  passed: number;
  failing: string[];
  summary: string;
  seconds: number;
  output: string;
}

/**
 * zoo.mjs's `runPytest` (same arguments, same result) through the shared
 * server: `python -m pytest -q -p no:cacheprovider -rfE --tb=line target ...extraArgs` in `project`.
 */
export async function runSuite(
  python: string,
  project: string,
  extraArgs: readonly string[] = [],
  target = 'tests/checkpoint',
  env: Record<string, string> = {},
  preload: readonly string[] = PRELOAD,
): Promise<SuiteRun> {
  const started = performance.now();
  const result = await pytestServer(python, preload).run(
    project,
    ['-q', '-p', 'no:cacheprovider', '-rfE', '--tb=line', target, ...extraArgs],
    { env },
  );
  const failing = [...result.stdout.matchAll(/^(?:FAILED|ERROR) (\S+)/gm)].map((match) =>
    match[1]!.split('::').at(-1)!,
  );
  const summary = result.stdout.trim().split('\n').at(-1) ?? '';
  const passed = Number(/(\d+) passed/.exec(summary)?.[1] ?? 0);
  const seconds = (performance.now() - started) / 1000;
  return { code: result.code, passed, failing, summary, seconds, output: result.stdout };
}
