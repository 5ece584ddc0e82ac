/** The terminal table of which case ids were generated and why others were left out. */
import type { CaseDecision } from './cases.js';

export function coverageTable(cases: readonly CaseDecision[]): string {
  const rows = cases.map((decision) => [
    decision.id,
    decision.generated ? (decision.partly ? 'partly' : 'generated') : 'left out',
    decision.generated
      ? decision.partly
        ? `${decision.title}; left out: ${decision.partly}`
        : decision.title
      : (decision.reason ?? ''),
  ]);
  const header = ['case', 'status', 'what it checks / why it was left out'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const generated = cases.filter((decision) => decision.generated).length;
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    `${generated} of ${cases.length} cases generated.`,
  ].join('\n');
}
