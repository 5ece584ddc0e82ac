/**
 * `checkpoint-tests audit`, through the real CLI and real Python: every
 * finding with its line on files made for it (and none on a clean one), the
 * case ids each test covers decided from what it does, the report on a file
 * shaped like the one the shared audit looked at, `--from-audit` on the
 * shared audit itself, the exit codes, bad input, and gap filling that
 * writes new files beside the user's and never touches theirs.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import helpers, { result as yoResult } from 'yeoman-test';
import { afterAll, describe, expect, it } from 'vitest';
import { casesCovered } from '../lib/audit/coverage.js';
import { parseAuditDocument, readAuditDocument } from '../lib/audit/from-audit.js';
import type { TestFact } from '../lib/audit/read.js';
import { catalogueFamilies } from '../lib/catalogue.js';
import { FAMILIES } from '../lib/families/index.js';
import { generatorPath } from '../lib/paths.js';
import { CATEGORIES, QUESTIONS } from '../lib/questions.js';
import { REPO_ROOT, makeSampleProject, removeProjects, snapshotTree, storedAnswers } from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';
import { KEYS, findPythonWithPytest, runInPty } from './helpers/pty.js';

const FIXTURES = 'test/fixtures/audit';
const FINDINGS_FILE = `${FIXTURES}/findings/test_findings.py`;
const CLEAN_FILE = `${FIXTURES}/clean/test_clean.py`;
const EXAMPLE = 'examples/audited/test_model_manager_checkpoint_and_artifacts.py';
const SHARED_AUDIT = `${FIXTURES}/shared-audit.md`;

const scratch = mkdtempSync(path.join(tmpdir(), 'checkpoint-tests-audit-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  removeProjects();
});

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

interface JsonFinding {
  kind: string;
  line: number;
  lines?: number[];
  file: string;
  message: string;
}
interface JsonAudit {
  audit?: {
    findings: JsonFinding[];
    tests: { name: string; line: number; cases: { id: string; partial?: string }[]; shadowed: boolean }[];
    totals: { functions: number; running: number };
    binding: { module?: string; className?: string };
  };
  fromAudit?: { families: string[]; asks: { text: string; family?: { name: string; cases?: string[] } }[] };
  selection: { preselected: string[]; available: string[]; unavailable: string[] };
}

const audits = new Map<string, Promise<JsonAudit>>();

/** A prompt as the test adapter sees it. */
interface PromptSeen {
  name: string;
  type: string;
  default: unknown;
  choices?: { value: string }[];
}

/** `checkpoint-tests audit ARGS --json`, run once a set of arguments and shared by the tests that read it. */
function auditJson(args: string[], cwd = REPO_ROOT): Promise<JsonAudit> {
  const key = `${cwd}\0${args.join('\0')}`;
  let shown = audits.get(key);
  if (!shown) {
    shown = runInProcess(['audit', ...args, '--json'], cwd).then((result) => {
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as JsonAudit;
    });
    audits.set(key, shown);
  }
  return shown;
}

/** The lines of a file marked `# expect: <kind>`, by kind. */
function expectedFindings(file: string): Map<string, number[]> {
  const expected = new Map<string, number[]>();
  readFileSync(path.join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const kind = /# expect: ([a-z-]+)/.exec(text)?.[1];
      if (kind) expected.set(kind, [...(expected.get(kind) ?? []), index + 1]);
    });
  return expected;
}

