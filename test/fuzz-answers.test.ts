/**
 * Issue 17's fuzz test: 1,000 random answers files in the full tier (`npm run
 * test:all`), the first 250 of them in the quick one (`npm test`); seeded, so a
 * failure is reproducible by its case number: random keys, types, sizes and encodings,
 * invalid UTF-8, byte order marks, huge strings, nested junk, YAML and JSON.
 * Every run must end in exit 0 or 2, with no stack trace, no output over
 * 64 KB, and nothing written unless it exits 0. The runs go through the CLI's
 * `main` in-process (a cold Node start per run would take half an hour); a
 * few go through the real bin too, and must print and write the same.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { QUESTIONS } from '../lib/questions.js';
import { type CliResult, runCli, snapshotTree } from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';
import { byTier } from './helpers/tier.js';

const CASES = byTier(250, 1_000);
const SEED = 0x17_17;
const MAX_OUTPUT = 64 * 1024;

const scratch = mkdtempSync(path.join(tmpdir(), 'i17-fuzz-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** mulberry32: a small seeded PRNG, so every run of this test tries the same files. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Fuzzer {
  constructor(private readonly random: () => number) {}

  int(below: number): number {
    return Math.floor(this.random() * below);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Text from a mix of alphabets: ASCII, shell and YAML metacharacters, controls, non-Latin, emoji. */
  text(maxLength: number): string {
    const alphabets = [
      'abcdefghijklmnopqrstuvwxyz_.',
      '0123456789',
      ' \t\n\r',
      '$`\'"\\;|&<>(){}[]*?!#%:,-=@~^',
      '\u0000\u0001\u001b\u007f\u0085\u2028\u2029\ufeff\ufffd',
      'éüßøñ測試кириллица',
      '🎉💥🙂',
    ];
    const length = this.int(maxLength + 1);
    let out = '';
    for (let index = 0; index < length; index++) out += this.pick([...this.pick(alphabets)]);
    return out;
  }

  /** A value of any JSON type, nested up to `depth`. */
  value(question: (typeof QUESTIONS)[number] | undefined, depth = 0): unknown {
    const roll = this.random();
    if (question && roll < 0.45) return this.plausible(question);
    if (roll < 0.6) return this.text(this.chance(0.05) ? 300_000 : 40);
    if (roll < 0.68) return this.pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, 42]);
    if (roll < 0.74) return this.chance(0.5);
    if (roll < 0.78) return null;
    if (roll < 0.9 || depth > 3) {
      return Array.from({ length: this.int(depth > 3 ? 2 : 6) }, () =>
        depth > 3 ? this.text(8) : this.value(undefined, depth + 1),
      );
    }
    return Object.fromEntries(
      Array.from({ length: this.int(5) }, () => [this.key(), this.value(undefined, depth + 1)]),
    );
  }

  /** A value shaped like the question's: a choice, a list of choices, its default, or a near miss. */
  plausible(question: (typeof QUESTIONS)[number]): unknown {
    if (question.kind === 'enum') return this.chance(0.8) ? this.pick(question.choices).value : this.text(12);
    if (question.kind === 'list') {
      const values = question.choices.map((choice) => choice.value);
      return Array.from({ length: this.int(4) }, () => (this.chance(0.9) ? this.pick(values) : this.text(6)));
    }
    const fallback = question.default({});
    const near = ['class', 'None', '0', '-1', '1e400', '9'.repeat(400), 'src\\app', '../up', '/abs', '', ' ', 'a.b'];
    return this.chance(0.5) && fallback !== undefined ? fallback : this.pick(near);
  }

  key(): string {
    const roll = this.random();
    if (roll < 0.7) return this.pick(QUESTIONS).name;
    if (roll < 0.75)
      return this.pick(['__proto__', 'constructor', 'toString', '$schema', 'preset', 'generatorVersion']);
    return this.text(this.chance(0.02) ? 100_000 : 20);
  }

  /** The bytes of one answers file, and its name (the extension picks JSON or YAML). */
  answersFile(): { name: string; bytes: Buffer } {
    const answers: Record<string, unknown> = {};
    if (this.chance(0.6)) answers.module = this.chance(0.85) ? 'sample_trainer.manager' : this.text(30);
    // Few families keep the successful runs quick.
    if (this.chance(0.7)) answers.categories = [this.pick(['paths', 'retention', 'versioning'])];
    for (let count = this.int(this.chance(0.05) ? 200 : 6); count > 0; count--) {
      const key = this.key();
      answers[key] = this.value(QUESTIONS.find((question) => question.name === key));
    }
    const asJson = this.chance(0.5);
    const name = asJson ? 'answers.json' : this.pick(['answers.yaml', 'answers.yml']);
    let text: string;
    const shape = this.random();
    if (shape < 0.08) {
      text = this.text(200); // junk
    } else if (shape < 0.12) {
      text = JSON.stringify(this.value(undefined)); // not a mapping, or a mapping of junk
    } else if (asJson) {
      text = JSON.stringify(answers, null, this.chance(0.5) ? 2 : undefined);
      if (this.chance(0.1)) text = text.replace('{', `{"module": "x.y", `); // a key given twice, sometimes
    } else {
      text = YAML.stringify(answers, { lineWidth: 0 });
      if (this.chance(0.1)) text = this.pick(['!!binary ', '!custom ', '&a ', '*a ', '? ', '- ']) + text;
      if (this.chance(0.05)) text += `\n${Object.keys(answers)[0] ?? 'module'}: again\n`;
    }
    if (this.chance(0.1)) text = text.slice(0, this.int(text.length + 1)); // truncated
    let bytes = Buffer.from(text, 'utf8');
    if (this.chance(0.1)) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]); // BOM
    if (this.chance(0.05)) {
      // Invalid UTF-8: a lone continuation byte, an overlong form, a cut sequence.
      const junk = this.pick([[0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xff, 0xfe]]);
      const at = this.int(bytes.length + 1);
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(junk), bytes.subarray(at)]);
    }
    if (this.chance(0.02)) bytes = Buffer.from(text, 'utf16le'); // another encoding altogether
    return { name, bytes };
  }
}

