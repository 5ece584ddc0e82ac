import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../lib/answers.js';
import { decideCases } from '../lib/cases.js';
import { coverageTable } from '../lib/report.js';

async function answersWith(options: Record<string, unknown>) {
  return resolveAnswers(
    { options: { module: 'pkg.ckpt', ...options }, file: {}, stored: {} },
    { inScope: () => true, yes: true, askAnswered: false },
  );
}

describe('coverageTable', () => {
  it('lists the chosen families case by case and the others on one line', async () => {
    const table = coverageTable(decideCases(await answersWith({ categories: ['resume'] })));
    expect(table).toMatch(/^R5 +generated +/m);
    expect(table).not.toMatch(/^V1 /m);
    expect(table).not.toContain('family was not chosen');
    expect(table).toMatch(/^Families not chosen: corruption \(C1–C9\), .*stateful \(S1\)/m);
  });

  it('keeps one line a case when no width is given (piped output)', async () => {
    const cases = decideCases(await answersWith({}));
    const table = coverageTable(cases);
    const rows = table.split('\n').filter((line) => /^[A-Z]\d+ /.test(line));
    expect(rows).toHaveLength(cases.length);
  });

  it.each([60, 80, 120])('fits a terminal %i columns wide, wrapping only the last column', async (columns) => {
    const cases = decideCases(await answersWith({ format: 'torch' }));
    const table = coverageTable(cases, columns);
    const lines = table.split('\n');
    // Every line fits, but for a single word longer than the column (none in our texts).
    expect(lines.filter((line) => line.length > columns)).toEqual([]);
    // Every case still has its row, and continuation lines start under the last column.
    expect(lines.filter((line) => /^[A-Z]\d+ /.test(line))).toHaveLength(cases.length);
    const indent = lines.find((line) => line.startsWith('case'))!.indexOf('what it checks');
    for (const line of lines.filter((text) => /^ +\S/.test(text))) {
      expect(line.length - line.trimStart().length).toBe(indent);
    }
  });
});
