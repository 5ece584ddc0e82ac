/**
 * The corpus harness: correct-but-unusual checkpoint managers, each answered
 * as its author would (examples/corpus/<entry>/answers.json), must pass their
 * generated suite with no failure and no error, and every bug variant of each
 * (`<package>/variants/<bug>.py`, declaring `BREAKS`) must fail, only in the
 * cases it declares. Used by test/e2e-corpus.test.ts and the bench. Needs a
 * build (`npm run build`) first.
 *
 *   node scripts/corpus.mjs                      # every entry and variant; exit 1 on a problem
 *   node scripts/corpus.mjs pointer_latest       # one entry (its correct manager and variants)
 *   node scripts/corpus.mjs pointer_latest/latest_by_name   # one variant (and the correct one)
 *   node scripts/corpus.mjs --families           # as npm test: each variant on its BREAKS' families only
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../lib/programmatic.js';
import {
  caseOf,
  closeServers,
  columns,
  familySelection,
  HARNESS_RUN,
  noShrink,
  pooled,
  pythonWith,
  runPytest,
  SUITE_DIR,
} from './zoo.mjs';

export const CORPUS_ROOT = fileURLToPath(new URL('../examples/corpus', import.meta.url));

/** The corpus runs its fast tests only, as CI does. */
const FAST_ONLY = ['-m', 'not slow'];

/** What a variant declares, read with Python's `ast` (nothing is imported): BREAKS, ANSWERS, its docstring's first line. */
const READ_VARIANTS = `
import ast, json, sys
out = {}
for path in sys.argv[1:]:
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    found = {"bug": (ast.get_docstring(tree) or "").strip().splitlines()[0:1]}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            name = getattr(node.targets[0], "id", None)
            if name in ("BREAKS", "ANSWERS"):
                found[name] = ast.literal_eval(node.value)
    out[path] = {
        "bug": found["bug"][0] if found["bug"] else "",
        "breaks": list(found.get("BREAKS", ())),
        "answers": found.get("ANSWERS", {}),
    }
print(json.dumps(out))
`;

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024, timeout: 60_000, ...options }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Every corpus entry: its name, folder, answers, the package and module the
 * answers bind, and its variants ({name, bug, breaks, answers}). `names`
 * narrows the list (an unknown name is an error, so a typo does not pass).
 */
export async function listCorpus(names) {
  const all = existsSync(CORPUS_ROOT)
    ? readdirSync(CORPUS_ROOT)
        .filter((name) => statSync(path.join(CORPUS_ROOT, name)).isDirectory())
        .sort()
    : [];
  const unknown = (names ?? []).filter((name) => !all.includes(name));
  if (unknown.length > 0) throw new Error(`no corpus entry named ${unknown.join(', ')}; there are: ${all.join(', ')}`);
  const chosen = names?.length ? all.filter((name) => names.includes(name)) : all;
  const python = await pythonWith([]);
  if (!python) throw new Error('no Python with pytest was found on PATH');
  const entries = chosen.map((name) => {
    const dir = path.join(CORPUS_ROOT, name);
    const answers = JSON.parse(readFileSync(path.join(dir, 'answers.json'), 'utf8'));
    const [pkg, ...rest] = String(answers.module).split('.');
    if (!pkg || rest.length === 0) throw new Error(`${name}/answers.json: module must be <package>.<module>`);
    const variantsDir = path.join(dir, pkg, 'variants');
    const files = existsSync(variantsDir)
      ? readdirSync(variantsDir)
          .filter((file) => file.endsWith('.py') && file !== '__init__.py')
          .sort()
      : [];
    // corpus.json: how the harness generates the entry; `checks: true` imports the module first, for
    // an entry whose binding needs its signatures read (by default --skip-checks, which is faster).
    const settings = existsSync(path.join(dir, 'corpus.json'))
      ? JSON.parse(readFileSync(path.join(dir, 'corpus.json'), 'utf8'))
      : {};
    return {
      name,
      dir,
      answers,
      package: pkg,
      module: answers.module,
      files,
      variantsDir,
      checks: settings.checks === true,
    };
  });
  const paths = entries.flatMap((entry) => entry.files.map((file) => path.join(entry.variantsDir, file)));
  const declared = paths.length > 0 ? await run(python, ['-c', READ_VARIANTS, ...paths]) : { code: 0, stdout: '{}' };
  if (declared.code !== 0) throw new Error(`reading the variants failed: ${declared.stderr}`);
  const byPath = JSON.parse(declared.stdout);
  return entries.map(({ files, variantsDir, ...entry }) => ({
    ...entry,
    variants: files.map((file) => ({ name: file.replace(/\.py$/, ''), ...byPath[path.join(variantsDir, file)] })),
  }));
}

