import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import * as prettier from 'prettier';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAnswerMapping } from '../lib/answers.js';
import { UsageError } from '../lib/errors.js';
import { QUESTIONS, optionName, CATEGORIES } from '../lib/questions.js';
import { answersSchema, answersTable } from '../lib/schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- answers-table:start -->';
const END = '<!-- answers-table:end -->';

interface PropertySchema {
  description?: string;
  type?: string;
  enum?: string[];
  items?: { type?: string; enum?: string[] };
  uniqueItems?: boolean;
  minItems?: number;
  pattern?: string;
  default?: unknown;
}

interface Schema {
  $schema: string;
  type: string;
  additionalProperties: boolean;
  properties: Record<string, PropertySchema>;
}

const schema = answersSchema() as Schema;

async function formatMarkdown(text: string): Promise<string> {
  const filepath = path.join(ROOT, 'README.md');
  const config = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(text, { ...config, filepath });
}

/** The cells of a Markdown table row, split on unescaped pipes. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The text between the answers-table markers (each must appear exactly once). */
function readmeTable(readme: string): string {
  expect(readme.split(START)).toHaveLength(2);
  expect(readme.split(END)).toHaveLength(2);
  const start = readme.indexOf(START) + START.length;
  const end = readme.indexOf(END);
  expect(end).toBeGreaterThan(start);
  return readme.slice(start, end).trim();
}

/** A full answers object: module sample_trainer.manager, everything else at its default. */
function validAnswers(): Record<string, unknown> {
  const answers: Record<string, unknown> = { module: 'sample_trainer.manager', auditPath: 'tests' };
  for (const question of QUESTIONS) {
    if (!(question.name in answers)) answers[question.name] = question.default(answers as never);
  }
  return answers;
}

const BAD: { label: string; answers: () => Record<string, unknown>; keyword: string; at: string; key: string }[] = [
  {
    label: 'an unknown key',
    answers: () => ({ ...validAnswers(), frobnicate: 'yes' }),
    keyword: 'additionalProperties',
    at: '',
    key: 'frobnicate',
  },
  {
    label: 'a wrong type',
    answers: () => ({ ...validAnswers(), format: 3 }),
    keyword: 'type',
    at: '/format',
    key: 'format',
  },
  {
    label: 'a bad enum value',
    answers: () => ({ ...validAnswers(), format: 'safetensors' }),
    keyword: 'enum',
    at: '/format',
    key: 'format',
  },
  {
    label: 'a module that fails the pattern',
    answers: () => ({ ...validAnswers(), module: 'sample-trainer/manager.py' }),
    keyword: 'pattern',
    at: '/module',
    key: 'module',
  },
];

function compiled() {
  const Ajv = ((Ajv2020 as unknown as { default?: typeof Ajv2020 }).default ?? Ajv2020) as typeof Ajv2020;
  return new Ajv({ allErrors: true, strict: true }).compile(answersSchema());
}

describe('answersSchema', () => {
  it('is a closed draft 2020-12 object schema with one property per question and $schema', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['$schema', ...QUESTIONS.map((question) => question.name)]);
    expect(schema.properties.$schema).toMatchObject({ type: 'string' });
  });

  it.each(QUESTIONS.map((question) => [question.name, question] as const))(
    '%s has the help, type, choices, pattern and default of its question',
    (name, question) => {
      const property = schema.properties[name]!;
      expect(property.description).toBe(question.help);
      const choices = 'choices' in question ? question.choices.map((choice) => choice.value) : undefined;
      if (question.kind === 'list') {
        expect(property).toMatchObject({ type: 'array', items: { type: 'string', enum: choices } });
        expect(property.uniqueItems).toBe(true);
        // An empty list is allowed where the question allows it (requiredKeys), nowhere else.
        const refusesEmpty = (question.validate as ((value: unknown, answers: object) => unknown) | undefined)?.(
          [],
          {},
        );
        expect(property.minItems).toBe(refusesEmpty ? 1 : undefined);
        expect(property.enum).toBeUndefined();
      } else {
        expect(property.type).toBe('string');
        expect(property.items).toBeUndefined();
        expect(property.enum).toEqual(question.kind === 'enum' ? choices : undefined);
      }
      expect(property.pattern).toBe(question.pattern?.source);
      const fallback = question.default({});
      if (fallback === undefined) expect('default' in property).toBe(false);
      else expect(property.default).toEqual(fallback);
    },
  );

  it('spells out the known questions as expected', () => {
    expect(schema.properties.module).not.toHaveProperty('default');
    expect(schema.properties.format).toMatchObject({
      type: 'string',
      enum: ['pickle', 'json', 'torch'],
      default: 'pickle',
    });
    expect(schema.properties.categories).toMatchObject({ type: 'array', default: [...CATEGORIES], minItems: 1 });
    expect(schema.properties.requiredKeys).toMatchObject({ type: 'array', default: [] });
    expect(schema.properties.requiredKeys).not.toHaveProperty('minItems');
    expect(schema.properties.constructorExpression!.default).toBe('CheckpointManager(checkpoint_dir)');
    expect(schema.properties.pythonRoot).not.toHaveProperty('pattern');
  });
});

