/**
 * Generated Markdown, YAML and JSON are written in their final form, with no
 * formatter on the run (src/lib/format.ts): Prettier, with its defaults, must
 * leave every generated non-Python file unchanged, over answer sets that
 * reach every family, every format and the CI recipe.
 */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';
import { alignMarkdownTables, prettyJson } from '../lib/format.js';
import { generate } from '../lib/programmatic.js';
import { CATEGORIES } from '../lib/questions.js';
import { sampleAnswers, scratchProject } from '../scripts/zoo.mjs';

const root = mkdtempSync(path.join(tmpdir(), 'checkpoint-prettier-noop-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Prettier's output with its defaults only (no config file is looked up). */
const prettierDefault = (text: string, filepath: string) => prettier.format(text, { filepath });

/** Every generated file but Python, skipping the sample packages linked into the project. */
function generatedFiles(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under)).flatMap((name) => {
    const relative = path.join(under, name);
    const stat = lstatSync(path.join(dir, relative));
    if (stat.isSymbolicLink()) return [];
    if (stat.isDirectory()) return generatedFiles(dir, relative);
    return relative.endsWith('.py') ? [] : [relative];
  });
}

const ANSWER_SETS: Record<string, Record<string, unknown>> = {
  'pickle, every family, GitHub CI': { ...sampleAnswers('pickle'), categories: CATEGORIES, ciRecipe: 'github' },
  'json, every family, versioned, GitHub CI': {
    ...sampleAnswers('json', 'sample_trainer.manager', { version_key: '"format_version"', current_version: '2' }),
    categories: CATEGORIES,
    versionKey: 'format_version',
    currentVersion: '2',
    ciRecipe: 'github',
  },
  'torch, every family, MLflow': {
    ...sampleAnswers('torch'),
    categories: CATEGORIES,
    tracker: 'mlflow',
    requiredKeys: ['step', 'model', 'optimizer', 'metadata'],
  },
  'pickle, two families, no CI': { ...sampleAnswers('pickle'), categories: ['resume', 'retention'], ciRecipe: 'none' },
};

describe('generated non-Python files are already Prettier-formatted', () => {
  for (const [name, answers] of Object.entries(ANSWER_SETS)) {
    it(
      name,
      async () => {
        const project = scratchProject(root, name.replace(/\W+/g, '-'));
        await generate({ cwd: project, options: { ...answers, skipChecks: true } });
        const files = generatedFiles(project);
        expect(files).toContain('.yo-rc.json');
        expect(files.some((file) => file.endsWith('README.md'))).toBe(true);
        if (answers.ciRecipe === 'github') {
          expect(files).toContain(path.join('.github', 'workflows', 'checkpoint-tests.yml'));
          expect(files).toContain('.pre-commit-config.yaml');
        }
        for (const file of files) {
          const text = readFileSync(path.join(project, file), 'utf8');
          expect(await prettierDefault(text, file), file).toBe(text);
        }
      },
      60_000,
    );
  }
});

describe('the final-form printers agree with Prettier', () => {
  it('prints JSON as Prettier does: short arrays inline, long ones one item a line, nested objects', async () => {
    const value = {
      module: 'sample_trainer.manager',
      categories: ['resume', 'corruption'],
      requiredKeys: Array.from({ length: 12 }, (_, index) => `key_number_${index}`),
      nested: { empty: {}, none: [], flag: true, count: 3, missing: null, targets: [{ name: 'a' }, 'b'] },
      almost: ['x'.repeat(64)],
      'non-ascii ключ': 'naïve 検証',
    };
    const printed = prettyJson(value);
    expect(JSON.parse(printed)).toEqual(value);
    expect(await prettierDefault(printed, 'a.json')).toBe(printed);
  });

  it('aligns Markdown tables as Prettier does, wide letters and escaped pipes included', async () => {
    const markdown = [
      '# Title',
      '',
      '| answer | value | what it means |',
      '| --- | --- | --- |',
      '| `a` | `1` | plain |',
      '| `検証` | `x \\| y` | a wide name 🙂, and a pipe |',
      '| `long_answer_name` |  | an empty cell |',
      '',
      'After.',
      '',
    ].join('\n');
    const aligned = alignMarkdownTables(markdown);
    expect(aligned).not.toBe(markdown);
    expect(await prettierDefault(aligned, 'a.md')).toBe(aligned);
  });
});