/**
 * The answers that bind a variant: `module` becomes `<package>.variants.<bug>`,
 * and every answer value naming the correct module (an exception's import
 * path) names the variant's instead; then the variant's own ANSWERS.
 */
export function variantAnswers(entry, variant) {
  const bound = `${entry.package}.variants.${variant.name}`;
  const escaped = entry.module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const naming = new RegExp(`^${escaped}(?=\\.|$)`);
  const rebind = (value) =>
    typeof value === 'string' ? value.replace(naming, bound) : Array.isArray(value) ? value.map(rebind) : value;
  const answers = Object.fromEntries(Object.entries(entry.answers).map(([key, value]) => [key, rebind(value)]));
  return { ...answers, module: bound, ...(variant.answers ?? {}) };
}

/** A scratch copy of the entry (its package and answers; no earlier suite or caches). */
function scratchCopy(entry, root, name) {
  const project = path.join(root, name);
  cpSync(entry.dir, project, {
    recursive: true,
    filter: (source) =>
      !/(^|[\\/])(__pycache__|\.pytest_cache|\.hypothesis|tests|\.yo-rc\.json)$/.test(source.slice(entry.dir.length)),
  });
  return project;
}

/**
 * Generates each entry's suite (and each variant's) in a scratch project with
 * `--skip-checks`, runs its fast tests, and returns rows shaped as the zoo's:
 * kind "corpus" for a correct manager (`falseFailures`: its failing or
 * erroring tests, which must be none), kind "variant" for a bug (`caught`,
 * `precise`: every failing case is among its BREAKS). `entries`: names, or
 * `entry/variant` for one variant; all by default.
 */
/** The generator's options for an entry: its answers, and its checks on only when the entry asks (corpus.json). */
function generateOptions(entry, answers, python) {
  return entry.checks ? { ...answers, python, yes: true } : { ...answers, skipChecks: true };
}

/**
 * `scope`: "full" runs every variant on the whole fast suite (its precision checked in every family);
 * "families" (npm test) only on the families its BREAKS name, as the zoo does (`familySelection`).
 */
