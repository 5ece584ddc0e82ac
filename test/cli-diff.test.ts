/**
 * The conflicter's diff cut to its hunks (src/lib/hunk-diff.ts): the hunks
 * themselves, and the real @yeoman/conflicter printing them, which pins the
 * `_printDiff` replacement (a private method of the conflicter).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HunkConflicter, hunksOf, type LineChange } from '../lib/hunk-diff.js';

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => `line ${from + index}\n`).join('');

describe('hunksOf', () => {
  it('keeps three lines of context around each change, with git-style line numbers', () => {
    const changes: LineChange[] = [
      { value: numbered(1, 99) },
      { value: 'line 100\n', removed: true },
      { value: 'line one hundred\n', added: true },
      { value: numbered(101, 300) },
    ];
    const hunks = hunksOf(changes);
    expect(hunks).toHaveLength(1);
    expect(hunks[0]).toMatchObject({ oldStart: 97, oldLines: 7, newStart: 97, newLines: 7 });
    expect(hunks[0]!.lines.map((line) => `${line.kind}${line.text}`)).toEqual([
      ' line 97',
      ' line 98',
      ' line 99',
      '-line 100',
      '+line one hundred',
      ' line 101',
      ' line 102',
      ' line 103',
    ]);
  });

  it('merges changes whose contexts touch, and keeps distant ones apart', () => {
    const changes: LineChange[] = [
      { value: 'first\n', removed: true },
      { value: numbered(2, 7) },
      { value: 'eighth\n', added: true },
      { value: numbered(8, 50) },
      { value: 'late\n', added: true },
    ];
    const hunks = hunksOf(changes);
    expect(hunks.map((hunk) => [hunk.oldStart, hunk.oldLines, hunk.newStart, hunk.newLines])).toEqual([
      [1, 10, 1, 10],
      [48, 3, 48, 4],
    ]);
  });

  it('has no hunk for an unchanged file', () => {
    expect(hunksOf([{ value: numbered(1, 10) }])).toEqual([]);
  });
});

describe('HunkConflicter', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'checkpoint-tests-diff-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('prints one hunk for a one-line edit of a long file under --dry-run, through the real conflicter', async () => {
    const target = path.join(folder, 'test_long.py');
    writeFileSync(target, numbered(1, 380));
    const printed: string[] = [];
    const adapter = {
      log: Object.assign((...args: unknown[]) => printed.push(args.join(' ')), {
        colored: (lines: { message: string }[]) => printed.push(lines.map((line) => line.message).join('')),
        writeln: (text: string) => printed.push(text),
        conflict: () => undefined,
        skip: () => undefined,
        create: () => undefined,
        identical: () => undefined,
        force: () => undefined,
        info: () => undefined,
      }),
    };
    const conflicter = new HunkConflicter(adapter as never, { dryRun: true, cwd: folder });
    const contents = Buffer.from(numbered(1, 380).replace('line 200\n', 'line two hundred\n'));
    const file = { path: target, contents, stat: null } as never;
    await conflicter.checkForCollision(file);
    const output = printed.join('\n');
    expect(output).toContain('--- test_long.py (now)\n+++ test_long.py (new)\n@@ -197,7 +197,7 @@\n');
    expect(output).toContain('-line 200\n+line two hundred\n');
    expect(output).not.toContain('line 150');
    expect(output.split('\n').length).toBeLessThan(20);
  });
});
