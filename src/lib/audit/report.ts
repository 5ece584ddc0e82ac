/**
 * The audit of a set of pytest files as data (`AuditReport`, which `--json`
 * prints as it is), and its renderings: a terminal table, and a Markdown report
 * with the sections of the audit in the team's shared folder.
 */
import path from 'node:path';
import { type CatalogueFamily, catalogueFamilies, familyOfCase } from '../catalogue.js';
import { type Covered, type InferredBinding, type OpBinding, casesCovered, inferBinding } from './coverage.js';
import type { AuditFacts, Finding, FindingKind } from './read.js';

export type Priority = 'high' | 'medium' | 'low';

export interface AuditedTest {
  file: string;
  name: string;
  class: string | null;
  line: number;
  lines: number;
  cases: Covered[];
  /** A later test of the same name replaces this one: it never runs, and covers nothing. */
  shadowed: boolean;
  issues: string[];
}

export interface FamilyCoverage {
  letter: string;
  family: string;
  title: string;
  testing: string;
  /** Whether this version of checkpoint-tests generates the family. */
  available: boolean;
  covered: string[];
  partial: { id: string; why: string }[];
  missing: { id: string; title: string }[];
}

export interface Recommendation {
  priority: Priority;
  title: string;
  detail: string;
  /** The family that would fill the gap, when the recommendation is one. */
  family?: string;
}

export interface AuditReport {
  target: string;
  files: { path: string; lines: number; tests: number }[];
  totals: { functions: number; running: number; lines: number; issues: number; casesCovered: number; cases: number };
  fixturesFrom: string;
  tests: AuditedTest[];
  findings: (Finding & { file: string })[];
  coverage: FamilyCoverage[];
  recommendations: Recommendation[];
  /** Families with gaps, in catalogue order: preselected (those this version can write are offered). */
  preselected: string[];
  binding: InferredBinding;
}

const FINDING_TITLES: Record<FindingKind, string> = {
  'missing-fixture': 'Missing fixture',
  'duplicate-name': 'Shadowed test (duplicate name)',
  'mixed-mocking': 'Inconsistent mock access pattern',
  'mixed-mock-styles': 'Same object mocked different ways',
  'no-assertion': 'Test asserts nothing',
  sleep: 'time.sleep in a test',
  mkdtemp: 'tempfile.mkdtemp without cleanup',
};

const FINDING_PRIORITY: Record<FindingKind, Priority> = {
  'missing-fixture': 'high',
  'duplicate-name': 'high',
  'mixed-mocking': 'high',
  'mixed-mock-styles': 'high',
  'no-assertion': 'high',
  sleep: 'medium',
  mkdtemp: 'medium',
};

/** Families whose gaps are medium priority (the rest are low), as in the shared audit. */
const CORE_LETTERS = new Set(['R', 'A', 'C', 'K', 'T', 'F']);