/** The 1-based line of the first line of `file` that contains `text` (after `after`). */
function lineOf(file: string, text: string, after = 0): number {
  const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
  const index = lines.findIndex((line, at) => at >= after && line.includes(text));
  expect(index, `${text} in ${file}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

/** Like lineOf, but 0 when there is no such line (after `after`). */
function lineOfOptional(file: string, text: string, after = 0): number {
  const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
  return lines.findIndex((line, at) => at >= after && line.includes(text)) + 1;
}

describe.concurrent('audit findings', () => {
  it('finds each planted finding at its line, and nothing else', async () => {
    const { audit } = await auditJson([FINDINGS_FILE]);
    const expected = expectedFindings(FINDINGS_FILE);
    expect([...expected.keys()].sort()).toEqual([
      'duplicate-name',
      'missing-fixture',
      'mixed-mock-styles',
      'mixed-mocking',
      'mkdtemp',
      'no-assertion',
      'sleep',
    ]);
    const found = new Map<string, number[]>();
    for (const finding of audit!.findings) {
      expect(finding.file).toBe(FINDINGS_FILE);
      const lines = finding.kind.startsWith('mixed-mock') ? finding.lines! : [finding.line];
      found.set(finding.kind, [...(found.get(finding.kind) ?? []), ...lines]);
    }
    expect(Object.fromEntries(found)).toEqual(Object.fromEntries(expected));
  });

  it('names what is wrong in each message', async () => {
    const { audit } = await auditJson([FINDINGS_FILE]);
    const message = (kind: string) => audit!.findings.filter((finding) => finding.kind === kind).map((f) => f.message);
    expect(message('missing-fixture')).toEqual([
      expect.stringContaining('fixture `tracker_disabled`'),
      expect.stringContaining('fixture `no_such_setup`'), // through @pytest.mark.usefixtures
    ]);
    expect(message('mixed-mocking')[0]).toMatch(/`SPECS` is mocked in 3 ways/);
    expect(message('mixed-mocking')[0]).toMatch(/__getitem__\.return_value/);
    // One object replaced three ways: each way with the tests and lines that use it.
    expect(message('mixed-mock-styles')).toEqual([
      expect.stringMatching(/^`wandb` is mocked 3 different ways across tests \(/),
    ]);
    const styles = message('mixed-mock-styles')[0]!;
    expect(styles).toContain(
      `@patch decorator in test_wandb_by_decorator (line ${lineOf(FINDINGS_FILE, '@patch("registry.wandb")')}), test_wandb_by_decorator_again (line`,
    );
    expect(styles).toContain(
      `monkeypatch in test_wandb_by_monkeypatch (line ${lineOf(FINDINGS_FILE, 'monkeypatch.setattr(registry')})`,
    );
    expect(styles).toContain(
      `fixture \`mock_wandb\` in test_wandb_by_fixture (line ${lineOf(FINDINGS_FILE, 'def test_wandb_by_fixture(')})`,
    );
    // `features` is replaced by the decorator alone, in every test: consistent, so not reported.
    expect(audit!.findings.filter((finding) => finding.kind === 'mixed-mock-styles').map((f) => f.message)).not.toEqual(
      expect.arrayContaining([expect.stringContaining('`features`')]),
    );
    expect(message('duplicate-name')).toEqual([
      expect.stringMatching(
        /`test_in_class` is defined again at line \d+ in class TestGroup; it replaces the one at line \d+/,
      ),
      expect.stringMatching(/`test_defined_twice` is defined again at line \d+; it replaces the one at line \d+/),
    ]);
  });

  it('finds nothing wrong in a clean file', async () => {
    const { audit } = await auditJson([CLEAN_FILE]);
    expect(audit!.findings).toEqual([]);
  });

  it('decides case ids from what each test calls and asserts, not from its name', async () => {
    const { audit } = await auditJson([CLEAN_FILE]);
    const covered = Object.fromEntries(audit!.tests.map((test) => [test.name, test.cases.map((c) => c.id)]));
    expect(covered).toEqual({
      test_resume_latest_loads_the_newest: ['R1', 'R5'],
      test_resume_with_nothing_saved_gives_none: ['R2'],
      test_explicit_path_loads_that_file: ['R3'],
      test_missing_path_raises: ['R4'],
      test_round_trip: ['R8'],
      // Trains after the load and compares: R11 (and it saves and loads, compared: R8).
      test_training_goes_on_after_a_resume: ['R8', 'R11'],
      test_step_zero_is_saved: ['R9'],
      test_resume_none_starts_fresh: ['R12'],
      test_publish_logs_one_artifact: ['A1'],
      test_saves_record_their_format_version: ['V1'],
      test_version_one_checkpoint_loads_in_the_new_shape: ['V2'],
      test_newer_version_is_refused: ['C7', 'V3'],
      // Named like R1, but it checks a sum: it covers nothing.
      test_resume_latest_named_but_checks_a_sum: [],
    });
    expect(audit!.binding).toMatchObject({ module: 'sample_trainer.manager', className: 'CheckpointManager' });
  });
});

