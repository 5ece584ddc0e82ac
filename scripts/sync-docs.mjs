#!/usr/bin/env node
/**
 * Writes the docs derived from QUESTIONS (run after a build: `npm run docs`):
 *   - schema/answers.schema.json, the JSON Schema of an answers file;
 *   - the answers table in docs/answers.md, between the answers-table markers.
 * Both are formatted with Prettier and the repository's configuration.
 * docs/answers.md without the markers gets an "## Answers" section at its end;
 * everything outside the markers is left as it is.
 *
 * With --check nothing is written: exits 1 naming each file that is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_FILE = 'schema/answers.schema.json';
const ANSWERS_FILE = 'docs/answers.md';
const START = '<!-- answers-table:start -->';
const END = '<!-- answers-table:end -->';

const check = process.argv.includes('--check');

function fail(message) {
  console.error(message);
  process.exit(1);
}

let schemaModule;
try {
  schemaModule = await import('../lib/schema.js');
} catch (error) {
  fail(
    `sync-docs: cannot load lib/schema.js (${error instanceof Error ? error.message.split('\n')[0] : error}): run npm run build first.`,
  );
}
const { answersSchema, answersTable } = schemaModule;

async function formatted(text, file) {
  const filepath = path.join(ROOT, file);
  const config = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(text, { ...config, filepath });
}

function readOrNull(file) {
  const full = path.join(ROOT, file);
  return existsSync(full) ? readFileSync(full, 'utf8') : null;
}

/** The answers page with the table between the markers (added at the end when absent). */
function withTable(readme, table) {
  const block = `${START}\n\n${table.trim()}\n\n${END}`;
  if (readme === null) return `## Answers\n\n${block}\n`;
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  const starts = readme.split(START).length - 1;
  const ends = readme.split(END).length - 1;
  if (starts === 0 && ends === 0) {
    const body = readme.replace(/\s*$/, '');
    return `${body}${body ? '\n\n' : ''}## Answers\n\n${block}\n`;
  }
  if (starts !== 1 || ends !== 1 || end < start) {
    fail(
      `${ANSWERS_FILE} must hold ${START} once, followed by ${END} once (it has ${starts} and ${ends}); fix the markers and run npm run docs again.`,
    );
  }
  return readme.slice(0, start) + block + readme.slice(end + END.length);
}

const schemaText = await formatted(JSON.stringify(answersSchema(), null, 2), SCHEMA_FILE);
const table = await formatted(answersTable(), ANSWERS_FILE);

const wanted = new Map([
  [SCHEMA_FILE, schemaText],
  [ANSWERS_FILE, withTable(readOrNull(ANSWERS_FILE), table)],
]);

const stale = [...wanted].filter(([file, text]) => readOrNull(file) !== text).map(([file]) => file);

if (check) {
  if (stale.length > 0) {
    const names = stale.length === 1 ? `${stale[0]} is` : `${stale.slice(0, -1).join(', ')} and ${stale.at(-1)} are`;
    fail(`${names} out of date: run npm run docs`);
  }
} else {
  for (const file of stale) {
    const full = path.join(ROOT, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, wanted.get(file));
    console.log(`wrote ${file}`);
  }
  if (stale.length === 0) console.log('docs are up to date');
}
