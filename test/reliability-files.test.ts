/**
 * Issue 17, writing and files: the real CLI (no terminal) on scratch copies
 * of the sample. One test per defect (3, 4, 8, 9, 11, 19, 21), the path
 * policy, and the kill test: the generator is SIGKILLed at 50 seeded moments,
 * most inside its write phase, and every file must be absent, complete and
 * identical to a clean run's, or the user's own, with .yo-rc.json consistent.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CLI,
  type CliResult,
  SAMPLE_MODULE,
  cliEnv,
  makeSampleProject,
  removeProjects,
  runCli,
  snapshotTree,
  storedAnswers,
} from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';
import { findPythonWithPytest } from './helpers/pty.js';
import { byTier } from './helpers/tier.js';
import { resolveInProject } from '../lib/project-path.js';
import { LOCK_FILE } from '../lib/project-lock.js';

const SUITE = 'tests/checkpoint';
const BASE = ['--yes', '--skip-checks', '--module', SAMPLE_MODULE];
const isRoot = process.getuid?.() === 0;

afterAll(() => removeProjects());

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
const shown = (result: CliResult) => `exit ${result.code}\n--- stderr\n${result.stderr}\n--- stdout\n${result.stdout}`;
const suiteFile = (root: string, file: string) => path.join(root, SUITE, file);

/** A user error: exit 2, one paragraph naming `says`, never "a bug", never a stack trace. */
function expectUserError(result: CliResult, says: readonly (string | RegExp)[]): void {
  expect(result.code, shown(result)).toBe(2);
  expect(result.stderr, shown(result)).not.toMatch(/failed unexpectedly|This is a bug|^ {4}at /m);
  for (const said of says) {
    if (typeof said === 'string') expect(flat(result.stderr), shown(result)).toContain(said);
    else expect(flat(result.stderr), shown(result)).toMatch(said);
  }
}

async function projectWithSuite(extra: readonly string[] = []): Promise<string> {
  const root = makeSampleProject('ckpt-files-');
  const result = await runInProcess([...BASE, ...extra], root);
  expect(result.code, shown(result)).toBe(0);
  return root;
}