describe('audit of a file shaped like the audited one', () => {
  // A project of its own: a report is written inside the project it audits.
  const project = path.join(scratch, 'audited-project');
  const report = path.join(project, 'example.audit.md');
  let markdown = '';

  it('writes a Markdown report with the sections of the shared audit', async () => {
    cpSync(path.join(REPO_ROOT, path.dirname(EXAMPLE)), path.join(project, path.dirname(EXAMPLE)), { recursive: true });
    const result = await runInProcess(['audit', EXAMPLE, '--report', 'example.audit.md'], project);
    expect(result.code, result.stderr).toBe(0);
    markdown = readFileSync(report, 'utf8');
    for (const heading of [
      '# Test Audit: ',
      '## Summary',
      '- **Total Functions**: 16 (15 run: 1 shadowed',
      '- **Total Lines**: ',
      '### Function-Level Breakdown',
      '| Function | Lines | Cases Covered | Issues |',
      '### Issues Found',
      '#### Missing Coverage',
      '### Recommendations',
      '#### High Priority',
      '#### Medium Priority',
      '#### Low Priority',
    ]) {
      expect(markdown).toContain(heading);
    }
    // The terminal table says the same.
    expect(result.stdout).toMatch(/16 test functions \(15 run\)/);
  });

  it('names the issues of the shared audit, with their lines', () => {
    const text = flat(markdown);
    // Fixture Parameter Naming: the missing mock_wandb_disabled.
    expect(text).toContain(
      `**Missing fixture** (${EXAMPLE}, Line ${lineOf(EXAMPLE, 'mock_wandb_disabled,')}): \`test_create_model_artifact_file_missing\` asks for fixture \`mock_wandb_disabled\``,
    );
    expect(text).toContain('**Fix Fixture Reference**: `mock_wandb_disabled`');
    // Inconsistent Mock Access Pattern: FEATURE_SPECS three ways.
    const styles = [
      lineOf(EXAMPLE, 'mock_features.FEATURE_SPECS = {'),
      lineOf(EXAMPLE, '__getitem__.return_value'),
      lineOf(EXAMPLE, 'mock_features.FEATURE_SPECS["core46"] ='),
    ].sort((a, b) => a - b);
    const mixed =
      /\*\*Inconsistent mock access pattern\*\* \([^,]+, Lines ([\d, ]+)\): `FEATURE_SPECS` is mocked in 3 ways/.exec(
        text,
      );
    expect(mixed, text).not.toBeNull();
    const lines = mixed![1]!.split(', ').map(Number);
    for (const line of styles) expect(lines).toContain(line);
    expect(text).toContain('**Standardize Mock Patterns**: `FEATURE_SPECS`');
    // Basic Corruption Testing: only missing keys (C5) are tried.
    expect(text).toMatch(
      /\*\*Enhanced Corruption Testing\*\*: covered: C5; missing: C1 truncated file; C2 empty file; C3 random bytes; C4/,
    );
    expect(text).toMatch(/`test_load_checkpoint_corrupted_data` \(line \d+\) \| \d+ \| C5 \|/);
  });

  it('lists the missing coverage of the shared audit', () => {
    const missing = flat(markdown.split('#### Missing Coverage')[1]!.split('### Recommendations')[0]!);
    expect(missing).toContain('P1 large save and load throughput'); // performance of large model saves
    expect(missing).toContain('P2 peak memory during save'); // memory pressure
    expect(missing).toMatch(/K1 concurrent writers, threads; K2 concurrent writers, processes/); // concurrent access
    expect(missing).toMatch(/A4 partly \(only a generic exception is raised; the tracker and network errors/); // network failures
    expect(missing).toContain('V1 every checkpoint records a format version'); // versioning and migration
    expect(missing).toContain('X1 spaces and non-ASCII characters in paths'); // cross-platform
  });

  it('reports the same object mocked in different ways across tests, with the tests and lines', () => {
    // The shared audit's anti-pattern "Inconsistent Mocking": wandb is patched by a decorator in the
    // artifact tests, and asked for as the fixture mock_wandb_disabled in another.
    const text = flat(markdown);
    const decorators: number[] = [];
    for (let at = 0, line; (line = lineOfOptional(EXAMPLE, '@patch("model_manager.wandb")', at)); at = line)
      decorators.push(line);
    expect(decorators.length).toBe(5);
    const fixture = lineOf(EXAMPLE, 'mock_wandb_disabled,');
    const finding =
      /\*\*Same object mocked different ways\*\* \([^,]+, Lines ([\d, ]+)\): `wandb` is mocked 2 different ways across tests \(([^)]*\)[^)]*\)[^:]*)\)/.exec(
        text,
      );
    expect(finding, text).not.toBeNull();
    expect(finding![1]!.split(', ').map(Number)).toEqual([...decorators, fixture].sort((a, b) => a - b));
    expect(text).toContain(`@patch decorator in test_create_model_artifact_success (line ${decorators[0]})`);
    expect(text).toContain(
      `fixture \`mock_wandb_disabled\` in test_create_model_artifact_file_missing (line ${fixture})`,
    );
    expect(text).toMatch(
      /### Anti-Patterns Detected 1\. \*\*Inconsistent Mocking\*\*: the same object is mocked in different ways across tests: `wandb` in `test_create_model_artifact_success`, .*`test_create_model_artifact_file_missing`/,
    );
    expect(text).toMatch(/\*\*Standardize Mock Patterns\*\*: `FEATURE_SPECS` \(lines [\d, ]+\), `wandb` \(lines /);
    // The tests involved say so in the breakdown.
    expect(markdown).toMatch(
      /\| `test_create_model_artifact_file_missing` \(line \d+\) \|[^\n]*Same object mocked different ways \(wandb\)/,
    );
  });

  it('also finds the shadowed duplicate the shared audit lists twice without noticing', () => {
    const first = lineOf(EXAMPLE, 'def test_create_model_artifact_wandb_inactive(');
    const second = lineOf(EXAMPLE, 'def test_create_model_artifact_wandb_inactive(', first);
    expect(flat(markdown)).toContain(
      `**Shadowed test (duplicate name)** (${EXAMPLE}, Line ${second}): \`test_create_model_artifact_wandb_inactive\` is defined again at line ${second}; it replaces the one at line ${first}, which never runs`,
    );
    expect(markdown).toContain(
      `| \`test_create_model_artifact_wandb_inactive\` (line ${first}) | 15 | none: never runs |`,
    );
    expect(markdown).toContain('**Rename Shadowed Tests**');
  });
});

