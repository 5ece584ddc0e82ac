/**
 * The CLI's own conventions, through the real bin with no terminal: a short
 * `--help` and a full `--help-all` derived from the declarations, `--version`,
 * and an unknown family named with a suggestion.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../lib/families/index.js';
import { shortHelp } from '../lib/help.js';
import { CATEGORIES, QUESTIONS, optionName, questionFamilies } from '../lib/questions.js';
import { RUN_OPTIONS } from '../lib/run-options.js';
import { REPO_ROOT } from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';

const lines = (text: string) => text.trimEnd().split('\n');
/** An option printed at the start of a help line (two spaces in), as the tables print them. */
const listsOption = (help: string, option: string) => new RegExp(`^ {2}--${option}\\b`, 'm').test(help);

describe('checkpoint-tests --help', () => {
  it('fits in 60 lines of 80 columns: usage, every family, the common options and their values', async () => {
    const result = await runInProcess(['--help'], tmpdir());
    expect(result.code).toBe(0);
    const help = result.stdout;
    expect(lines(help).length).toBeLessThanOrEqual(60);
    expect(lines(help).every((line) => line.length <= 80)).toBe(true);
    expect(help).toMatch(/^Usage: checkpoint-tests \[family\] \[options\]/);
    for (const family of FAMILIES) expect(help).toMatch(new RegExp(`^ {2}${family.name} +\\S`, 'm'));
    // Enum values come from the declaration: the format's choices, in order.
    const format = QUESTIONS.find((question) => question.name === 'format')!;
    expect(format.kind).toBe('enum');
    const values = format.kind === 'enum' ? format.choices.map((choice) => choice.value) : [];
    expect(help).toContain(`--format ${values.join('|')}`);
    for (const option of [
      'module',
      'categories',
      'output-dir',
      'yes',
      'answers',
      'python',
      'dry-run',
      'help-all',
      'version',
    ]) {
      expect(listsOption(help, option), option).toBe(true);
    }
    // Yeoman's internals are left to --help-all.
    expect(help).not.toMatch(/--skip-install|--local-config-only|--skip-yo-resolve/);
  });

  it('--help-all lists every question as an option, with the values of each enum and list answer, and every run option', async () => {
    const result = await runInProcess(['--help-all'], tmpdir());
    expect(result.code).toBe(0);
    const help = result.stdout;
    for (const question of QUESTIONS) {
      expect(listsOption(help, optionName(question.name)), question.name).toBe(true);
      if (question.kind === 'enum')
        expect(help, question.name).toContain(question.choices.map((choice) => choice.value).join('|'));
    }
    const categories = QUESTIONS.find((question) => question.name === 'categories')!;
    expect(help.replace(/\s+/g, ' ')).toContain(`Values: ${CATEGORIES.join(', ')}`);
    expect(categories.kind).toBe('list');
    for (const option of Object.keys(RUN_OPTIONS)) expect(listsOption(help, option), option).toBe(true);
    // Yeoman's own follow ours, under their own heading; the option named after a unit reads well.
    expect(help).toMatch(/Yeoman's options:[\s\S]*--skip-install/);
    expect(help).not.toContain('--state-mi-b');
  });

  it('a family sub-command has a short help of its own answers', async () => {
    for (const family of ['resume', 'artifact', 'corruption'] as const) {
      const result = await runInProcess([family, '--help'], tmpdir());
      expect(result.code).toBe(0);
      expect(lines(result.stdout).length, family).toBeLessThanOrEqual(60);
      expect(result.stdout).toMatch(new RegExp(`^Usage: checkpoint-tests ${family} \\[options\\]`));
      const own = QUESTIONS.filter((question) => questionFamilies(question).includes(family));
      expect(own.length).toBeGreaterThan(0);
      for (const question of own)
        expect(listsOption(result.stdout, optionName(question.name)), question.name).toBe(true);
    }
  });

  it("every family's help, as the CLI prints it at 80 columns, fits in 60 lines", () => {
    for (const family of CATEGORIES) {
      const help = shortHelp(family, 80);
      expect(lines(help).length, family).toBeLessThanOrEqual(60);
      expect(
        lines(help).every((line) => line.length <= 80),
        family,
      ).toBe(true);
    }
  });

  it('audit and templates have a short help of their own arguments and options', async () => {
    const audit = await runInProcess(['audit', '--help'], tmpdir());
    expect(audit.code).toBe(0);
    expect(lines(audit.stdout).length).toBeLessThanOrEqual(60);
    expect(audit.stdout).toMatch(/^Usage: checkpoint-tests audit \[path\] \[options\]/);
    for (const option of ['json', 'fail-on', 'from-audit', 'report'])
      expect(listsOption(audit.stdout, option), option).toBe(true);
    const templates = await runInProcess(['templates', '--help'], tmpdir());
    expect(templates.code).toBe(0);
    expect(listsOption(templates.stdout, 'templates-dir')).toBe(true);
  });
});

describe('checkpoint-tests --version', () => {
  it("prints the package's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string };
    const result = await runInProcess(['--version'], tmpdir());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });
});