describe('answersTable', () => {
  it('has the five columns and one row per question, in order', async () => {
    const rows = (await formatMarkdown(answersTable())).trim().split('\n');
    expect(cells(rows[0]!)).toEqual(['answer', 'CLI option', 'allowed values', 'default', 'what it means']);
    expect(rows).toHaveLength(QUESTIONS.length + 2);
    QUESTIONS.forEach((question, index) => {
      const row = cells(rows[index + 2]!);
      expect(row).toHaveLength(5);
      expect(row[0]).toBe(`\`${question.name}\``);
      expect(row[1]).toBe(`\`--${optionName(question.name)}\``);
      expect(row[4]).toBe(question.help);
    });
    const byName = new Map(rows.slice(2).map((row) => [cells(row)[0], cells(row)]));
    expect(byName.get('`className`')?.[1]).toBe('`--class-name`');
    expect(byName.get('`format`')?.[2]).toBe('`pickle`, `json`, `torch`');
    expect(byName.get('`format`')?.[3]).toBe('`pickle`');
    expect(byName.get('`module`')?.[2]).toBe('a dotted Python import path such as my_pkg.checkpoints');
    expect(byName.get('`pythonRoot`')?.[2]).toBe('text');
    expect(byName.get('`constructorExpression`')?.[3]).toBe('`CheckpointManager(checkpoint_dir)`');
  });

  it('escapes | so a cell cannot split, and is stable under Prettier', async () => {
    const piped = {
      ...QUESTIONS.find((question) => question.name === 'module')!,
      help: 'either a | b',
      pattern: { source: '^(a|b)$', allowed: '`a` | `b`' },
    };
    const once = await formatMarkdown(answersTable([piped] as never));
    const row = cells(once.trim().split('\n')[2]!);
    expect(row).toHaveLength(5);
    expect(row[2]).toBe('`a` \\| `b`');
    expect(row[4]).toBe('either a \\| b');
    expect(await formatMarkdown(once)).toBe(once);
  });
});

describe('committed docs', () => {
  it('schema/answers.schema.json is what answersSchema() gives', () => {
    const committed: unknown = JSON.parse(readFileSync(path.join(ROOT, 'schema/answers.schema.json'), 'utf8'));
    expect(committed).toEqual(answersSchema());
  });

  it('the table between the markers of docs/answers.md is answersTable() after Prettier', async () => {
    const readme = readFileSync(path.join(ROOT, 'docs/answers.md'), 'utf8');
    expect(readmeTable(readme)).toBe((await formatMarkdown(answersTable())).trim());
  });
});