describe('--from-audit', () => {
  // The family of each catalogue letter, by the name its generator has when this version has one.
  const nameOf = (letter: string) => catalogueFamilies().find((family) => family.letter === letter)!.name;
  const PRESELECTED = ['A', 'C', 'K', 'P', 'V', 'X'].map(nameOf);

  it('names each family as CASES.md does, or as its generator does once there is one', () => {
    const catalogue = {
      A: 'artifact',
      C: 'corruption',
      K: 'concurrency',
      P: 'performance',
      V: 'versioning',
      X: 'paths',
    };
    for (const [letter, name] of Object.entries(catalogue)) {
      const built = FAMILIES.find((family) => family.cases.some((spec) => spec.id.startsWith(letter)));
      expect(nameOf(letter)).toBe(built?.name ?? name);
    }
  });

  it('reads the shared audit, mangled emoji and all', () => {
    const text = readFileSync(path.join(REPO_ROOT, SHARED_AUDIT), 'utf8');
    expect(text).toContain('#### Missing Coverage ‚ùå'); // the file as the team has it
    const shared = '/work/shared/audit/test_model_manager_checkpoint_and_artifacts.audit.md';
    if (existsSync(shared)) expect(sha(path.join(REPO_ROOT, SHARED_AUDIT))).toBe(sha(shared));
  });

  it('preselects the corruption, concurrency, artifact-failure, performance, memory, versioning and cross-platform families', () => {
    const asks = readAuditDocument(path.join(REPO_ROOT, SHARED_AUDIT));
    expect(asks.families).toEqual(PRESELECTED);
    const familyOf = (words: string) => asks.asks.find((ask) => ask.text.startsWith(words))?.family;
    expect(familyOf('Enhanced Corruption Testing')?.name).toBe(nameOf('C'));
    expect(familyOf('Concurrent Access Testing')?.name).toBe(nameOf('K'));
    expect(familyOf('Network Failure Testing')).toMatchObject({ name: nameOf('A'), cases: ['A4', 'A5', 'A6'] });
    expect(familyOf('Performance Testing')).toMatchObject({ name: nameOf('P'), cases: ['P1'] });
    expect(familyOf('Memory Testing')).toMatchObject({ name: nameOf('P'), cases: ['P2'] });
    expect(familyOf('Checkpoint versioning and migration')?.name).toBe(nameOf('V'));
    expect(familyOf('Cross-platform compatibility')?.name).toBe(nameOf('X'));
    // Asks that are not case families are read, and map to none.
    expect(familyOf('Fix Fixture Reference: Replace mock_wandb_disabled')).toBeUndefined();
    expect(familyOf('Standardize Mock Patterns')).toBeUndefined();
  });

  it('reports the families this version lacks as not available, and drops none', async () => {
    const shown = await auditJson(['--from-audit', SHARED_AUDIT]);
    expect(shown.selection.preselected).toEqual(PRESELECTED);
    expect(shown.selection.available).toEqual(PRESELECTED.filter((name) => CATEGORIES.includes(name as never)));
    expect(shown.selection.unavailable).toEqual(PRESELECTED.filter((name) => !CATEGORIES.includes(name as never)));
    const result = await runInProcess(['audit', '--from-audit', SHARED_AUDIT], REPO_ROOT);
    expect(result.code, result.stderr).toBe(0);
    if (shown.selection.unavailable.length > 0) {
      expect(flat(result.stdout)).toContain(`not available in this version: ${shown.selection.unavailable.join(', ')}`);
    }
    expect(result.stdout).toMatch(/Memory Testing: Test behavior under memory constraints\s+->\s+performance \(P2\)/);
  });

  it('refuses a document with none of the sections', () => {
    expect(() => parseAuditDocument('# Notes\n\n- nothing here\n', 'notes.md')).toThrow(/no "Missing Coverage"/);
  });
});

// One after the other: each run takes the project's lock (REPO_ROOT here), and four at once on a busy
// machine wait longer than the lock's 20 s.
describe('exit codes for CI', () => {
  it('--fail-on issues exits 1 when there are findings, 0 when there are none', async () => {
    const failing = await runInProcess(['audit', FINDINGS_FILE, '--json', '--fail-on', 'issues'], REPO_ROOT);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toHaveProperty('audit');
    expect(flat(failing.stderr)).toMatch(/^checkpoint-tests: the audit of .* found 9 issues .* --fail-on issues/);
    const passing = await runInProcess(['audit', CLEAN_FILE, '--json', '--fail-on', 'issues'], REPO_ROOT);
    expect(passing.code, passing.stderr).toBe(0);
  });

  it('--fail-on gaps exits 1 when catalogue cases are missing', async () => {
    const result = await runInProcess(['audit', CLEAN_FILE, '--json', '--fail-on', 'gaps'], REPO_ROOT);
    expect(result.code).toBe(1);
    expect(flat(result.stderr)).toMatch(/catalogue cases not covered \(R6, R7/);
  });

  it('refuses an unknown gate with exit code 2', async () => {
    const result = await runInProcess(['audit', CLEAN_FILE, '--fail-on', 'everything'], REPO_ROOT);
    expect(result.code).toBe(2);
    expect(flat(result.stderr)).toContain('--fail-on is "everything", but it must be gaps, issues, or gaps,issues');
  });
});

describe.concurrent('bad input', () => {
  const bad = path.join(scratch, 'bad');
  mkdirSync(path.join(bad, 'empty'), { recursive: true });
  writeFileSync(path.join(bad, 'empty', 'notes.txt'), 'no tests\n');
  writeFileSync(path.join(bad, 'notes.txt'), 'not python\n');
  writeFileSync(path.join(bad, 'test_syntax.py'), 'import pytest\n\ndef test_a(:\n    assert True\n');
  writeFileSync(path.join(bad, 'test_binary.py'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));

  const cases: { title: string; args: string[]; says: RegExp }[] = [
    {
      title: 'a path that does not exist',
      args: ['nowhere/test_x.py'],
      says: /The path to audit, nowhere\/test_x\.py, does not exist/,
    },
    { title: 'a file that is not Python', args: ['notes.txt'], says: /notes\.txt is not a Python file/ },
    {
      title: 'a syntax error, with its line',
      args: ['test_syntax.py'],
      says: /test_syntax\.py is not valid Python: invalid syntax at line 3 \(`def test_a\(:`\)/,
    },
    { title: 'binary content', args: ['test_binary.py'], says: /test_binary\.py is not Python source: not UTF-8 text/ },
    { title: 'a folder with no tests', args: ['empty'], says: /The folder empty holds no pytest files/ },
    { title: 'no path at all', args: [], says: /needs a pytest file or a folder of them/ },
    {
      title: 'an audit document that does not exist',
      args: ['--from-audit', 'missing.md'],
      says: /missing\.md \(--from-audit\) cannot be read: it does not exist/,
    },
  ];
  it.each(cases.map((c) => [c.title, c] as const))('%s: exit code 2 and one clear paragraph', async (_title, c) => {
    const result = await runInProcess(['audit', ...c.args], bad);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim()).toMatch(/^checkpoint-tests: /);
    expect(result.stderr).not.toMatch(/^ {4}at /m);
    expect(flat(result.stderr)).toMatch(c.says);
  });
});

