/**
 * The answers-file JSON Schema and the answers table in docs/answers.md, both derived
 * from `QUESTIONS` alone. `npm run docs` (scripts/sync-docs.mjs) writes them to
 * schema/answers.schema.json and docs/answers.md; test/schema.test.ts keeps them in
 * step with the questions and with `checkAnswerMapping`.
 */
import { type Question, QUESTIONS, optionName } from './questions.js';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

function propertySchema(question: Question): Record<string, unknown> {
  const property: Record<string, unknown> = { description: question.help };
  if (question.kind === 'list') {
    property.type = 'array';
    property.items = { type: 'string', enum: question.choices.map((choice) => choice.value) };
    property.uniqueItems = true;
    // At least one item only where an empty list is refused (`categories`; not `requiredKeys`).
    if ((question.validate as ((value: unknown, answers: object) => string | undefined) | undefined)?.([], {})) {
      property.minItems = 1;
    }
  } else {
    property.type = 'string';
    if (question.kind === 'enum') property.enum = question.choices.map((choice) => choice.value);
  }
  if (question.pattern) property.pattern = question.pattern.source;
  const fallback = question.default({});
  if (fallback !== undefined) property.default = Array.isArray(fallback) ? [...fallback] : fallback;
  return property;
}

/** JSON Schema (draft 2020-12) of an answers file: one property per question, nothing else. */
export function answersSchema(): object {
  const properties: Record<string, unknown> = {
    $schema: { description: 'The JSON Schema this file follows, for editors.', type: 'string' },
  };
  for (const question of QUESTIONS) properties[question.name] = propertySchema(question);
  return {
    $schema: DRAFT,
    title: 'checkpoint-tests answers',
    description:
      'Answers for checkpoint-tests (generator-checkpoint-tests), given with --answers as JSON or YAML. Every answer is optional here; missing ones are asked, or taken from their defaults with --yes.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

/** A Markdown table cell: one line, with `|` escaped so it cannot end the cell. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Inline code whose fence is longer than any backtick run inside the value. */
function code(value: string): string {
  const longestRun = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padding = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${padding}${value}${padding}${fence}`;
}

function allowedValues(question: Question): string {
  if (question.kind === 'enum' || question.kind === 'list') {
    const values = question.choices.map((choice) => code(choice.value)).join(', ');
    return question.kind === 'list' ? `one or more of ${values}` : values;
  }
  return question.pattern?.allowed ?? 'text';
}

function defaultValue(question: Question): string {
  const fallback = question.default({});
  if (fallback === undefined) return 'none: must be given';
  if (Array.isArray(fallback)) return fallback.map(code).join(', ');
  return fallback === '' ? 'empty' : code(fallback);
}

/**
 * The answers table of docs/answers.md, one row per question, in question order.
 * Not yet Prettier-formatted: scripts/sync-docs.mjs formats it.
 */
export function answersTable(questions: readonly Question[] = QUESTIONS): string {
  const rows = [
    ['answer', 'CLI option', 'allowed values', 'default', 'what it means'],
    ['---', '---', '---', '---', '---'],
    ...questions.map((question) => [
      code(question.name),
      code(`--${optionName(question.name)}`),
      allowedValues(question),
      defaultValue(question),
      question.help,
    ]),
  ];
  return rows.map((row) => `| ${row.map(cell).join(' | ')} |`).join('\n') + '\n';
}