describe('an unknown family or command', () => {
  it('is named, with the nearest family and every valid one, exit 2 and no stack trace', async () => {
    const result = await runInProcess(['corupt'], tmpdir());
    expect(result.code).toBe(2);
    const said = result.stderr.replace(/\s+/g, ' ');
    expect(said).toContain('"corupt" is not a family or command of checkpoint-tests');
    expect(said).toContain('Did you mean corruption?');
    for (const family of CATEGORIES) expect(said).toContain(family);
    expect(said).toContain('audit and templates');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('suggests nothing when no name is near, and still lists the valid ones', async () => {
    const result = await runInProcess(['xyzzy'], tmpdir());
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('Did you mean');
    expect(result.stderr.replace(/\s+/g, ' ')).toContain(`The families are ${CATEGORIES.join(', ')}`);
  });

  it('is found after the options too, and a family given a stray word says it takes options only', async () => {
    const afterOptions = await runInProcess(['--yes', 'corupt'], tmpdir());
    expect(afterOptions.code).toBe(2);
    expect(afterOptions.stderr.replace(/\s+/g, ' ')).toContain(
      '"corupt" is not a family or command of checkpoint-tests. Did you mean corruption?',
    );
    expect(afterOptions.stderr).not.toContain('too many arguments');
    const stray = await runInProcess(['resume', '--skip-checks', 'extra'], tmpdir());
    expect(stray.code).toBe(2);
    expect(stray.stderr.replace(/\s+/g, ' ')).toContain(
      'checkpoint-tests resume takes options only, but was given "extra"',
    );
  });

  it('an unknown option is a usage error too (exit 2)', async () => {
    const result = await runInProcess(['--no-such-option'], tmpdir());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-option'");
  });
});

describe('README.md', () => {
  it('stays under 15 KB, its reference material in docs/ behind links', () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    expect(Buffer.byteLength(readme)).toBeLessThan(15 * 1024);
    for (const doc of ['docs/answers.md', 'docs/bench.md', 'docs/suite.md']) {
      expect(readme).toContain(`](${doc})`);
      expect(readFileSync(`${REPO_ROOT}${doc}`, 'utf8').length).toBeGreaterThan(0);
    }
    // `npm run bench` writes its figures (each run beside the earlier ones) into docs/bench.md;
    // README only points there.
    const bench = readFileSync(`${REPO_ROOT}docs/bench.md`, 'utf8');
    for (const marker of ['bench-history', 'bench-table']) {
      expect(bench).toContain(`<!-- ${marker}:start -->`);
      expect(bench).toContain(`<!-- ${marker}:end -->`);
    }
    expect(readme).not.toContain('<!-- bench-table:start -->');
  });
});