describe.concurrent('fixtures pytest lists', () => {
  /** A project whose test uses a fixture only `pytest --fixtures` knows (from a plugin module its conftest names). */
  function project(name: string, pytestIni?: string): string {
    const root = path.join(scratch, `listed-${name}`);
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'conftest.py'), 'pytest_plugins = ["team_fixtures"]\n');
    writeFileSync(
      path.join(root, 'team_fixtures.py'),
      'import pytest\n\n\n@pytest.fixture\ndef team_folder(tmp_path):\n    return tmp_path / "team"\n',
    );
    writeFileSync(
      path.join(root, 'test_team.py'),
      'def test_folder_is_named(team_folder):\n    assert team_folder.name == "team"\n',
    );
    if (pytestIni) writeFileSync(path.join(root, 'pytest.ini'), pytestIni);
    return root;
  }
  const missingFixtures = async (root: string) => {
    const shown = await auditJson(['test_team.py'], root);
    return shown.audit!.findings.filter((finding) => finding.kind === 'missing-fixture');
  };

  it("finds a plugin module's fixture, with Hypothesis's plugin left out when nothing names Hypothesis", async () => {
    expect(await missingFixtures(project('plain'))).toEqual([]);
  });

  it("keeps Hypothesis's plugin when pytest's configuration names it (its options would not parse)", async () => {
    const root = project('hypothesis-options', '[pytest]\naddopts = --hypothesis-show-statistics\n');
    expect(await missingFixtures(root)).toEqual([]);
  });
});