export async function runCorpus({ entries, parallel = 2, variants = true, scope = 'full' } = {}) {
  const wanted = entries?.length ? entries : undefined;
  const entryNames = wanted ? [...new Set(wanted.map((name) => name.split('/')[0]))] : undefined;
  const onlyVariants = wanted
    ?.filter((name) => name.includes('/'))
    .map((name) => name.split('/').slice(0, 2).join('/'));
  const corpus = await listCorpus(entryNames);
  const python = (await pythonWith(['torch', 'hypothesis'])) ?? (await pythonWith(['hypothesis']));
  if (!python) throw new Error('no Python with pytest and hypothesis was found on PATH');
  const root = mkdtempSync(path.join(tmpdir(), 'checkpoint-corpus-'));
  try {
    const jobs = [];
    for (const entry of corpus) {
      const whole = !onlyVariants || wanted.includes(entry.name);
      jobs.push(async () => {
        const project = scratchCopy(entry, root, entry.name);
        await generate({ cwd: project, options: generateOptions(entry, entry.answers, python) });
        const result = await runPytest(python, project, FAST_ONLY, SUITE_DIR, {}, HARNESS_RUN);
        const falseFailures = result.failing.length + (result.code !== 0 && result.failing.length === 0 ? 1 : 0);
        return { kind: 'corpus', name: entry.name, falseFailures, ok: falseFailures === 0, ...result };
      });
      // `variants: false`: the correct managers only.
      for (const variant of variants ? entry.variants : []) {
        if (!whole && !onlyVariants.includes(`${entry.name}/${variant.name}`)) continue;
        jobs.push(async () => {
          const project = scratchCopy(entry, root, `${entry.name}--${variant.name}`);
          await generate({ cwd: project, options: generateOptions(entry, variantAnswers(entry, variant), python) });
          const selection = (scope === 'families' && familySelection(variant.breaks)) || FAST_ONLY;
          const args = [...selection, ...noShrink(project)];
          const result = await runPytest(python, project, args, SUITE_DIR, {}, HARNESS_RUN);
          const failingCases = [...new Set(result.failing.map((test) => caseOf(test) ?? test))];
          return {
            kind: 'variant',
            name: `${entry.name}/${variant.name}`,
            entry: entry.name,
            bug: variant.bug,
            breaks: variant.breaks,
            failingCases,
            caught: result.failing.length > 0,
            // Exit code 1 is "tests failed"; anything else (an interrupted or broken run) is not a catch.
            precise: result.code === 1 && failingCases.every((id) => variant.breaks.includes(id)),
            ...result,
          };
        });
      }
    }
    return await pooled(jobs, parallel);
  } finally {
    await closeServers();
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * One entry (or one of its variants, `variant`) generated with some answers
 * changed (`overrides`) and run with pytest's `args` (`-k t2`, say): the
 * focused policy tests compare a lenient answer with the strict one this way.
 * Returns the pytest result with the failing case ids.
 */
export async function runCorpusEntry(name, { variant, overrides = {}, args = [] } = {}) {
  const [entry] = await listCorpus([name]);
  const bug = variant === undefined ? undefined : entry.variants.find((candidate) => candidate.name === variant);
  if (variant !== undefined && !bug) throw new Error(`${name} has no variant named ${variant}`);
  const python = (await pythonWith(['torch', 'hypothesis'])) ?? (await pythonWith(['hypothesis']));
  if (!python) throw new Error('no Python with pytest and hypothesis was found on PATH');
  const root = mkdtempSync(path.join(tmpdir(), 'checkpoint-corpus-'));
  try {
    const project = scratchCopy(entry, root, name);
    const answers = bug ? variantAnswers(entry, bug) : entry.answers;
    await generate({ cwd: project, options: generateOptions(entry, { ...answers, ...overrides }, python) });
    const result = await runPytest(python, project, [...FAST_ONLY, ...args], SUITE_DIR, {}, HARNESS_RUN);
    return { ...result, failingCases: [...new Set(result.failing.map((test) => caseOf(test) ?? test))] };
  } finally {
    // The pytest server stays for the caller's next run; closeServers() (zoo.mjs) ends it.
    rmSync(root, { recursive: true, force: true });
  }
}

/** The corpus table: one row a run, with its verdict. */
export function corpusTable(rows) {
  const lines = [['run', 'expected cases', 'failing tests (cases)', 'verdict']];
  for (const row of rows) {
    if (row.kind === 'corpus') {
      lines.push([
        row.name,
        '-',
        row.failing.length ? row.failing.join(' ') : row.ok ? `none (${row.passed} passed)` : row.summary,
        row.ok ? 'green' : `${row.falseFailures} FALSE FAILURE(S)`,
      ]);
    } else {
      const verdict = !row.caught ? 'MISSED' : row.precise ? 'caught' : 'caught, but by other cases too';
      lines.push([
        row.name,
        row.breaks.join(' '),
        `${row.failing.length} (${row.failingCases.join(' ') || '-'})`,
        verdict,
      ]);
    }
  }
  return columns(lines).join('\n');
}

/**
 * The corpus per entry, for the bench: the false failures of its correct
 * manager (must be 0; undefined when it was not run) and how many of its
 * variants were caught within their BREAKS, naming those that were not.
 */
export function corpusByEntry(rows) {
  const entries = new Map();
  const entryNamed = (name) => {
    if (!entries.has(name))
      entries.set(name, { entry: name, falseFailures: undefined, caught: 0, variants: 0, missed: [] });
    return entries.get(name);
  };
  for (const row of rows) {
    if (row.kind === 'corpus') {
      entryNamed(row.name).falseFailures = row.falseFailures;
      continue;
    }
    const entry = entryNamed(row.entry);
    entry.variants += 1;
    if (row.caught && row.precise) entry.caught += 1;
    else entry.missed.push(row.name.slice(row.entry.length + 1));
  }
  return [...entries.values()].sort((a, b) => a.entry.localeCompare(b.entry));
}

/** Rows that break the bar: a correct manager with a failure or an error, a variant missed or caught outside its BREAKS. */
export function corpusProblems(rows) {
  return rows.filter((row) => (row.kind === 'corpus' ? !row.ok : !row.caught || !row.precise));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await runCorpus({
    entries: process.argv.slice(2).filter((arg) => !arg.startsWith('-')),
    // --families: as npm test runs it, each variant on the families its BREAKS name.
    scope: process.argv.includes('--families') ? 'families' : 'full',
  });
  console.log(corpusTable(rows));
  const problems = corpusProblems(rows);
  for (const row of problems) console.log(`\n--- ${row.name}: ${row.summary}\n${row.output.slice(-3000)}`);
  process.exitCode = problems.length ? 1 : 0;
}
