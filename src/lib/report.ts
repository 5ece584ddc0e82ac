/** The terminal table of which case ids were generated and why others were left out. */
import type { CaseDecision } from './cases.js';

/** Narrowest the last column gets when wrapped, so a narrow terminal still reads word by word. */
const MIN_WHY_WIDTH = 24;

/** `text` broken at spaces into lines of at most `width` characters (a longer word stands alone). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}

/** `V1`–`V3` for a family's cases, `S1` for one. */
function idRange(cases: readonly CaseDecision[]): string {
  return cases.length === 1 ? cases[0]!.id : `${cases[0]!.id}–${cases.at(-1)!.id}`;
}

/**
 * One row a case of the chosen families; the families not chosen share one
 * line at the end. With `columns` (the terminal's width) the last column
 * wraps to fit; without it (output piped to a file) each case stays on one
 * line, which is what grep wants.
 */
export function coverageTable(cases: readonly CaseDecision[], columns?: number): string {
  const notChosen = new Map<string, CaseDecision[]>();
  const shown: CaseDecision[] = [];
  for (const decision of cases) {
    if (decision.reason === `the ${decision.family} family was not chosen`) {
      notChosen.set(decision.family, [...(notChosen.get(decision.family) ?? []), decision]);
    } else {
      shown.push(decision);
    }
  }
  const rows = shown.map((decision) => [
    decision.id,
    !decision.generated ? 'left out' : decision.partlyLeftOut ? 'in part' : 'generated',
    !decision.generated
      ? (decision.reason ?? '')
      : decision.partlyLeftOut
        ? `${decision.title}; left out: ${decision.partlyLeftOut}`
        : decision.title,
  ]);
  const header = ['case', 'status', 'what it checks / why it was left out'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const indent = widths[0]! + widths[1]! + 4;
  if (columns !== undefined && indent + widths[2]! > columns) {
    widths[2] = Math.max(MIN_WHY_WIDTH, columns - indent);
  }
  const line = (cells: string[]) => {
    const [why, ...more] = wrapWords(cells[2]!, widths[2]!);
    const first = [cells[0]!.padEnd(widths[0]!), cells[1]!.padEnd(widths[1]!), why].join('  ').trimEnd();
    return [first, ...more.map((rest) => `${' '.repeat(indent)}${rest}`)].join('\n');
  };
  const generated = cases.filter((decision) => decision.generated).length;
  const families = [...notChosen].map(([family, decisions]) => `${family} (${idRange(decisions)})`);
  return [
    line(header),
    [widths[0]!, widths[1]!, widths[2]!].map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
    '',
    ...(families.length > 0 ? wrapWords(`Families not chosen: ${families.join(', ')}.`, columns ?? Infinity) : []),
    `${generated} of ${cases.length} cases generated.`,
  ].join('\n');
}