describe.concurrent('gap filling', () => {
  const EXISTING = [
    'from sample_trainer.manager import CheckpointManager',
    '',
    '',
    'def test_latest(tmp_path):',
    '    manager = CheckpointManager(tmp_path)',
    '    manager.save({"w": 1}, 1)',
    '    manager.save({"w": 2}, 2)',
    '    assert manager.resume("latest") == {"w": 2}',
    '',
  ].join('\n');

  function project(withConftest = false): { root: string; user: string; before: string } {
    const root = makeSampleProject('checkpoint-tests-audit-');
    mkdirSync(path.join(root, 'tests'));
    const user = path.join(root, 'tests', 'test_existing.py');
    writeFileSync(user, EXISTING);
    if (withConftest) writeFileSync(path.join(root, 'tests', 'conftest.py'), "# the team's own conftest\n");
    return { root, user, before: sha(user) };
  }

  it('writes the missing families into the output folder, bound to what they import, and leaves the file alone', async () => {
    const { root, user, before } = project();
    const result = await runInProcess(['audit', 'tests/test_existing.py', '--yes'], root);
    expect(result.code, result.stderr).toBe(0);
    for (const file of ['conftest.py', 'checkpoint_adapter.py', 'README.md', 'test_resume.py']) {
      expect(existsSync(path.join(root, 'tests', 'checkpoint', file)), file).toBe(true);
      // Never straight into tests/, among the user's own files.
      expect(existsSync(path.join(root, 'tests', file)), file).toBe(false);
    }
    expect(sha(user)).toBe(before);
    expect(readFileSync(path.join(root, 'tests', 'checkpoint', 'checkpoint_adapter.py'), 'utf8')).toContain(
      'from sample_trainer.manager import CheckpointManager',
    );
    expect(storedAnswers(root)).toMatchObject({
      module: 'sample_trainer.manager',
      className: 'CheckpointManager',
      // Every family is missing from a file that tests one resume case: all are offered and chosen.
      categories: expect.arrayContaining([...CATEGORIES]),
      outputDir: 'tests/checkpoint',
    });
    expect(result.stderr).toMatch(/pytest collected \d+ tests in tests\/checkpoint/);
    // Only what is missing: the case the existing test covers (R1) is left out, the rest written.
    expect(storedAnswers(root)).toMatchObject({ coveredCases: ['R1'] });
    const written = readFileSync(path.join(root, 'tests', 'checkpoint', 'test_resume.py'), 'utf8');
    expect(written).not.toMatch(/^def test_r1_/m);
    expect(written).toMatch(/^def test_r2_/m);
    expect(result.stdout + result.stderr).toMatch(/R1 +left out +your existing tests cover it/);
  });

  it("follows --output-dir, and leaves the team's own conftest beside the tests alone", async () => {
    const { root, user, before } = project(true);
    const conftest = sha(path.join(root, 'tests', 'conftest.py'));
    const result = await runInProcess(
      ['audit', 'tests/test_existing.py', '--yes', '--output-dir', 'tests/gaps', '--skip-checks'],
      root,
    );
    expect(result.code, result.stderr).toBe(0);
    for (const file of ['conftest.py', 'README.md', 'test_resume.py']) {
      expect(existsSync(path.join(root, 'tests', 'gaps', file)), file).toBe(true);
    }
    expect(existsSync(path.join(root, 'tests', 'test_resume.py'))).toBe(false);
    expect(existsSync(path.join(root, 'tests', 'checkpoint'))).toBe(false);
    expect(sha(path.join(root, 'tests', 'conftest.py'))).toBe(conftest);
    expect(sha(user)).toBe(before);
    expect(storedAnswers(root)).toMatchObject({ outputDir: 'tests/gaps' });
  });

  it('without a terminal or --yes, reports and writes nothing but the report', async () => {
    const { root } = project();
    const result = await runInProcess(['audit', 'tests/test_existing.py'], root);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(path.join(root, 'tests', 'test_resume.py'))).toBe(false);
    expect(existsSync(path.join(root, 'tests', 'checkpoint'))).toBe(false);
    expect(existsSync(path.join(root, 'tests', 'test_existing.audit.md'))).toBe(true);
    expect(flat(result.stderr)).toContain('add --yes to write them as preselected');
  });

  it('in a terminal, offers the missing families preselected, and with no import asks each op as a picker of what the tests call', async () => {
    const prompts: { name: string; type: string; default: unknown; choices?: string[] }[] = [];
    await helpers
      .run(generatorPath('audit'))
      .inTmpDir((dir) => {
        mkdirSync(path.join(dir, 'tests'));
        writeFileSync(path.join(dir, 'tests', 'test_existing.py'), EXISTING);
      })
      .withArguments(['tests/test_existing.py'])
      .withOptions({ skipChecks: true } as never)
      .withAnswers({}, {
        throwOnMissingAnswer: false,
        callback: (answer: unknown, { question }: { question: PromptSeen }) => {
          prompts.push({
            name: question.name,
            type: question.type,
            default: question.default,
            choices: question.choices?.map((choice) => choice.value),
          });
          return answer;
        },
      } as never);
    const asked = yoResult.askedQuestions;
    // The file covers one resume case: every family this version has is missing something, so all are checked.
    expect(asked[0]!.name).toBe('families');
    expect([...(asked[0]!.answer as string[])].sort()).toEqual([...CATEGORIES].sort());
    const names = asked.map((question) => question.name);
    for (const inferred of ['module', 'className', 'categories', 'outputDir', 'coveredCases']) {
      expect(names).not.toContain(inferred);
    }
    // --skip-checks imports nothing: the methods the tests call on the manager stand for the class. Each op
    // is a picker of those (and none), never free text, and its default is one of them.
    const ops = prompts.filter((prompt) => /^(save|load|latest|resume|publish|prune)Op$/.test(prompt.name));
    expect(ops.map((prompt) => prompt.name)).toEqual([
      'saveOp',
      'loadOp',
      'latestOp',
      'resumeOp',
      'publishOp',
      'pruneOp',
    ]);
    for (const prompt of ops) {
      expect(prompt.type, prompt.name).toBe('select');
      expect(prompt.choices, prompt.name).toEqual(['save', 'resume', 'none']);
      expect(prompt.choices, prompt.name).toContain(prompt.default);
    }
    expect(Object.fromEntries(ops.map((prompt) => [prompt.name, prompt.default]))).toMatchObject({
      saveOp: 'save',
      resumeOp: 'resume',
      loadOp: 'none',
      latestOp: 'none',
    });
    yoResult.assertFile([
      'tests/checkpoint/conftest.py',
      'tests/checkpoint/checkpoint_adapter.py',
      'tests/checkpoint/test_resume.py',
    ]);
    yoResult.assertNoFile(['tests/conftest.py', 'tests/test_resume.py']);
    yoResult.assertFileContent('tests/test_existing.py', EXISTING);
  });

  it("is the second answer of the app generator's first question", async () => {
    const start = QUESTIONS[0]!;
    expect(start.name).toBe('start');
    expect(start.default({})).toBe('new');
    expect(start.kind === 'enum' && start.choices.map((choice) => choice.value)).toEqual(['new', 'audit']);
    const { root, user, before } = project();
    // --skip-checks: the checks of a gap fill are the first test's; this one is about the way in.
    const result = await runInProcess(
      ['--start', 'audit', '--audit-path', 'tests/test_existing.py', '--yes', '--skip-checks'],
      root,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Audit of tests/test_existing.py');
    expect(existsSync(path.join(root, 'tests', 'checkpoint', 'test_resume.py'))).toBe(true);
    expect(sha(user)).toBe(before);
  });
});