export function buildReport(target: string, facts: AuditFacts, cwd: string, families = catalogueFamilies()): AuditReport {
  const rel = (file: string) => path.relative(cwd, file) || file;
  // A test covers a case only when it calls the method of the op the case needs, as the tests bind it.
  const binding = inferBinding(
    facts.files.flatMap((file) => [...file.imports, ...(file.conftest_imports ?? [])]),
    facts.files.flatMap((file) => file.tests),
  );
  const tests: AuditedTest[] = [];
  const findings: (Finding & { file: string })[] = [];
  for (const file of facts.files) {
    const shadowedLines = new Set(file.findings.filter((f) => f.kind === 'duplicate-name').map((f) => f.related));
    for (const finding of file.findings) findings.push({ ...finding, file: rel(file.path) });
    for (const test of file.tests) {
      const shadowed = shadowedLines.has(test.line);
      const issues = file.findings
        .filter((finding) => finding.test === test.name && (finding.line >= test.start && finding.line <= test.end))
        .map((finding) => FINDING_TITLES[finding.kind]);
      for (const finding of file.findings) {
        if (finding.kind === 'mixed-mocking' && finding.lines?.some((line) => line >= test.start && line <= test.end)) {
          issues.push(`${FINDING_TITLES[finding.kind]} (${finding.object})`);
        }
        if (
          finding.kind === 'mixed-mock-styles' &&
          finding.tests?.includes(test.name) &&
          finding.lines?.some((line) => line >= test.start && line <= test.end)
        ) {
          issues.push(`${FINDING_TITLES[finding.kind]} (${finding.object})`);
        }
      }
      if (shadowed) issues.push(`Shadowed: replaced by the test of the same name below; never runs`);
      tests.push({
        file: rel(file.path),
        name: test.name,
        class: test.class,
        line: test.line,
        lines: test.lines,
        cases: casesCovered(test, binding.ops),
        shadowed,
        issues,
      });
    }
  }
  const running = tests.filter((test) => !test.shadowed);
  const coverage: FamilyCoverage[] = families.map((family) => familyCoverage(family, running));
  const recommendations = recommend(findings, coverage);
  const totalCases = coverage.reduce((sum, family) => sum + family.covered.length + family.partial.length + family.missing.length, 0);
  return {
    target,
    files: facts.files.map((file) => ({ path: rel(file.path), lines: file.lines, tests: file.tests.length })),
    totals: {
      functions: tests.length,
      running: running.length,
      lines: facts.files.reduce((sum, file) => sum + file.lines, 0),
      issues: findings.length,
      casesCovered: coverage.reduce((sum, family) => sum + family.covered.length, 0),
      cases: totalCases,
    },
    fixturesFrom: facts.pytest_fixtures
      ? `pytest --fixtures (${facts.pytest_fixtures.length} fixtures from pytest and its plugins), the conftest files in scope and the file itself`
      : `pytest's built-in fixtures, the conftest files in scope and the file itself (pytest --fixtures ${facts.pytest_error ? `failed: ${facts.pytest_error}` : 'was not run'})`,
    tests,
    findings,
    coverage,
    recommendations,
    preselected: coverage
      .filter((family) => family.missing.length > 0 || family.partial.length > 0)
      .map((family) => family.family),
    binding,
  };
}

/**
 * The case ids the running tests fully cover when the ops are bound as the
 * gap-filling suite binds them (its answers' methods, `none` for an op the
 * code lacks): a case is credited only to a test that calls the method the
 * case's op is bound to.
 */
export function casesCoveredUnder(facts: AuditFacts, binding: OpBinding): string[] {
  const covered = new Set<string>();
  for (const file of facts.files) {
    const shadowed = new Set(file.findings.filter((f) => f.kind === 'duplicate-name').map((f) => f.related));
    for (const test of file.tests) {
      if (shadowed.has(test.line)) continue;
      for (const found of casesCovered(test, binding)) if (!found.partial) covered.add(found.id);
    }
  }
  return [...covered];
}

function familyCoverage(family: CatalogueFamily, tests: readonly AuditedTest[]): FamilyCoverage {
  const full = new Set<string>();
  const partial = new Map<string, string>();
  for (const test of tests) {
    for (const covered of test.cases) {
      if (familyOfCase(covered.id)?.letter !== family.letter) continue;
      if (covered.partial) {
        if (!partial.has(covered.id)) partial.set(covered.id, covered.partial);
      } else full.add(covered.id);
    }
  }
  for (const id of full) partial.delete(id);
  return {
    letter: family.letter,
    family: family.name,
    title: family.title,
    testing: family.testing,
    available: Boolean(family.implementation),
    covered: family.cases.filter((spec) => full.has(spec.id)).map((spec) => spec.id),
    partial: [...partial].map(([id, why]) => ({ id, why })),
    missing: family.cases.filter((spec) => !full.has(spec.id) && !partial.has(spec.id)),
  };
}

function howToFill(family: FamilyCoverage): string {
  return family.available
    ? `generate them with \`checkpoint-tests ${family.family}\` (offered after this report)`
    : `the ${family.family} family is not available in this version of checkpoint-tests`;
}

