/**
 * scripts/corpus.mjs's `runCorpusEntry` for the tests: the same scratch copy,
 * answers and generation, then pytest through the shared server
 * (pytest-server.ts), which imports pytest, Hypothesis and torch once for the
 * whole test file instead of once for each entry run.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../../lib/programmatic.js';
import { listCorpus, variantAnswers } from '../../scripts/corpus.mjs';
import { caseOf, pythonWith } from '../../scripts/zoo.mjs';
import { PRELOAD, type SuiteRun, runSuite } from './pytest-server.js';

interface CorpusEntry {
  dir: string;
  checks?: boolean;
  answers: Record<string, unknown>;
  variants: { name: string }[];
}

let interpreter: Promise<string | undefined> | undefined;

/** As runCorpusEntry: the entry (or one of its variants) generated and its fast tests run with `args`. */
export async function runCorpusEntry(
  name: string,
  {
    variant,
    overrides = {},
    args = [],
  }: { variant?: string; overrides?: Record<string, unknown>; args?: string[] } = {},
): Promise<SuiteRun & { failingCases: string[] }> {
  const [entry] = (await listCorpus([name])) as CorpusEntry[];
  const bug = variant === undefined ? undefined : entry!.variants.find((candidate) => candidate.name === variant);
  if (variant !== undefined && !bug) throw new Error(`${name} has no variant named ${variant}`);
  interpreter ??= (async () => (await pythonWith(['torch', 'hypothesis'])) ?? (await pythonWith(['hypothesis'])))();
  const python = await interpreter;
  if (!python) throw new Error('no Python with pytest and hypothesis was found on PATH');
  const root = mkdtempSync(path.join(tmpdir(), 'checkpoint-corpus-'));
  try {
    // The entry's package and answers; no earlier suite or caches (as corpus.mjs copies it).
    const project = path.join(root, name);
    cpSync(entry!.dir, project, {
      recursive: true,
      filter: (source) =>
        !/(^|[\\/])(__pycache__|\.pytest_cache|\.hypothesis|tests|\.yo-rc\.json)$/.test(
          source.slice(entry!.dir.length),
        ),
    });
    const answers = { ...(bug ? variantAnswers(entry, bug) : entry!.answers), ...overrides };
    const options = entry!.checks ? { ...answers, python, yes: true } : { ...answers, skipChecks: true };
    await generate({ cwd: project, options });
    // Torch is imported once in the shared Python only for a torch suite; the others never import it.
    const preload = answers.format === 'torch' ? PRELOAD : ['pytest', 'hypothesis'];
    const result = await runSuite(python, project, ['-m', 'not slow', ...args], undefined, {}, preload);
    return {
      ...result,
      failingCases: [...new Set(result.failing.map((test) => (caseOf(test) as string | undefined) ?? test))],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