/** A fresh folder holding only the answers file. */
function caseFolder(index: number, file: { name: string; bytes: Buffer }, label = 'case'): string {
  const folder = path.join(scratch, `${label}-${index}`);
  mkdirSync(folder);
  writeFileSync(path.join(folder, file.name), file.bytes);
  return folder;
}

const ARGS = (file: string) => ['--answers', file, '--yes', '--skip-checks'];

function checkRun(index: number, result: CliResult, folder: string, before: Record<string, string>): void {
  const where = `case ${index} (seed ${SEED}): exit ${result.code}\n${result.stderr.slice(0, 2000)}`;
  expect([0, 2], where).toContain(result.code);
  expect(result.stderr, where).not.toMatch(/^\s+at /m);
  expect(result.stdout, where).not.toMatch(/^\s+at /m);
  expect(result.stderr, where).not.toMatch(/failed unexpectedly|This is a bug|Warning:/);
  expect(result.stdout.length + result.stderr.length, where).toBeLessThanOrEqual(MAX_OUTPUT);
  if (result.code !== 0) expect(snapshotTree(folder), where).toEqual(before);
}

describe('random answers files', () => {
  it(`${CASES} seeded files end in exit 0 or 2, one short paragraph, nothing written unless 0`, async () => {
    const fuzz = new Fuzzer(prng(SEED));
    const outcomes = { 0: 0, 2: 0 } as Record<number, number>;
    for (let index = 0; index < CASES; index++) {
      const file = fuzz.answersFile();
      const folder = caseFolder(index, file);
      const before = snapshotTree(folder);
      const result = await runInProcess(ARGS(file.name), folder);
      checkRun(index, result, folder, before);
      outcomes[result.code!] = (outcomes[result.code!] ?? 0) + 1;
      rmSync(folder, { recursive: true, force: true });
    }
    // A fuzzer whose files all fail (or all pass) would prove little.
    expect(outcomes[0]).toBeGreaterThan(CASES * 0.05);
    expect(outcomes[2]).toBeGreaterThan(CASES * 0.3);
  }, 900_000);

  it('the real bin prints, exits and writes the same as the in-process runs', async () => {
    const fuzz = new Fuzzer(prng(SEED + 1));
    const seen = new Set<number | null>();
    // Two known outcomes first (one good file, one bad), then random ones.
    const files = [
      { name: 'answers.yaml', bytes: Buffer.from('\uFEFFmodule: sample_trainer.manager\ncategories: [paths]\n') },
      { name: 'answers.json', bytes: Buffer.from('{"module": "sample_trainer.manager", "module": "x.y"}') },
      ...Array.from({ length: 8 }, () => fuzz.answersFile()),
    ];
    for (const [index, file] of files.entries()) {
      const inProcess = caseFolder(index, file, 'in-process');
      const real = caseFolder(index, file, 'bin');
      const viaMain = await runInProcess(ARGS(file.name), inProcess);
      const viaBin = await runCli(ARGS(file.name), real, 180_000);
      const same = (text: string, folder: string) => text.replaceAll(folder, '<project>');
      expect(viaBin.code, `case ${index}`).toBe(viaMain.code);
      expect(same(viaBin.stderr, real), `case ${index}`).toBe(same(viaMain.stderr, inProcess));
      expect(same(viaBin.stdout, real), `case ${index}`).toBe(same(viaMain.stdout, inProcess));
      expect(snapshotTree(real)).toEqual(snapshotTree(inProcess));
      seen.add(viaMain.code);
    }
    expect([...seen].sort()).toEqual([0, 2]);
  }, 900_000);
});