function recommend(findings: readonly (Finding & { file: string })[], coverage: readonly FamilyCoverage[]): Recommendation[] {
  const recs: Recommendation[] = [];
  const byKind = (kind: FindingKind) => findings.filter((finding) => finding.kind === kind);
  const where = (list: readonly (Finding & { file: string })[]) =>
    list.map((finding) => `${finding.file}:${finding.line}`).join(', ');
  const missing = byKind('missing-fixture');
  if (missing.length > 0) {
    recs.push({
      priority: 'high',
      title: 'Fix Fixture Reference',
      detail: `${[...new Set(missing.map((f) => `\`${f.fixture}\``))].join(', ')} (${where(missing)}): define it in a conftest.py in scope, or use the fixture that exists; until then the test errors at setup.`,
    });
  }
  const duplicates = byKind('duplicate-name');
  if (duplicates.length > 0) {
    recs.push({
      priority: 'high',
      title: 'Rename Shadowed Tests',
      detail: `${duplicates.map((f) => `\`${f.test}\` (line ${f.related}, replaced at line ${f.line})`).join(', ')}: give each test its own name, or the earlier one never runs.`,
    });
  }
  // Access patterns first (the shared audit's wording), then objects replaced by different means.
  const mixed = [...byKind('mixed-mocking'), ...byKind('mixed-mock-styles')];
  if (mixed.length > 0) {
    recs.push({
      priority: 'high',
      title: 'Standardize Mock Patterns',
      detail: `${mixed.map((f) => `\`${f.object}\` (lines ${f.lines?.join(', ')})`).join(', ')}: mock each object one way, from one shared fixture.`,
    });
  }
  const silent = byKind('no-assertion');
  if (silent.length > 0) {
    recs.push({
      priority: 'high',
      title: 'Assert Something',
      detail: `${silent.map((f) => `\`${f.test}\` (line ${f.line})`).join(', ')} pass whatever the code does: assert the outcome.`,
    });
  }
  const sleeps = byKind('sleep');
  if (sleeps.length > 0) {
    recs.push({
      priority: 'medium',
      title: 'Remove Sleeps',
      detail: `time.sleep at ${where(sleeps)}: wait on an event or a bounded condition instead.`,
    });
  }
  const temps = byKind('mkdtemp');
  if (temps.length > 0) {
    recs.push({
      priority: 'medium',
      title: 'Use tmp_path',
      detail: `tempfile.mkdtemp without cleanup at ${where(temps)}: pytest's tmp_path is made and removed for you.`,
    });
  }
  for (const family of coverage) {
    if (family.missing.length === 0 && family.partial.length === 0) continue;
    const touched = family.covered.length > 0 || family.partial.length > 0;
    const gaps = [
      ...family.partial.map((entry) => `${entry.id} (partly: ${entry.why})`),
      ...family.missing.map((entry) => `${entry.id} ${entry.title}`),
    ];
    recs.push({
      priority: CORE_LETTERS.has(family.letter) ? 'medium' : 'low',
      title: `${touched ? 'Enhanced ' : ''}${family.testing} Testing`,
      detail: `${touched ? `covered: ${family.covered.join(', ') || 'none fully'}; ` : ''}missing: ${gaps.join('; ')}; ${howToFill(family)}.`,
      family: family.family,
    });
  }
  const order: Record<Priority, number> = { high: 0, medium: 1, low: 2 };
  return recs.sort((a, b) => order[a.priority] - order[b.priority]);
}

// -- renderings ----------------------------------------------------------------

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

const caseList = (cases: readonly Covered[]) =>
  cases.map((covered) => (covered.partial ? `${covered.id} (partly)` : covered.id)).join(', ') || '-';

export function terminalReport(report: AuditReport): string {
  const multi = report.files.length > 1;
  const rows = report.tests.map((test) => [
    `${multi ? `${test.file}::` : ''}${test.class ? `${test.class}::` : ''}${test.name}`,
    String(test.line),
    String(test.lines),
    test.shadowed ? '- (never runs)' : caseList(test.cases),
    test.issues.join('; ') || '-',
  ]);
  const lines = [
    `Audit of ${report.target}: ${report.totals.functions} test functions (${report.totals.running} run), ${report.totals.lines} lines, ${report.totals.issues} issues, ${report.totals.casesCovered} of ${report.totals.cases} catalogue cases covered.`,
    '',
    ...table(['test', 'line', 'lines', 'cases covered', 'issues'], rows),
    '',
  ];
  if (report.findings.length > 0) {
    lines.push('Issues:');
    for (const finding of report.findings) lines.push(`  ${finding.file}:${finding.line}  ${finding.message}`);
    lines.push('');
  }
  const gaps = report.coverage.filter((family) => family.missing.length > 0 || family.partial.length > 0);
  if (gaps.length > 0) {
    lines.push('Missing coverage:');
    for (const family of gaps) {
      const ids = [...family.partial.map((entry) => `${entry.id} (partly)`), ...family.missing.map((entry) => entry.id)];
      lines.push(`  ${family.family.padEnd(12)} ${ids.join(', ')}${family.available ? '' : '  (not available in this version)'}`);
    }
  }
  return lines.join('\n');
}

