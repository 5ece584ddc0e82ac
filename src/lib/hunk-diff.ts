/**
 * The diff a user sees for a changed file (the conflicter's "show the
 * differences", and every changed file under --dry-run): only the changed
 * lines, each hunk with a few lines of context and a `@@ -old +new @@`
 * header, as `git diff` shows it, instead of Yeoman's whole file.
 */
import { Conflicter, type ConflicterOptions } from '@yeoman/conflicter';

/** Lines of unchanged context shown around each change. */
export const DIFF_CONTEXT = 3;

/** A change as the `diff` package's `diffLines` gives it (the conflicter's `conflicterChanges`). */
export interface LineChange {
  value: string;
  added?: boolean;
  removed?: boolean;
}

export interface DiffLine {
  kind: ' ' | '-' | '+';
  text: string;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

/** The lines of a change's value (its final newline ends the last line, it starts none). */
function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The changed lines of `changes`, grouped in hunks with `context` unchanged lines around each. */
export function hunksOf(changes: readonly LineChange[], context = DIFF_CONTEXT): Hunk[] {
  const lines: (DiffLine & { oldNo: number; newNo: number })[] = [];
  let oldNo = 1;
  let newNo = 1;
  for (const change of changes) {
    const kind = change.added ? '+' : change.removed ? '-' : ' ';
    for (const text of splitLines(change.value)) {
      lines.push({ kind, text, oldNo, newNo });
      if (kind !== '+') oldNo += 1;
      if (kind !== '-') newNo += 1;
    }
  }
  const changed = lines.flatMap((line, index) => (line.kind === ' ' ? [] : [index]));
  const hunks: Hunk[] = [];
  let start = -1;
  let end = -1;
  const close = () => {
    const shown = lines.slice(start, end + 1);
    hunks.push({
      oldStart: shown[0]!.oldNo,
      oldLines: shown.filter((line) => line.kind !== '+').length,
      newStart: shown[0]!.newNo,
      newLines: shown.filter((line) => line.kind !== '-').length,
      lines: shown.map(({ kind, text }) => ({ kind, text })),
    });
  };
  for (const index of changed) {
    const from = Math.max(0, index - context);
    const to = Math.min(lines.length - 1, index + context);
    if (start >= 0 && from <= end + 1) {
      end = Math.max(end, to);
      continue;
    }
    if (start >= 0) close();
    start = from;
    end = to;
  }
  if (start >= 0) close();
  return hunks;
}

interface ColoredLine {
  message: string;
  color?: string;
}

interface DiffAdapter {
  log: { colored(lines: ColoredLine[]): unknown };
}

interface DiffFile {
  relativePath?: string;
  path: string;
  binary?: boolean;
  fileModeChanges?: unknown;
  conflicterChanges?: LineChange[];
}

/** The hunks of a file's changes as the adapter's coloured log lines (Yeoman's own colours for - and +). */
export function hunkMessages(name: string, changes: readonly LineChange[], context = DIFF_CONTEXT): ColoredLine[] {
  const messages: ColoredLine[] = [{ message: `\n--- ${name} (now)\n+++ ${name} (new)\n` }];
  for (const hunk of hunksOf(changes, context)) {
    messages.push({ message: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@\n` });
    for (const line of hunk.lines) {
      if (line.kind === ' ') messages.push({ message: ` ${line.text}\n` });
      else messages.push({ message: `${line.kind}${line.text}`, color: line.kind === '+' ? 'added' : 'removed' }, { message: '\n' });
    }
  }
  messages.push({ message: '\n' });
  return messages;
}

type PrintDiff = (this: Conflicter, options: { file: DiffFile; adapter?: DiffAdapter }) => Promise<void>;

/**
 * Yeoman's conflicter, printing hunks instead of the whole file.
 *
 * Every diff it prints (the "d" answer at its prompt, --dry-run, --bail)
 * goes through its `_printDiff`, which is private: its public hooks
 * (`customizeActions`, `diffOptions`) reach only the prompt's answer or the
 * diff algorithm, and neither --dry-run nor --bail asks. So this subclass
 * replaces `_printDiff` on its prototype; test/cli-diff.test.ts pins that a
 * one-line edit prints one hunk, through the real conflicter, so an upgrade
 * of @yeoman/conflicter that renames it fails there. Binary files, mode
 * changes and the whitespace-insensitive word diff keep Yeoman's printing.
 */
export class HunkConflicter extends Conflicter {}

const yeomanPrintDiff = (Conflicter.prototype as unknown as { _printDiff?: PrintDiff })._printDiff;

const printHunks: PrintDiff = async function (this: Conflicter, options) {
  const { file } = options;
  const adapter = options.adapter ?? (this.adapter as unknown as DiffAdapter);
  if (file.binary || file.fileModeChanges || this.ignoreWhitespace || !file.conflicterChanges) {
    return yeomanPrintDiff!.call(this, options);
  }
  adapter.log.colored(hunkMessages(file.relativePath ?? file.path, file.conflicterChanges));
};

if (typeof yeomanPrintDiff === 'function') {
  Object.defineProperty(HunkConflicter.prototype, '_printDiff', { value: printHunks, writable: true, configurable: true });
}

/** `createConflicterTransform` of @yeoman/conflicter, with the hunk-printing conflicter. */
export function createHunkConflicterTransform(
  adapter: ConstructorParameters<typeof Conflicter>[0],
  { yoResolveFileName, ...options }: ConflicterOptions & { yoResolveFileName?: string } = {},
) {
  return new HunkConflicter(adapter, options).createTransform({ yoResolveFileName });
}
