/**
 * Runs the CLI in a pseudo-terminal through pty_driver.py (standard-library
 * Python), which waits for each expected prompt and types the keys.
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, cliEnv } from './cli-process.js';

const DRIVER = fileURLToPath(new URL('./pty_driver.py', import.meta.url));

let found: string | undefined;

/**
 * The interpreter of the first `python3` on PATH that can `import pytest` (the
 * generator needs pytest to import the user's module; the driver itself needs
 * only the standard library). Throws, saying what was tried, when there is none.
 */
export function findPythonWithPytest(): string {
  if (found) return found;
  const tried: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'python3');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    tried.push(candidate);
    try {
      // The interpreter itself, not a pyenv shim (a shell script that starts about twenty
      // processes each time): the tests start it often, and the CLI's own search of PATH is
      // what its tests of shims exercise.
      const executable = execFileSync(candidate, ['-c', 'import pytest, sys; print(sys.executable)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 30_000,
      }).trim();
      found = executable || candidate;
      return found;
    } catch {
      // no pytest here: try the next one
    }
  }
  throw new Error(
    `No python3 on PATH can import pytest (tried ${tried.join(', ') || 'none'}); the PTY and import-check tests need one.`,
  );
}

export const KEYS = {
  enter: '\r',
  down: '\u001b[B',
  up: '\u001b[A',
  space: ' ',
  /** Ctrl-U: clears the line typed so far. */
  clearLine: '\u0015',
  ctrlC: '\u0003',
} as const;

export interface PtyStep {
  /** A regular expression (Python syntax) the output must show before `send` is typed. */
  expect: string;
  send?: string;
  /** Seconds to wait for `expect`; the request's `timeout` by default. */
  timeout?: number;
}

export interface PtyRequest {
  /** Arguments after `node bin/checkpoint-tests.js`. */
  args: readonly string[];
  cwd: string;
  steps: readonly PtyStep[];
  /** Seconds per step and for the exit after the last step. */
  timeout?: number;
  /** Output that means the run went wrong (Python regex, multiline), such as a refused answer. */
  abortOn?: string;
  /** Added to the CLI's environment (NO_COLOR, say). */
  env?: NodeJS.ProcessEnv;
}

export interface PtyResult {
  exit_code: number | null;
  signal: number | null;
  error: string | null;
  failed_step: number | null;
  matches: { step: number; expect: string; match: string }[];
  /** Everything the terminal showed, escapes and all. */
  transcript: string;
  /** The transcript without escapes and carriage returns. */
  text: string;
}

/**
 * The environment of a person at a terminal: no `CI` variable, which colour
 * detection (supports-color) reads as "no colour" whatever its value, so a PTY
 * run under CI behaves as it does on a developer's machine; and no `NO_COLOR`
 * from the shell that ran the tests (a test that wants it says so).
 */
function terminalEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = cliEnv({ TERM: 'xterm-256color', ...extra });
  for (const name of ['CI', 'NO_COLOR']) if (!(name in extra)) delete env[name];
  return env;
}

export function runInPty(request: PtyRequest): Promise<PtyResult> {
  const python = findPythonWithPytest();
  const input = JSON.stringify({
    command: [process.execPath, CLI, ...request.args],
    cwd: request.cwd,
    env: terminalEnv(request.env),
    timeout: request.timeout ?? 30,
    abort_on: request.abortOn,
    columns: 120,
    rows: 40,
    steps: request.steps,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(python, [DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(stdout) as PtyResult);
      } catch {
        reject(new Error(`pty_driver.py exited with ${code} and no report:\n${stdout}\n${stderr}`));
      }
    });
    child.stdin.end(input);
  });
}

/** The transcript's last lines, for failure messages. */
export function tail(result: PtyResult, lines = 40): string {
  return result.text.split('\n').slice(-lines).join('\n');
}
