/**
 * Issue 17, hostile and broken input: one test per defect of the "input"
 * half (quoting, team templates, answers files, values, numbers, keywords,
 * locks, pythonRoot, EJS errors, PEP 263). Each failed before the fix.
 * Most runs go through the CLI's `main` in-process (the same output as the
 * bin); the fuzz test proves the two agree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { checkAnswerMapping, loadPreset } from '../lib/answers.js';
import { UsageError } from '../lib/errors.js';
import { answersSchema } from '../lib/schema.js';
import { shellCommand, shellWord, yamlScalar } from '../lib/shell-quote.js';
import { runCommand, templateVariablesDoc } from '../lib/view-model.js';
import { readFacts } from '../lib/audit/read.js';
import {
  CLI,
  type CliResult,
  REPO_ROOT,
  SAMPLE_MODULE,
  makeSampleProject,
  removeProjects,
  snapshotTree,
} from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';
import { findPythonWithPytest } from './helpers/pty.js';

afterAll(() => removeProjects());

const BASE = ['--yes', '--module', SAMPLE_MODULE, '--skip-checks'];
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Exit 2, one paragraph naming each of `says`, no stack trace, never "this is a bug". */
function expectUserError(result: CliResult, says: readonly (string | RegExp)[]): void {
  const shown = `exit ${result.code}\n--- stderr\n${result.stderr}\n--- stdout\n${result.stdout}`;
  expect(result.code, shown).toBe(2);
  expect(result.stderr, shown).not.toMatch(/^\s+at /m);
  expect(result.stderr, shown).not.toMatch(/This is a bug|failed unexpectedly/);
  expect(result.stderr.trim(), shown).toMatch(/^checkpoint-tests: /);
  for (const said of says) {
    if (typeof said === 'string') expect(flat(result.stderr), shown).toContain(said);
    else expect(flat(result.stderr), shown).toMatch(said);
  }
}

function expectOk(result: CliResult): void {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
}

/** Values a careless tool would let loose in a shell or a YAML file. */
const HOSTILE = [
  '$(touch pwned)',
  '`touch pwned`',
  'tests/with space',
  'it\'s "quoted"',
  'line\nbreak; touch pwned',
  'ünïcødé/測試 🎉',
  "'; touch pwned; echo '",
  '\\$HOME \t tab',
  '-rf',
  '\u007f\u0085\u2028 odd',
];

describe('1: answer values never reach a shell or break YAML', () => {
  it('one shell word each, read back exactly by sh and by shlex, running nothing', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'i17-quote-'));
    try {
      for (const value of HOSTILE) {
        const printed = execFileSync('sh', ['-c', `printf '%s' ${shellWord(value)}`], {
          cwd: scratch,
          encoding: 'utf8',
        });
        expect(printed, value).toBe(value);
        const split = execFileSync(
          '/usr/bin/python3',
          ['-c', 'import shlex, sys; print(repr(shlex.split(sys.argv[1])))', shellCommand(['a', value])],
          {
            encoding: 'utf8',
          },
        );
        expect(split.trim()).toBe(`['a', ${pythonRepr(value)}]`);
        expect(YAML.parse(`run: ${yamlScalar(shellWord(value))}\n`)).toEqual({ run: shellWord(value) });
      }
      expect(existsSync(path.join(scratch, 'pwned'))).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('the workflow parses, and its run line given to sh -c runs pytest on the folder, never the substitution', async () => {
    const project = makeSampleProject();
    const outputDir = "tests/$(touch pwned) it's `touch pwned2`";
    expectOk(await runInProcess([...BASE, '--ci-recipe', 'github', '--output-dir', outputDir], project));
    const workflow = YAML.parse(readFileSync(path.join(project, '.github/workflows/checkpoint-tests.yml'), 'utf8'));
    const steps = workflow.jobs['checkpoint-tests'].steps as { name?: string; run?: string }[];
    const run = steps.find((step) => step.name === 'Fast checkpoint tests')!.run!;
    // A harmless `python`: prints its arguments, one a line.
    const fakePython = `python() { for arg in "$@"; do printf '%s\\n' "$arg"; done; }; `;
    const args = execFileSync('sh', ['-c', fakePython + run], { cwd: project, encoding: 'utf8' });
    expect(args.split('\n').slice(0, -1)).toEqual(['-m', 'pytest', outputDir, '-m', 'not slow']);
    const config = YAML.parse(readFileSync(path.join(project, '.pre-commit-config.yaml'), 'utf8'));
    const entry = config.repos[0].hooks[0].entry as string;
    const split = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import shlex, sys, json; print(json.dumps(shlex.split(sys.argv[1])))', entry],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(split)).toEqual(['python', '-m', 'pytest', outputDir, '-m', 'not slow', '-q']);
    expect(existsSync(path.join(project, 'pwned'))).toBe(false);
    expect(existsSync(path.join(project, 'pwned2'))).toBe(false);
    // The suite README's command is the same quoted one.
    expect(readFileSync(path.join(project, outputDir, 'README.md'), 'utf8')).toContain(runCommand({ outputDir }));
    expect(runCommand({ outputDir: 'tests/with space' })).toBe("python -m pytest 'tests/with space'");
  });
});

