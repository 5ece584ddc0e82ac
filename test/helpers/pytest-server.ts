/**
 * pytest runs for the tests, through the harnesses' pytest servers
 * (scripts/pytest_forks.py, driven by scripts/zoo.mjs): one Python imports
 * pytest, Hypothesis and, for torch suites, torch once, and forks a fresh
 * child for each run, the same run as `python -m pytest ...args` in the same
 * folder, without paying the interpreter's start and the torch import each time.
 *
 * A test file does not stop its servers: the files of a worker share this
 * module (`isolate: false`), so the next file's runs take the servers the last
 * one left, and an idle server keeps nothing alive (it ends with its input,
 * when the worker exits).
 */
import { runForked, runPytest, warmPytestServer } from '../../scripts/zoo.mjs';

export interface PytestRun {
  /** pytest's exit code; -9 when the run was killed at its timeout. */
  code: number;
  /** What pytest printed (stdout, then stderr). */
  stdout: string;
}

export interface PytestServer {
  /** Resolves once the server has imported what it preloads (a beforeAll can wait for it, off the tests' clocks). */
  ready: Promise<void>;
  run(cwd: string, args: readonly string[], options?: { env?: Record<string, string> }): Promise<PytestRun>;
}

/** What a server imports before it forks, unless told otherwise: the suites' own imports (torch when installed). */
export const PRELOAD = ['pytest', 'hypothesis', 'torch'] as const;

/**
 * Runs through the servers of `python`; `preload` says whether to have one
 * with torch imported ready (each run picks the server its suite needs: torch
 * only when its adapter imports it).
 */
export function pytestServer(python: string, preload: readonly string[] = PRELOAD): PytestServer {
  return {
    ready: warmPytestServer(python, { torch: preload.includes('torch') }),
    async run(cwd, args, options = {}) {
      const result = await runForked(python, cwd, [...args], options.env ?? {});
      return { code: result.code, stdout: result.stdout + result.stderr };
    },
  };
}

/** What zoo.mjs's runPytest gives: the exit code, the counts and the ids of failed or erroring tests. */
export interface SuiteRun {
  code: number;
  passed: number;
  failing: string[];
  summary: string;
  seconds: number;
  output: string;
}

/**
 * zoo.mjs's `runPytest` through a server: `python -m pytest -q -p
 * no:cacheprovider -rfE --tb=line target ...extraArgs` in `project`; the
 * server is chosen by what the suite imports (torch or not).
 */
export async function runSuite(
  python: string,
  project: string,
  extraArgs: readonly string[] = [],
  target = 'tests/checkpoint',
  env: Record<string, string> = {},
): Promise<SuiteRun> {
  return (await runPytest(python, project, [...extraArgs], target, env, { fork: true })) as SuiteRun;
}