const PRIORITY_HEADINGS: Record<Priority, string> = {
  high: 'High Priority',
  medium: 'Medium Priority',
  low: 'Low Priority',
};

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function markdownReport(report: AuditReport): string {
  const t = report.totals;
  const out: string[] = [`# Test Audit: ${report.target}`, '', '## Summary'];
  out.push(
    `- **Total Functions**: ${t.functions}${t.functions !== t.running ? ` (${t.running} run: ${t.functions - t.running} shadowed by a later test of the same name)` : ''}`,
    `- **Total Lines**: ${t.lines}`,
    `- **Files**: ${report.files.map((file) => `\`${file.path}\``).join(', ')}`,
    `- **Issues Found**: ${t.issues}`,
    `- **Catalogue Cases Covered**: ${t.casesCovered} of ${t.cases}`,
    `- **Fixtures Resolved Against**: ${report.fixturesFrom}`,
    '',
    '## Test Analysis',
    '',
    '### Function-Level Breakdown',
    '',
    '| Function | Lines | Cases Covered | Issues |',
    '|----------|-------|---------------|--------|',
  );
  for (const test of report.tests) {
    out.push(
      `| \`${test.class ? `${test.class}::` : ''}${test.name}\` (line ${test.line}${report.files.length > 1 ? `, ${test.file}` : ''}) | ${test.lines} | ${test.shadowed ? 'none: never runs' : cell(caseList(test.cases))} | ${cell(test.issues.join('; ') || 'None')} |`,
    );
  }
  out.push('', '### Issues Found', '');
  if (report.findings.length === 0) out.push('None.');
  for (const priority of ['high', 'medium'] as const) {
    const list = report.findings.filter((finding) => FINDING_PRIORITY[finding.kind] === priority);
    if (list.length === 0) continue;
    out.push(`**${priority === 'high' ? 'High' : 'Medium'} Priority Issues:**`, '');
    list.forEach((finding, index) => {
      const lines = finding.lines && finding.lines.length > 1 ? `Lines ${finding.lines.join(', ')}` : `Line ${finding.line}`;
      out.push(`${index + 1}. **${FINDING_TITLES[finding.kind]}** (${finding.file}, ${lines}): ${finding.message}.`);
    });
    out.push('');
  }
  const styles = report.findings.filter((finding) => finding.kind === 'mixed-mock-styles');
  if (styles.length > 0) {
    out.push('### Anti-Patterns Detected', '');
    out.push(
      `1. **Inconsistent Mocking**: the same object is mocked in different ways across tests: ${styles
        .map((finding) => `\`${finding.object}\` in ${finding.tests?.map((name) => `\`${name}\``).join(', ')} (${finding.file}, lines ${finding.lines?.join(', ')})`)
        .join('; ')}.`,
      '',
    );
  }
  out.push('### Test Coverage Analysis', '', '#### Well-Covered Areas', '');
  const covered = report.coverage.filter((family) => family.covered.length > 0);
  if (covered.length === 0) out.push('- None of the catalogue cases.');
  for (const family of covered) out.push(`- ${family.title} (${family.family}): ${family.covered.join(', ')}`);
  out.push('', '#### Missing Coverage', '');
  for (const family of report.coverage) {
    if (family.missing.length === 0 && family.partial.length === 0) continue;
    const parts = [
      ...family.partial.map((entry) => `${entry.id} partly (${entry.why})`),
      ...family.missing.map((entry) => `${entry.id} ${entry.title}`),
    ];
    out.push(`- **${family.title}** (${family.family}${family.available ? '' : ', not available in this version'}): ${parts.join('; ')}`);
  }
  out.push('', '### Recommendations');
  let number = 0;
  for (const priority of ['high', 'medium', 'low'] as const) {
    const list = report.recommendations.filter((rec) => rec.priority === priority);
    if (list.length === 0) continue;
    out.push('', `#### ${PRIORITY_HEADINGS[priority]}`, '');
    for (const rec of list) out.push(`${++number}. **${rec.title}**: ${rec.detail}`);
  }
  out.push(
    '',
    '---',
    '',
    'Written by `checkpoint-tests audit`: case ids are those of the case catalogue (CASES.md), decided from what each test calls, patches, raises and asserts.',
    '',
  );
  return out.join('\n');
}