/** Python's repr of a str, as shlex.split's list prints it. */
function pythonRepr(value: string): string {
  return execFileSync('/usr/bin/python3', ['-c', 'import sys; print(repr(sys.argv[1]), end="")', value], {
    encoding: 'utf8',
  });
}

describe('2: team templates run JavaScript, and are treated as code', () => {
  /** A team template that, when it runs, leaves a file `marker` in the project. */
  const marking = (marker: string) =>
    `<% process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(marker)}, 'ran') -%>\n` +
    readFileSync(path.join(REPO_ROOT, 'templates/resume/test_resume.py.ejs'), 'utf8');

  it('is named when used, never read in --dry-run unless asked, and never followed through a link out of the project', async () => {
    const project = makeSampleProject();
    const folder = path.join(project, '.checkpoint-tests/templates/resume');
    mkdirSync(folder, { recursive: true });
    const marker = path.join(project, 'template-ran');
    writeFileSync(path.join(folder, 'test_resume.py.ejs'), marking(marker));

    const dry = await runInProcess([...BASE, '--dry-run'], project);
    expectOk(dry);
    expect(existsSync(marker), 'a dry run ran a team template').toBe(false);
    expect(flat(dry.stdout + dry.stderr)).toContain('a dry run reads them only when you also pass --templates-dir');

    expectOk(await runInProcess([...BASE, '--dry-run', '--templates-dir', '.checkpoint-tests/templates'], project));
    expect(existsSync(marker), 'asked for, the team template runs').toBe(true);
    rmSync(marker);

    const real = await runInProcess(BASE, project);
    expectOk(real);
    expect(flat(real.stdout + real.stderr)).toContain(
      "Rendered with your team's templates, which run as JavaScript with your rights: .checkpoint-tests/templates/resume/test_resume.py.ejs.",
    );

    // A link leading out of the project is refused before the template runs.
    const outside = mkdtempSync(path.join(tmpdir(), 'i17-outside-'));
    try {
      const outsideMarker = path.join(project, 'outside-ran');
      writeFileSync(path.join(outside, 'evil.ejs'), marking(outsideMarker));
      rmSync(path.join(folder, 'test_resume.py.ejs'));
      symlinkSync(path.join(outside, 'evil.ejs'), path.join(folder, 'test_resume.py.ejs'));
      const linked = await runInProcess([...BASE, '--force'], project);
      expectUserError(linked, [
        'leads, through a symbolic link, to',
        'outside the project',
        'Team templates run as JavaScript',
      ]);
      expect(existsSync(outsideMarker)).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('README and the ejected VARIABLES.md say plainly that templates are code', () => {
    expect(templateVariablesDoc()).toContain('**These templates are code.** EJS runs the JavaScript');
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/## Security[\s\S]*team templates[^\n]*JavaScript/i);
  });
});

describe('7: Python keywords are not names', () => {
  it('refuses `class`, `def`, `None` wherever a name is answered, saying why, and the schema agrees', async () => {
    for (const [name, value] of [
      ['saveOp', 'class'],
      ['className', 'None'],
      ['module', 'my_pkg.def.checkpoints'],
      ['retrySleep', 'lambda'],
      ['missingPathError', 'errors.try.Failed'],
    ] as const) {
      expect(() => checkAnswerMapping({ [name]: value }, 'The answers', 'Fix them.'), `${name}=${value}`).toThrow(
        /is a Python keyword/,
      );
    }
    // `none` (the "no such op" answer) and soft keywords stay names.
    expect(checkAnswerMapping({ saveOp: 'none', loadOp: 'match', className: 'type' }, 'x', 'y')).toMatchObject({
      saveOp: 'none',
      loadOp: 'match',
    });
    const validate = new Ajv2020({ strict: false }).compile(answersSchema());
    expect(validate({ saveOp: 'def' })).toBe(false);
    expect(validate({ module: 'pkg.class' })).toBe(false);
    expect(validate({ module: 'pkg.classic', saveOp: 'define' })).toBe(true);
    const project = makeSampleProject();
    expectUserError(await runInProcess([...BASE, '--save-op', 'def'], project), [
      '`saveOp` is "def"',
      'def is a Python keyword',
    ]);
  });
});

describe('13: an answers file that is a folder or cannot be read', () => {
  it('says so and how to fix it, never "Fix its syntax"', async () => {
    const project = makeSampleProject();
    mkdirSync(path.join(project, 'answers.json'));
    const folder = await runInProcess(['--answers', 'answers.json', '--skip-checks'], project);
    expectUserError(folder, [
      'The answers file answers.json is a folder',
      'Pass the path of a JSON or YAML file with --answers',
    ]);
    expect(folder.stderr).not.toContain('syntax');

    // Root reads anything: the unreadable file is tried as another user through the real bin.
    const shared = mkdtempSync(path.join(tmpdir(), 'i17-unreadable-'));
    try {
      chmodSync(shared, 0o777);
      writeFileSync(path.join(shared, 'answers.yaml'), 'module: a.b\n');
      chmodSync(path.join(shared, 'answers.yaml'), 0o000);
      const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const result = spawnSync(process.execPath, [CLI, '--answers', 'answers.yaml', '--skip-checks'], {
        cwd: shared,
        encoding: 'utf8',
        env: { ...process.env, HOME: shared, NO_COLOR: '1' },
        timeout: 60_000,
        ...asOther,
      });
      expectUserError({ code: result.status, stdout: result.stdout, stderr: result.stderr }, [
        'cannot be read: permission denied',
        'Give the user running checkpoint-tests read access',
      ]);
      expect(result.stderr).not.toContain('syntax');
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});

describe('14: a huge bad value is cut where it is quoted', () => {
  it('quotes at most ~200 characters of a 1 MB value, and says how long it was', async () => {
    const project = makeSampleProject();
    const huge = `x y${'z'.repeat(1_000_000)}`;
    writeFileSync(path.join(project, 'answers.json'), JSON.stringify({ module: huge, [huge]: 1, categories: [huge] }));
    const result = await runInProcess(['--answers', 'answers.json', '--skip-checks'], project);
    expectUserError(result, ['`module` is "x yzzz', 'characters in all', 'is not a known answer']);
    expect(result.stderr.length).toBeLessThan(4_000);
    // And on the command line too.
    const option = await runInProcess(['--skip-checks', '--yes', '--module', huge.slice(0, 100_000)], project);
    expectUserError(option, ['(100000 characters in all)']);
    expect(option.stderr.length).toBeLessThan(2_000);
  });
});

describe('15: JSON and YAML read strictly, with their byte order mark', () => {
  it('refuses a key given twice in JSON, accepts a UTF-8 BOM, and turns a YAML warning into one user error', async () => {
    const project = makeSampleProject();
    writeFileSync(
      path.join(project, 'twice.json'),
      '{\n  "module": "a.b",\n  "format": "json",\n  "module": "sample_trainer.manager"\n}\n',
    );
    expectUserError(await runInProcess(['--answers', 'twice.json', '--yes', '--skip-checks'], project), [
      'gives the key "module" twice (again on line 4)',
    ]);
    for (const [file, text] of [
      ['bom.json', JSON.stringify({ module: SAMPLE_MODULE })],
      ['bom.yaml', `module: ${SAMPLE_MODULE}\n`],
    ]) {
      writeFileSync(path.join(project, file), `\uFEFF${text}`);
      expectOk(await runInProcess(['--answers', file, '--yes', '--skip-checks', '--force'], project));
    }
    writeFileSync(path.join(project, 'tagged.yaml'), `module: !!python/name:os.system ${SAMPLE_MODULE}\n`);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const tagged = await runInProcess(['--answers', 'tagged.yaml', '--yes', '--skip-checks'], project);
      expectUserError(tagged, ['cannot be read as YAML', 'tag', 'Fix its syntax']);
      expect(tagged.stderr).not.toMatch(/YAMLWarning|Warning:/);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map(String)).toEqual([]);
  });
});

describe('16: a "positive number" is above 0 and finite', () => {
  it('refuses memoryMultiple 0 and numbers too long to be finite, and keeps the others in range', () => {
    for (const [name, value] of [
      ['memoryMultiple', '0'],
      ['memoryMultiple', '0.000'],
      ['memoryMultiple', '9'.repeat(400)],
      ['stateMiB', '0'],
      ['stateMiB', '9'.repeat(400)],
      ['throughputFloor', '0.0'],
    ] as const) {
      expect(
        () => checkAnswerMapping({ [name]: value }, 'The answers', 'Fix them.'),
        `${name}=${value.slice(0, 9)}`,
      ).toThrow(UsageError);
    }
    expect(checkAnswerMapping({ memoryMultiple: '2.5', stateMiB: '0.5', throughputFloor: '1' }, 'x', 'y')).toEqual({
      memoryMultiple: '2.5',
      stateMiB: '0.5',
      throughputFloor: '1',
    });
  });
});

describe('fuzz case 278: a rule across answers meets a wrong type in another answer', () => {
  it('reports the wrong type once, as a user error, never a crash of the rule', () => {
    let error: unknown;
    try {
      checkAnswerMapping({ renamedKeys: true, addedKeys: 'none' }, 'The answers file', 'Fix it.');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('`renamedKeys` is true (a boolean), but it must be');
    expect((error as Error).message).toMatch(/has a problem:/);
  });
});

describe('17: the audit reads a file as Python does (PEP 263)', () => {
  it('accepts a latin-1 file that declares its coding, and still refuses one that lies about it', async () => {
    const project = makeSampleProject();
    const latin1 = Buffer.concat([
      Buffer.from('# -*- coding: latin-1 -*-\n"""Tests of the caf'),
      Buffer.from([0xe9]),
      Buffer.from('."""\n\n\ndef test_resume():\n    assert 1 + 1 == 2\n'),
    ]);
    writeFileSync(path.join(project, 'test_latin1.py'), latin1);
    writeFileSync(
      path.join(project, 'test_lying.py'),
      Buffer.concat([Buffer.from('# coding: ascii\nx = "'), Buffer.from([0xe9]), Buffer.from('"\n')]),
    );
    const python = { executable: findPythonWithPytest(), version: '3', hasBlack: false };
    const facts = await readFacts(python, [path.join(project, 'test_latin1.py')], project, { fixtures: false });
    expect(facts.files[0]!.error).toBeNull();
    expect(facts.files[0]!.tests.map((test) => test.name)).toEqual(['test_resume']);
    await expect(
      readFacts(python, [path.join(project, 'test_lying.py')], project, { fixtures: false }),
    ).rejects.toThrow(/test_lying\.py is not Python source: not ascii text, as its coding line says/);
  });
});

describe('20: a preset locks only answers it really gives', () => {
  it('refuses `locked: ["toString", "constructor"]`, which `in` found on every object', () => {
    const project = makeSampleProject();
    writeFileSync(
      path.join(project, 'preset.json'),
      JSON.stringify({ answers: { format: 'json' }, locked: ['toString', 'constructor'] }),
    );
    expect(() => loadPreset('preset.json', project)).toThrow(
      /locks "toString", "constructor", but `locked` must list names of answers the preset gives/,
    );
    writeFileSync(path.join(project, 'good.json'), JSON.stringify({ answers: { format: 'json' }, locked: ['format'] }));
    expect([...loadPreset('good.json', project).locked]).toEqual(['format']);
  });
});

describe('22: a backslash in pythonRoot', () => {
  it('is refused with the fix, never turned silently into "/"', async () => {
    const project = makeSampleProject();
    const before = snapshotTree(project);
    const result = await runInProcess([...BASE, '--python-root', 'src\\app'], project);
    expectUserError(result, ['`pythonRoot` is "src\\\\app"', 'separate folders with "/"']);
    expect(snapshotTree(project)).toEqual(before);
  });
});

describe('23: an EJS syntax error in a team template', () => {
  it('names the template and line and says what to look for, not `async: true`', async () => {
    const project = makeSampleProject();
    expectOk(await runInProcess(['templates'], project));
    const template = path.join(project, '.checkpoint-tests/templates/resume/test_resume.py.ejs');
    const lines = readFileSync(template, 'utf8').split('\n');
    lines.splice(5, 0, '<% if (answers.format === "json") { %>');
    writeFileSync(template, lines.join('\n'));
    const result = await runInProcess(BASE, project);
    expectUserError(result, [
      /resume\/test_resume\.py\.ejs \(line \d+\) is not valid EJS: its JavaScript has a syntax error/,
      'Fix the template, or delete it to use the built-in one',
    ]);
    expect(result.stderr).not.toContain('async');

    lines.splice(5, 1, '<%- py(answers.module %>');
    writeFileSync(template, lines.join('\n'));
    const typo = await runInProcess(BASE, project);
    expectUserError(typo, [/test_resume\.py\.ejs \(line 6\) is not valid EJS/]);
  });
});