/** Runs `mount` (root only); returns false when the system refuses. */
function mount(args: readonly string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

describe('defect 3: the audit report goes through the conflicter and stays in the project', () => {
  const python = findPythonWithPytest();

  it('never writes the report over an audited test, an existing report, or outside the project', async () => {
    const root = await projectWithSuite(['--categories', 'resume']);
    const audited = suiteFile(root, 'test_resume.py');
    const original = readFileSync(audited, 'utf8');
    const onItself = await runInProcess(
      ['audit', `${SUITE}/test_resume.py`, '--report', `${SUITE}/test_resume.py`, '--python', python],
      root,
    );
    expectUserError(onItself, ['--report', 'one of the audited test files']);
    expect(readFileSync(audited, 'utf8')).toBe(original);

    // An existing report of the user's is not replaced without a terminal (or --force).
    const report = suiteFile(root, 'test_resume.audit.md');
    writeFileSync(report, '# my notes\n');
    const again = await runInProcess(['audit', `${SUITE}/test_resume.py`, '--python', python], root);
    expect(again.code, shown(again)).toBe(0);
    expect(readFileSync(report, 'utf8')).toBe('# my notes\n');
    expect(flat(again.stdout + again.stderr)).toContain('Kept tests/checkpoint/test_resume.audit.md');
    const forced = await runInProcess(['audit', `${SUITE}/test_resume.py`, '--python', python, '--force'], root);
    expect(forced.code, shown(forced)).toBe(0);
    expect(readFileSync(report, 'utf8')).toMatch(/^# /);
    expect(readFileSync(report, 'utf8')).not.toBe('# my notes\n');

    // Auditing tests outside the project writes nothing there.
    const outside = mkdtempSync(path.join(tmpdir(), 'ckpt-files-outside-'));
    try {
      writeFileSync(path.join(outside, 'test_theirs.py'), readFileSync(audited));
      const far = await runInProcess(['audit', outside, '--python', python], root);
      expect(far.code, shown(far)).toBe(0);
      expect(readdirSync(outside)).toEqual(['test_theirs.py']);
      expect(flat(far.stdout + far.stderr)).toContain('not written');
      const reportOutside = await runInProcess(
        ['audit', outside, '--python', python, '--report', path.join(outside, 'r.md')],
        root,
      );
      expectUserError(reportOutside, ['--report', 'outside the project']);
      expect(readdirSync(outside)).toEqual(['test_theirs.py']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  }, 600_000);
});

describe('defect 4: no half-written file', () => {
  it('rewrites a file an interrupted earlier write cut short, without --force and keeping the adapter', async () => {
    const root = await projectWithSuite(['--categories', 'resume']);
    const complete = readFileSync(suiteFile(root, 'test_resume.py'), 'utf8');
    truncateSync(suiteFile(root, 'test_resume.py'), 4096);
    writeFileSync(suiteFile(root, 'conftest.py'), '');
    appendFileSync(suiteFile(root, 'checkpoint_adapter.py'), '\n# mine\n');
    const adapter = readFileSync(suiteFile(root, 'checkpoint_adapter.py'), 'utf8');
    const result = await runInProcess(BASE, root);
    expect(result.code, shown(result)).toBe(0);
    expect(readFileSync(suiteFile(root, 'test_resume.py'), 'utf8')).toBe(complete);
    expect(readFileSync(suiteFile(root, 'conftest.py'), 'utf8').length).toBeGreaterThan(1000);
    expect(readFileSync(suiteFile(root, 'checkpoint_adapter.py'), 'utf8')).toBe(adapter);
  });

  it('a full disk is a user error (exit 2) that leaves no partial file and no .yo-rc.json', async (context) => {
    if (!isRoot) return context.skip('mounting a small tmpfs needs root');
    const mountPoint = mkdtempSync(path.join(tmpdir(), 'ckpt-files-full-'));
    expect(mount(['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', mountPoint])).toBe(true);
    try {
      const source = makeSampleProject('ckpt-files-src-');
      execFileSync('cp', ['-r', path.join(source, 'sample_trainer'), mountPoint]);
      const before = snapshotTree(mountPoint);
      const result = await runCli(BASE, mountPoint);
      expectUserError(result, ['ENOSPC', 'the disk is full', 'No file was changed']);
      expect(snapshotTree(mountPoint)).toEqual(before);
    } finally {
      execFileSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('a read-only output folder is a user error (exit 2), not "ENOENT ... bug"', async () => {
    const root = makeSampleProject('ckpt-files-');
    const folder = path.join(root, SUITE);
    mkdirSync(folder, { recursive: true });
    const readOnly = isRoot
      ? mount(['--bind', folder, folder]) && mount(['-o', 'remount,ro,bind', folder])
      : (execFileSync('chmod', ['555', folder]), true);
    expect(readOnly).toBe(true);
    try {
      const result = await runInProcess(BASE, root);
      expectUserError(result, [/Could not write tests\/checkpoint\/\S+ \((EROFS|EACCES)\)/]);
      expect(existsSync(path.join(root, '.yo-rc.json'))).toBe(false);
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      if (isRoot) execFileSync('umount', [folder]);
      else execFileSync('chmod', ['755', folder]);
    }
  });
});

describe('defect 8: files of families no longer chosen', () => {
  it('removes the ones checkpoint-tests wrote and nobody edited, and names the edited ones', async () => {
    const root = await projectWithSuite(['--categories', 'resume,corruption,faults']);
    appendFileSync(suiteFile(root, 'test_faults.py'), '\n# my own case\n');
    const result = await runInProcess([...BASE, '--categories', 'resume', '--overwrite-generated'], root);
    expect(result.code, shown(result)).toBe(0);
    expect(existsSync(suiteFile(root, 'test_corruption.py'))).toBe(false);
    expect(readFileSync(suiteFile(root, 'test_faults.py'), 'utf8')).toMatch(/# my own case\n$/);
    expect(flat(result.stdout + result.stderr)).toContain('Removed tests/checkpoint/test_corruption.py');
    expect(flat(result.stdout + result.stderr)).toContain('Kept tests/checkpoint/test_faults.py');
    const config = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const record = config['generator-checkpoint-tests']!.files as Record<string, string>;
    expect(Object.keys(record)).toContain(`${SUITE}/test_resume.py`);
    expect(Object.keys(record)).not.toContain(`${SUITE}/test_corruption.py`);
  });
});

describe('defect 9: one run at a time in a project', () => {
  it('two runs with different answers at once: the second waits, .yo-rc.json matches the files, no warning', async () => {
    const clean = new Map<string, Record<string, string>>();
    for (const format of ['json', 'pickle']) {
      const root = await projectWithSuite(['--categories', 'resume', '--format', format]);
      clean.set(format, snapshotTree(path.join(root, SUITE)));
    }
    const root = makeSampleProject('ckpt-files-race-');
    const [first, second] = await Promise.all(
      ['json', 'pickle'].map((format) => runCli([...BASE, '--categories', 'resume', '--format', format], root)),
    );
    for (const result of [first!, second!]) {
      expect([0, 2], shown(result)).toContain(result.code);
      expect(result.stderr, shown(result)).not.toMatch(/MaxListenersExceeded|failed unexpectedly/);
    }
    expect([first!.code, second!.code].sort()).toEqual([0, 2]);
    const format = storedAnswers(root).format as string;
    expect(snapshotTree(path.join(root, SUITE))).toEqual(clean.get(format));
    expect(existsSync(path.join(root, LOCK_FILE))).toBe(false);
  });
});

describe('defect 11: broken input is a user error, not a bug', () => {
  const cases: [string, string, (string | RegExp)[]][] = [
    ['an invalid .yo-rc.json', '{"generator-checkpoint-tests": {', ['.yo-rc.json is not valid JSON']],
    ['an empty .yo-rc.json', '', ['.yo-rc.json is empty']],
    ['a list in .yo-rc.json', '[]', ['.yo-rc.json must hold a JSON object, but it holds a list']],
    ['"preset": 42', '{"generator-checkpoint-tests": {"preset": 42}}', ['`preset`', 'is 42']],
  ];
  it.each(cases)('%s', async (_name, content, says) => {
    const root = makeSampleProject('ckpt-files-');
    writeFileSync(path.join(root, '.yo-rc.json'), content);
    const result = await runInProcess(BASE, root);
    expectUserError(result, says);
    expect(readFileSync(path.join(root, '.yo-rc.json'), 'utf8')).toBe(content);
    expect(existsSync(path.join(root, 'tests'))).toBe(false);
  });

  const outputDirs: [string, string, string][] = [
    ['a newline', 'tests/a\nb', 'a NUL or a line break'],
    ['a NUL', 'tests/a\u0000b', 'a NUL or a line break'],
    ['a file', 'sample_trainer/manager.py', 'is a file, not a folder'],
    ['a name too long', `tests/${'x'.repeat(300)}`, 'longer than the 255 bytes'],
  ];
  it.each(outputDirs)(
    'outputDir with %s, from the answers file: exit 2 and no .yo-rc.json left behind',
    async (_name, outputDir, says) => {
      const root = makeSampleProject('ckpt-files-');
      writeFileSync(path.join(root, 'answers.json'), JSON.stringify({ module: SAMPLE_MODULE, outputDir }));
      const result = await runInProcess(['--answers', 'answers.json', '--yes', '--skip-checks'], root);
      expectUserError(result, ['`outputDir`', says]);
      expect(flat(result.stderr).length).toBeLessThan(800);
      expect(existsSync(path.join(root, '.yo-rc.json'))).toBe(false);
    },
  );

  it('an audit that runs Python out of memory says so, exit 2', async () => {
    const root = makeSampleProject('ckpt-files-');
    writeFileSync(path.join(root, 'test_deep.py'), `def test_deep():\n    x = ${'-'.repeat(100_000)}1\n`);
    const result = await runInProcess(['audit', 'test_deep.py', '--python', findPythonWithPytest()], root);
    expectUserError(result, ['test_deep.py is too large or too deeply nested', 'MemoryError']);
  });
});

describe('defect 19: a changed answer without a terminal', () => {
  it('names the answers that changed, and --overwrite-generated rewrites all but the adapter', async () => {
    const root = await projectWithSuite(['--categories', 'resume']);
    appendFileSync(suiteFile(root, 'checkpoint_adapter.py'), '\n# mine\n');
    const adapter = readFileSync(suiteFile(root, 'checkpoint_adapter.py'), 'utf8');
    const before = snapshotTree(root);
    const refused = await runInProcess([...BASE, '--format', 'json'], root);
    expectUserError(refused, [
      '`format` was "pickle", now "json"',
      'written by an earlier run and not edited since',
      '--overwrite-generated',
    ]);
    expect(flat(refused.stderr)).not.toContain('tests/checkpoint/checkpoint_adapter.py');
    expect(snapshotTree(root)).toEqual(before);
    const rewritten = await runInProcess([...BASE, '--format', 'json', '--overwrite-generated'], root);
    expect(rewritten.code, shown(rewritten)).toBe(0);
    expect(storedAnswers(root).format).toBe('json');
    expect(snapshotTree(root)[`${SUITE}/conftest.py`]).not.toBe(before[`${SUITE}/conftest.py`]);
    expect(readFileSync(suiteFile(root, 'checkpoint_adapter.py'), 'utf8')).toBe(adapter);
  });
});

describe('defect 21: a .yo-rc.json written by a newer checkpoint-tests', () => {
  it('stops with exit 2 saying so, and --force lets this version rewrite it', async () => {
    const root = await projectWithSuite(['--categories', 'resume']);
    const config = path.join(root, '.yo-rc.json');
    const stored = JSON.parse(readFileSync(config, 'utf8'));
    stored['generator-checkpoint-tests'].generatorVersion = '99.1.0';
    writeFileSync(config, JSON.stringify(stored, null, 2));
    const before = snapshotTree(root);
    const result = await runInProcess(BASE, root);
    expectUserError(result, ['written by checkpoint-tests 99.1.0, which is newer than this one', '--force']);
    expect(snapshotTree(root)).toEqual(before);
    const forced = await runInProcess([...BASE, '--force'], root);
    expect(forced.code, shown(forced)).toBe(0);
    expect(storedAnswers(root).generatorVersion).not.toBe('99.1.0');
  });
});

describe('the path policy (src/lib/project-path.ts)', () => {
  it('resolves inside the project and refuses escapes, also through a symlink', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ckpt-files-policy-'));
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'ckpt-files-elsewhere-'));
    try {
      symlinkSync(elsewhere, path.join(root, 'out'));
      const folder = { what: '`outputDir`', kind: 'folder' } as const;
      expect(resolveInProject(root, 'tests/checkpoint', folder)).toBe(path.join(root, 'tests', 'checkpoint'));
      expect(() => resolveInProject(root, '../x', folder)).toThrow(/outside the project/);
      expect(() => resolveInProject(root, '/etc', folder)).toThrow(/outside the project/);
      expect(() => resolveInProject(root, 'out/tests', folder)).toThrow(/symlink that leads out of the project/);
      expect(() => resolveInProject(root, 'out', folder)).toThrow(/symlink that leads out of the project/);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('the kill test', () => {
  /** A seeded PRNG (mulberry32), so a failing kill can be replayed. */
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** 50 in the full tier, 20 in the quick one; CHECKPOINT_TESTS_KILLS runs fewer when replaying one seed by hand. */
  const KILLS = Number(process.env.CHECKPOINT_TESTS_KILLS) || byTier(20, 50);
  /** Every fifth kill lands at a random moment of the whole run (no hook); the rest inside the write phase. */
  /** Pause between the write steps (CHECKPOINT_TESTS_WRITE_DELAY_MS), so kills can land between them. */
  const STEP_DELAY_MS = 8;
  const CONCURRENT = 3;
  const TEMP = /\.checkpoint-tests-\d+-[0-9a-f]+\.tmp$/;

  /** The user's own files in every project: their adapter and a test of theirs beside the suite. */
  function withUserFiles(root: string): void {
    mkdirSync(path.join(root, SUITE), { recursive: true });
    writeFileSync(suiteFile(root, 'checkpoint_adapter.py'), '"""My adapter."""\n');
    writeFileSync(suiteFile(root, 'test_mine.py'), 'def test_mine():\n    assert True\n');
  }

  interface Kill {
    seed: number;
    whole: boolean;
    /** The write phase had begun, or had ended, when the kill landed. */
    inPhase: boolean;
    afterPhase: boolean;
    exited: boolean;
  }

  function runAndKill(
    root: string,
    index: number,
    rand: () => number,
    cleanMs: number,
    phaseMs: number,
  ): Promise<Kill> {
    const whole = index % 5 === 0;
    return new Promise((resolve, reject) => {
      const child: ChildProcess = spawn(process.execPath, [CLI, ...BASE], {
        cwd: root,
        env: cliEnv({ NO_COLOR: '1', ...(whole ? {} : { CHECKPOINT_TESTS_WRITE_DELAY_MS: String(STEP_DELAY_MS) }) }),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const kill: Kill = { seed: index, whole, inPhase: false, afterPhase: false, exited: false };
      let stderr = '';
      const killAt = (ms: number) => setTimeout(() => child.kill('SIGKILL'), ms);
      if (whole) killAt(rand() * cleanMs);
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (!whole && !kill.inPhase && stderr.includes('[write-phase] start')) {
          kill.inPhase = true;
          killAt(rand() * phaseMs);
        }
      });
      const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(guard);
        kill.exited = signal === null;
        kill.afterPhase = stderr.includes('[write-phase] done');
        if (kill.exited && code !== 0) reject(new Error(`run ${index} failed by itself (exit ${code}): ${stderr}`));
        else resolve(kill);
      });
    });
  }

  it(
    "leaves every file absent, complete and identical to a clean run, or the user's own",
    { timeout: 900_000 },
    async () => {
      const started = Date.now();
      const cleanRoot = makeSampleProject('ckpt-kill-clean-');
      withUserFiles(cleanRoot);
      const userFiles = snapshotTree(cleanRoot);
      const cleanStart = Date.now();
      const cleanRun = await runInProcess(BASE, cleanRoot);
      const cleanMs = Date.now() - cleanStart;
      expect(cleanRun.code, shown(cleanRun)).toBe(0);
      const clean = snapshotTree(cleanRoot);
      // How long the write phase takes with the step pause: one step per staged and renamed file, and .yo-rc.json.
      const written = Object.keys(clean).filter(
        (file) => !file.endsWith('/') && clean[file] !== userFiles[file],
      ).length;
      const phaseMs = (2 * written + 2) * STEP_DELAY_MS * 1.5;

      const rand = random(17);
      const projects = Array.from({ length: KILLS }, () => {
        const root = makeSampleProject('ckpt-kill-');
        withUserFiles(root);
        return root;
      });
      const kills: Kill[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENT }, async () => {
          while (next < KILLS) {
            const index = next++;
            kills.push(await runAndKill(projects[index]!, index, rand, cleanMs, phaseMs));
          }
        }),
      );

      const leftovers: string[] = [];
      for (const [index, root] of projects.entries()) {
        const tree = snapshotTree(root);
        const context = `kill ${index}: ${JSON.stringify(kills.find((kill) => kill.seed === index))}`;
        for (const [file, hash] of Object.entries(tree)) {
          if (file.endsWith('/')) continue;
          if (file === LOCK_FILE || TEMP.test(file)) {
            leftovers.push(file);
            continue;
          }
          if (file in userFiles && !(file in clean && clean[file] !== userFiles[file])) {
            expect(hash, `${context}: the user's ${file} changed`).toBe(userFiles[file]);
            continue;
          }
          expect(file in clean, `${context}: ${file} is not a file of the clean run`).toBe(true);
          expect(hash, `${context}: ${file} differs from the clean run's`).toBe(clean[file]);
        }
        // .yo-rc.json is written last: when it is there, every file of the suite is.
        if ('.yo-rc.json' in tree) {
          for (const file of Object.keys(clean))
            expect(file in tree, `${context}: .yo-rc.json without ${file}`).toBe(true);
        }
      }
      // A later run recovers from what a kill left: the stale lock is taken over, the temporary files removed.
      const recovered = projects.filter(
        (root) =>
          readdirSync(path.join(root, SUITE)).some((name) => TEMP.test(name)) || existsSync(path.join(root, LOCK_FILE)),
      );
      for (const root of recovered.slice(0, 2)) {
        const rerun = await runInProcess(BASE, root);
        expect(rerun.code, shown(rerun)).toBe(0);
        expect(snapshotTree(root)).toEqual(clean);
      }
      const wholeRunKills = kills.filter((kill) => kill.whole).length;
      const inPhase = kills.filter((kill) => !kill.whole && kill.inPhase && !kill.afterPhase && !kill.exited).length;
      console.log(
        `kill test: ${KILLS} kills in ${Math.round((Date.now() - started) / 1000)} s (clean run ${cleanMs} ms, write phase ~${Math.round(phaseMs)} ms): ` +
          `${inPhase} landed inside the write phase, ${kills.filter((kill) => kill.afterPhase).length} after it, ` +
          `${kills.filter((kill) => kill.exited).length} runs had finished; ${wholeRunKills} at random moments of the whole run; ` +
          `${leftovers.length} leftovers (lock or temp files), ${recovered.length} projects with leftovers, ${Math.min(2, recovered.length)} rerun to check recovery`,
      );
      expect(inPhase).toBeGreaterThanOrEqual(Math.floor((KILLS - wholeRunKills) / 2));
    },
  );
});