describe('coverage is credited only to a test that calls the op the case needs', () => {
  /** The facts python/audit.py gives of a test, reduced to what the rules read. */
  function fact(calls: { name: string; args?: TestFact['calls'][number]['args'] }[], asserts: string[]): TestFact {
    return {
      name: 'test_x',
      class: null,
      line: 1,
      start: 1,
      end: 9,
      lines: 9,
      fixtures: [],
      calls: calls.map((call, index) => ({
        name: call.name,
        dotted: `manager.${call.name}`,
        base: 'object',
        line: index + 2,
        args: call.args ?? [],
        keywords: {},
      })),
      patches: [],
      raises: [],
      side_effects: [],
      asserts: asserts.length,
      assert_texts: asserts,
      mock_asserts: [],
      identifiers: ['manager'],
      strings: [],
      ints: [],
      threads: false,
      processes: false,
      hypothesis: false,
      slices: 0,
    };
  }
  const ids = (test: TestFact, binding = {}) => casesCovered(test, binding).map((covered) => covered.id);
  // Two checkpoints saved, then a load with no path asserted on: shaped like R1, but no resume nor latest.
  const loadsNewest = fact(
    [
      {
        name: 'save_checkpoint',
        args: [
          { kind: 'name', value: 'agent' },
          { kind: 'int', value: 1 },
        ],
      },
      {
        name: 'save_checkpoint',
        args: [
          { kind: 'name', value: 'agent' },
          { kind: 'int', value: 2 },
        ],
      },
      { name: 'load_checkpoint', args: [{ kind: 'name', value: 'agent' }] },
    ],
    ['step == 2'],
  );

  it('a load with no path is not R1: R1 needs the resume or latest op', () => {
    expect(ids(loadsNewest)).not.toContain('R1');
    expect(
      ids(loadsNewest, { save: 'save_checkpoint', load: 'load_checkpoint', resume: 'handle_checkpoint_resume' }),
    ).not.toContain('R1');
    // Bound as the resume op (the code resumes through it), the same test does exercise R1.
    expect(ids(loadsNewest, { save: 'save_checkpoint', resume: 'load_checkpoint' })).toContain('R1');
  });

  it('R8 needs the save and load ops as bound: a save through another method does not count', () => {
    const roundTrip = fact(
      [
        { name: 'save_final_model', args: [{ kind: 'name', value: 'state' }] },
        { name: 'load_checkpoint', args: [{ kind: 'name', value: 'path' }] },
      ],
      ['loaded == state'],
    );
    // By names alone, save_final_model reads as a save.
    expect(ids(roundTrip)).toContain('R8');
    expect(ids(roundTrip, { save: 'save_checkpoint', load: 'load_checkpoint' })).not.toContain('R8');
    expect(ids(roundTrip, { save: 'save_final_model', load: 'load_checkpoint' })).toContain('R8');
  });

  it('the cases left uncredited are written by the gap fill', async () => {
    const root = makeSampleProject('checkpoint-tests-audit-');
    mkdirSync(path.join(root, 'tests'));
    writeFileSync(
      path.join(root, 'tests', 'test_posing.py'),
      [
        'from sample_trainer.manager import CheckpointManager',
        '',
        '',
        'def test_load_with_no_path_gives_the_newest(tmp_path):',
        '    """Shaped like R1, but it never calls resume nor latest."""',
        '    manager = CheckpointManager(tmp_path)',
        '    manager.save({"w": 1}, 1)',
        '    manager.save({"w": 2}, 2)',
        '    assert manager.load()',
        '',
        '',
        'def test_export_round_trip(tmp_path):',
        '    """Shaped like R8, but it saves through another method than save."""',
        '    manager = CheckpointManager(tmp_path)',
        '    path = manager.save_final({"w": [1, 2]}, 3)',
        '    assert manager.load(path) == {"w": [1, 2]}',
        '',
      ].join('\n'),
    );
    const { audit } = await auditJson(['tests/test_posing.py'], root);
    expect(audit!.tests.map((test) => [test.name, test.cases.map((c) => c.id)])).toEqual([
      ['test_load_with_no_path_gives_the_newest', []],
      ['test_export_round_trip', []],
    ]);
    const result = await runInProcess(['audit', 'tests/test_posing.py', '--yes'], root);
    expect(result.code, result.stderr).toBe(0);
    expect(storedAnswers(root)).toMatchObject({
      saveOp: 'save',
      loadOp: 'load',
      resumeOp: 'resume',
      latestOp: 'latest',
    });
    expect(storedAnswers(root).coveredCases).not.toEqual(expect.arrayContaining(['R1']));
    expect(storedAnswers(root).coveredCases).not.toEqual(expect.arrayContaining(['R8']));
    const written = readFileSync(path.join(root, 'tests', 'checkpoint', 'test_resume.py'), 'utf8');
    expect(written).toMatch(/^def test_r1_/m);
    expect(written).toMatch(/^def test_r8_/m);
  });
});