describe('schema and checkAnswerMapping agree', () => {
  it('both accept a full valid answers object', () => {
    const answers = validAnswers();
    expect(Object.keys(answers)).toHaveLength(QUESTIONS.length);
    expect(Object.values(answers)).not.toContain(undefined);
    const validate = compiled();
    expect(validate({ $schema: './schema/answers.schema.json', ...answers }), JSON.stringify(validate.errors)).toBe(
      true,
    );
    expect(checkAnswerMapping(answers, 'test answers', 'Fix them.')).toEqual(answers);
  });

  it.each(BAD.map((bad) => [bad.label, bad] as const))('both reject %s', (_label, bad) => {
    const validate = compiled();
    expect(validate(bad.answers())).toBe(false);
    expect(validate.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ keyword: bad.keyword, instancePath: bad.at })]),
    );
    if (bad.keyword === 'additionalProperties') {
      expect(validate.errors?.[0]?.params).toEqual({ additionalProperty: bad.key });
    }
    let thrown: unknown;
    try {
      checkAnswerMapping(bad.answers(), 'test answers', 'Fix them.');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toContain(`\`${bad.key}\``);
  });
});

describe('scripts/sync-docs.mjs', () => {
  const temporary: string[] = [];
  afterEach(() => {
    for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A scratch copy of the repo holding just what the script needs. */
  function scratch(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sync-docs-'));
    temporary.push(dir);
    mkdirSync(path.join(dir, 'scripts'));
    copyFileSync(path.join(ROOT, 'scripts/sync-docs.mjs'), path.join(dir, 'scripts/sync-docs.mjs'));
    copyFileSync(path.join(ROOT, '.prettierrc.json'), path.join(dir, '.prettierrc.json'));
    symlinkSync(path.join(ROOT, 'lib'), path.join(dir, 'lib'), 'dir');
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    return dir;
  }

  const run = (dir: string, ...args: string[]) =>
    spawnSync(process.execPath, [path.join(dir, 'scripts/sync-docs.mjs'), ...args], { encoding: 'utf8' });

  it('--check passes on the repository', () => {
    const result = run(ROOT, '--check');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('creates docs/answers.md and the schema, then --check passes', async () => {
    const dir = scratch();
    const before = run(dir, '--check');
    expect(before.status).toBe(1);
    expect(before.stderr.trim()).toBe(
      'schema/answers.schema.json and docs/answers.md are out of date: run npm run docs',
    );
    expect(run(dir).status).toBe(0);
    const readme = readFileSync(path.join(dir, 'docs/answers.md'), 'utf8');
    expect(readme.startsWith(`## Answers\n\n${START}\n`)).toBe(true);
    expect(readmeTable(readme)).toBe((await formatMarkdown(answersTable())).trim());
    expect(JSON.parse(readFileSync(path.join(dir, 'schema/answers.schema.json'), 'utf8'))).toEqual(answersSchema());
    expect(run(dir, '--check').status).toBe(0);
  });

  it('replaces only the text between the markers, and --check names a stale answers page alone', async () => {
    const dir = scratch();
    expect(run(dir).status).toBe(0);
    const readme = `# Title\n\nIntro.\n\n${START}\n| old | table |\n${END}\n\nMore text.\n`;
    writeFileSync(path.join(dir, 'docs/answers.md'), readme);
    const stale = run(dir, '--check');
    expect(stale.status).toBe(1);
    expect(stale.stderr.trim()).toBe('docs/answers.md is out of date: run npm run docs');
    expect(readFileSync(path.join(dir, 'docs/answers.md'), 'utf8')).toBe(readme);
    expect(run(dir).status).toBe(0);
    const updated = readFileSync(path.join(dir, 'docs/answers.md'), 'utf8');
    expect(updated.startsWith(`# Title\n\nIntro.\n\n${START}\n\n`)).toBe(true);
    expect(updated.endsWith(`\n\n${END}\n\nMore text.\n`)).toBe(true);
    expect(readmeTable(updated)).toBe((await formatMarkdown(answersTable())).trim());
    expect(await formatMarkdown(updated)).toBe(updated);
  });

  it('appends the section to docs/answers.md without markers, keeping the rest', () => {
    const dir = scratch();
    mkdirSync(path.join(dir, 'docs'));
    writeFileSync(path.join(dir, 'docs/answers.md'), '# Title\n\nIntro.\n');
    expect(run(dir).status).toBe(0);
    const updated = readFileSync(path.join(dir, 'docs/answers.md'), 'utf8');
    expect(updated.startsWith(`# Title\n\nIntro.\n\n## Answers\n\n${START}\n\n`)).toBe(true);
    expect(updated.endsWith(`${END}\n`)).toBe(true);
  });
});
