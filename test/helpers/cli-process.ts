/**
 * Runs the compiled CLI (bin/checkpoint-tests.js) as a user would, in a temp
 * project holding a copy of the sample package, with no terminal attached.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(REPO_ROOT, 'bin', 'checkpoint-tests.js');
export const SAMPLE_PACKAGE = path.join(REPO_ROOT, 'examples', 'sample-trainer', 'sample_trainer');
export const SAMPLE_MODULE = 'sample_trainer.manager';

const made: string[] = [];

/** A fresh project folder with `sample_trainer` copied in; removed by `removeProjects`. */
export function makeSampleProject(prefix = 'checkpoint-tests-cli-'): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(SAMPLE_PACKAGE, path.join(root, 'sample_trainer'), {
    recursive: true,
    filter: (source) => !source.includes('__pycache__'),
  });
  made.push(root);
  return root;
}

export function removeProjects(): void {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** The environment the CLI runs in: this one, less what would change its output, plus `extra`. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DEBUG;
  delete env.CHECKPOINT_TESTS_PYTHON;
  delete env.FORCE_COLOR;
  return { ...env, ...extra };
}

export interface CliResult {
  code: number | null;
  /** What the CLI printed, ANSI escapes removed. */
  stdout: string;
  stderr: string;
  /** What it printed, escapes and all (for the colour tests). */
  rawStdout?: string;
  rawStderr?: string;
}

/**
 * Runs `node bin/checkpoint-tests.js ...args` in `cwd` with stdin not a TTY
 * (an empty pipe, closed at once), as in CI; `env` adds to its environment.
 */
export function runCli(
  args: readonly string[],
  cwd: string,
  timeoutMs = 90_000,
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: cliEnv({ NO_COLOR: '1', ...env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`checkpoint-tests ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr), rawStdout: stdout, rawStderr: stderr });
    });
  });
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '');
}

/** Every file under `root` (relative path → sha256), to show that a run changed nothing. */
export function snapshotTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const relative = path.relative(root, full);
      if (statSync(full).isDirectory()) {
        files[`${relative}/`] = 'dir';
        walk(full);
      } else {
        files[relative] = createHash('sha256').update(readFileSync(full)).digest('hex');
      }
    }
  };
  walk(root);
  return files;
}

/** The answers the generator stored in `.yo-rc.json`. */
export function storedAnswers(root: string): Record<string, unknown> {
  const config = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8')) as Record<string, unknown>;
  // `files` is the record of what the run wrote (a hash a file), not an answer.
  const { files: _written, ...answers } = config['generator-checkpoint-tests'] as Record<string, unknown>;
  return answers;
}