describe("the gap fill of the seed's audited file", () => {
  // The audited file imports `model_manager`, which the seed does not ship: a small one shaped like the
  // ModelManager its tests call (and with a plain `save` besides the tests' save_checkpoint).
  const MODEL_MANAGER = [
    '"""A model manager shaped like the one the audited tests exercise."""',
    '',
    'import os',
    'import pickle',
    '',
    '',
    'class ModelManager:',
    '    def __init__(self, checkpoint_dir):',
    '        self.checkpoint_dir = str(checkpoint_dir)',
    '        self.resumed_from = None',
    '',
    '    def save(self, state, step):',
    '        return self.save_checkpoint(state, step)',
    '',
    '    def save_checkpoint(self, state, step):',
    '        os.makedirs(self.checkpoint_dir, exist_ok=True)',
    '        path = os.path.join(self.checkpoint_dir, f"checkpoint_{step}.pt")',
    '        with open(path, "wb") as handle:',
    '            pickle.dump(state, handle)',
    '        return path',
    '',
    '    def save_final_model(self, state):',
    '        return self.save_checkpoint(state, 0)',
    '',
    '    def load_checkpoint(self, path):',
    '        with open(path, "rb") as handle:',
    '            return pickle.load(handle)',
    '',
    '    def find_newest_checkpoint(self):',
    '        return None',
    '',
    '    def handle_checkpoint_resume(self, source):',
    '        return None',
    '',
    '    def create_model_artifact(self, path, name, metadata=None, aliases=None):',
    '        return False',
    '',
  ].join('\n');
  const CLASS_METHODS = [
    'create_model_artifact',
    'find_newest_checkpoint',
    'handle_checkpoint_resume',
    'load_checkpoint',
    'save',
    'save_checkpoint',
    'save_final_model',
  ];

  function seedProject(dir: string): void {
    cpSync(path.join(REPO_ROOT, path.dirname(EXAMPLE)), path.join(dir, path.dirname(EXAMPLE)), { recursive: true });
    writeFileSync(path.join(dir, 'model_manager.py'), MODEL_MANAGER);
  }

  it('reports the mixed mocking, and writes its gap fill into the output folder', async () => {
    const root = path.join(scratch, 'seed-gap-fill');
    mkdirSync(root, { recursive: true });
    seedProject(root);
    const audited = path.join(root, path.dirname(EXAMPLE));
    const before = new Set(Object.keys(snapshotTree(audited)));
    const result = await runInProcess(['audit', EXAMPLE, '--yes'], root);
    expect(result.code, result.stderr).toBe(0);
    expect(flat(result.stdout)).toMatch(
      /`wandb` is mocked 2 different ways across tests \(@patch decorator in test_create_model_artifact_success \(line \d+\).*; fixture `mock_wandb_disabled` in test_create_model_artifact_file_missing \(line \d+\)\)/,
    );
    for (const file of ['conftest.py', 'checkpoint_adapter.py', 'README.md', 'test_resume.py', 'test_artifact.py']) {
      expect(existsSync(path.join(root, 'tests', 'checkpoint', file)), file).toBe(true);
    }
    // Beside the audited file, only its report is new.
    const after = Object.keys(snapshotTree(audited)).filter(
      (name) => !before.has(name) && !name.includes('__pycache__'),
    );
    expect(after).toEqual([path.basename(EXAMPLE).replace(/\.py$/, '.audit.md')]);
    expect(storedAnswers(root)).toMatchObject({
      outputDir: 'tests/checkpoint',
      saveOp: 'save',
      loadOp: 'load_checkpoint',
      latestOp: 'find_newest_checkpoint',
      resumeOp: 'handle_checkpoint_resume',
      publishOp: 'create_model_artifact',
    });
    // load_checkpoint(agent, missing) is not the resume op: R4 is written, not credited.
    expect(storedAnswers(root).coveredCases).toEqual(expect.arrayContaining(['R1', 'R3', 'A1']));
    expect(storedAnswers(root).coveredCases).not.toEqual(expect.arrayContaining(['R4']));
  });

  it("asks an op in doubt as a picker of the class's methods, with a default the class has", async () => {
    const prompts: PromptSeen[] = [];
    await helpers
      .run(generatorPath('audit'))
      .inTmpDir((dir) => seedProject(dir))
      .withArguments([EXAMPLE])
      .withOptions({ python: findPythonWithPytest() } as never)
      .withAnswers({}, {
        throwOnMissingAnswer: false,
        callback: (answer: unknown, { question }: { question: PromptSeen }) => {
          prompts.push(question);
          return answer;
        },
      } as never);
    const ops = prompts.filter((prompt) => /Op$/.test(prompt.name));
    // The tests save with save_checkpoint, the class also has save: in doubt, so asked.
    expect(ops.map((prompt) => prompt.name)).toContain('saveOp');
    for (const prompt of ops) {
      expect(prompt.type, prompt.name).toBe('select');
      // Besides the class's methods and none, a picker offers to type a path (its value starts with NUL).
      const methods = prompt.choices!.map((choice) => String(choice.value)).filter((value) => !value.startsWith('\0'));
      expect(methods.sort(), prompt.name).toEqual([...CLASS_METHODS, 'none'].sort());
      expect(CLASS_METHODS, prompt.name).toContain(prompt.default);
    }
    expect(ops.find((prompt) => prompt.name === 'saveOp')!.default).toBe('save');
    yoResult.assertFile(['tests/checkpoint/test_resume.py', 'tests/checkpoint/conftest.py']);
  });

  it('Ctrl-C at a question after the audit leaves nothing behind', async () => {
    const root = path.join(scratch, 'seed-cancel');
    mkdirSync(root, { recursive: true });
    seedProject(root);
    const files = () =>
      Object.keys(snapshotTree(root))
        .filter((name) => !name.includes('__pycache__'))
        .sort();
    const before = files();
    const result = await runInPty({
      args: ['audit', EXAMPLE, '--python', findPythonWithPytest()],
      cwd: root,
      timeout: 90,
      steps: [
        { expect: 'Write the missing case families', send: KEYS.enter },
        // An answer given (in the main flow it would be kept in .yo-rc.json), then cancelled at the summary.
        { expect: 'Which method', send: KEYS.enter },
        { expect: 'Which experiment tracker', send: KEYS.enter },
        { expect: 'Build the suite from these answers\\?', send: KEYS.ctrlC },
        { expect: 'cancelled' },
      ],
    });
    expect(result.error, result.text.slice(-2000)).toBeNull();
    expect(result.exit_code).toBe(130);
    expect(result.text).toContain('checkpoint-tests: cancelled; nothing was written.');
    expect(result.text).not.toMatch(/kept in \.yo-rc\.json/);
    // Nothing: no report, no .yo-rc.json, no suite, no .benchmarks from reading the tests.
    expect(files()).toEqual(before);
  });
});
