/**
 * Finding the run's Python without starting more than needed (issue 18): a
 * pyenv shim is resolved to its interpreter without running it, candidates
 * are asked in order and the search stops at the first with pytest, and the
 * driver says what of a module's own imports a Python lacks without
 * importing the module. The run's driver starts beside the probe of the
 * first candidate, and is ended when another program is chosen.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkSuite, closeDrivers, missingImports, PythonSearch, pyenvTarget, probePython } from '../lib/python.js';
import { findPythonWithPytest } from './helpers/pty.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'checkpoint-tests-python-search-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let made = 0;
const folder = (name: string): string => {
  const dir = path.join(scratch, `${made++}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** A pyenv root with a shim (as pyenv writes it) and the given versions, each with bin/python3. */
function pyenvRoot(versions: string[]): { root: string; shim: string } {
  const root = folder('pyenv');
  mkdirSync(path.join(root, 'shims'));
  const shim = path.join(root, 'shims', 'python3');
  writeFileSync(
    shim,
    `#!/usr/bin/env bash\nset -e\nprogram="\${0##*/}"\n\nexport PYENV_ROOT="${root}"\nexec "${root}/libexec/pyenv" exec "$program" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  for (const version of versions) {
    mkdirSync(path.join(root, 'versions', version, 'bin'), { recursive: true });
    writeFileSync(path.join(root, 'versions', version, 'bin', 'python3'), '');
  }
  return { root, shim };
}

describe('pyenvTarget: a shim resolved without running it', () => {
  const saved = { PYENV_VERSION: process.env.PYENV_VERSION, PYENV_DIR: process.env.PYENV_DIR };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('reads the global version file, and a .python-version from the project up wins over it', () => {
    delete process.env.PYENV_VERSION;
    delete process.env.PYENV_DIR;
    const { root, shim } = pyenvRoot(['3.11.7', '3.10.13']);
    writeFileSync(path.join(root, 'version'), '3.11.7\n');
    const project = folder('project');
    expect(pyenvTarget(shim, project)).toBe(path.join(root, 'versions/3.11.7/bin/python3'));
    writeFileSync(path.join(project, '.python-version'), '# pinned\n3.10.13\n');
    mkdirSync(path.join(project, 'src'));
    expect(pyenvTarget(shim, path.join(project, 'src'))).toBe(path.join(root, 'versions/3.10.13/bin/python3'));
  });

  it('PYENV_VERSION wins, and the first version that has the program is taken', () => {
    const { root, shim } = pyenvRoot(['3.12.1', '3.11.7']);
    rmSync(path.join(root, 'versions/3.12.1/bin/python3'));
    process.env.PYENV_VERSION = '3.12.1:3.11.7';
    expect(pyenvTarget(shim, folder('project'))).toBe(path.join(root, 'versions/3.11.7/bin/python3'));
  });

  it('leaves to the shim what is not plain: "system", a version that is not installed, no version at all', () => {
    delete process.env.PYENV_DIR;
    const { shim } = pyenvRoot(['3.11.7']);
    process.env.PYENV_VERSION = 'system';
    expect(pyenvTarget(shim, folder('project'))).toBeUndefined();
    process.env.PYENV_VERSION = '3.9';
    expect(pyenvTarget(shim, folder('project'))).toBeUndefined();
    delete process.env.PYENV_VERSION;
    expect(pyenvTarget(shim, folder('project'))).toBeUndefined();
  });

  it('is no pyenv shim when the script is not one', () => {
    const dir = folder('shims');
    const script = path.join(dir, 'python3');
    writeFileSync(script, '#!/bin/sh\nexec python3 "$@"\n');
    expect(pyenvTarget(script, dir)).toBeUndefined();
  });
});

describe('PythonSearch', () => {
  // The interpreter itself (not a pyenv shim, which needs bash on PATH).
  let real: string;
  beforeAll(async () => {
    const python = await probePython(findPythonWithPytest());
    if ('problem' in python) throw new Error(python.problem);
    real = python.runs ?? python.executable;
  });
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
    closeDrivers();
  });

  /** A folder with `python3`: a script that notes each start in `log`, then runs the real Python. */
  function loggingPython(log: string, name: string): string {
    const dir = folder(name);
    writeFileSync(path.join(dir, 'python3'), `#!/bin/sh\necho ${name} >> "${log}"\nexec "${real}" "$@"\n`);
    chmodSync(path.join(dir, 'python3'), 0o755);
    return dir;
  }

  it('stops at the first Python with pytest: the ones after it are not started', async () => {
    const log = path.join(folder('log'), 'starts.txt');
    writeFileSync(log, '');
    const first = loggingPython(log, 'first');
    const second = loggingPython(log, 'second');
    process.env.PATH = [first, second].join(path.delimiter);
    const search = new PythonSearch(folder('project'));
    const found = await search.first();
    expect(found?.executable).toBe(path.join(first, 'python3'));
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['first']);
    // Every one is started only when every one is asked for.
    expect((await search.all()).length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(log, 'utf8').trim().split('\n').sort()).toEqual(['first', 'second']);
  });

  it('chooses the first Python that finds a need, asking again only the ones not known to lack it', async () => {
    const log = path.join(folder('log'), 'starts.txt');
    writeFileSync(log, '');
    const first = loggingPython(log, 'first');
    process.env.PATH = [first].join(path.delimiter);
    const search = new PythonSearch(folder('project'));
    const python = (await search.first())!;
    // A need no Python has: the first is passed over (it is known to lack it), and the first is the answer still.
    const chosen = await search.choose({ paths: [], needs: ['no_such_package_checkpoint_tests'] }, python);
    expect(chosen?.executable).toBe(python.executable);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['first']);
    const probed = await probePython(python.executable, { paths: [], names: ['json'], cwd: scratch });
    expect('fits' in probed && probed.fits).toBe(true);
  });
});

/**
 * The pids of this process's running driver.py children working in `project` (other test files of
 * this worker may have drivers of their own still ending).
 */
function driverChildren(project: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
        const state = /^State:\s+(\S)/m.exec(status)?.[1];
        return (
          parent === process.pid &&
          state !== 'Z' &&
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('driver.py') &&
          readlinkSync(`/proc/${pid}/cwd`) === realpathSync(project)
        );
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > 10_000) throw new Error(`still not ${what} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the run starts its driver beside the probe of its first candidate', () => {
  afterEach(() => closeDrivers());

  it('and that driver, started before the probe answered, is the one that answers the run', async () => {
    const found = await probePython(findPythonWithPytest());
    if ('problem' in found) throw new Error(found.problem);
    const project = folder('project');
    const python = (await new PythonSearch(project, found.runs ?? found.executable).firstWithDriver())!;
    expect(python).toBeDefined();
    await until(() => driverChildren(project).length === 1, 'one driver');
    const early = driverChildren(project);
    expect(await missingImports(python, { paths: [], needs: ['json'] }, project)).toEqual([]);
    expect(driverChildren(project)).toEqual(early);
  });

  it('is ended when the Python chosen runs another program (a wrapper script), and the run starts that one', async () => {
    const found = await probePython(findPythonWithPytest());
    if ('problem' in found) throw new Error(found.problem);
    const log = path.join(folder('log'), 'starts.txt');
    writeFileSync(log, '');
    const wrapper = path.join(folder('wrapper'), 'python3');
    writeFileSync(wrapper, `#!/bin/sh\necho "$1" >> "${log}"\nexec "${found.runs ?? found.executable}" "$@"\n`);
    chmodSync(wrapper, 0o755);
    const project = folder('project');
    const python = (await new PythonSearch(project, wrapper).firstWithDriver())!;
    expect(python.executable).toBe(wrapper);
    expect(python.runs).toBe(found.runs ?? found.executable);
    // The probe and the early driver went through the wrapper; the early driver is gone.
    await until(() => readFileSync(log, 'utf8').split('\n').filter(Boolean).length === 2, 'two starts');
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual([
      '-c',
      expect.stringMatching(/driver\.py$/),
    ]);
    await until(() => driverChildren(project).length === 0, 'ended');
    // The run's driver runs the interpreter itself, not through the wrapper.
    expect(await missingImports(python, { paths: [], needs: ['json'] }, project)).toEqual([]);
    expect(driverChildren(project)).toHaveLength(1);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });
});

describe('the driver says what a Python lacks, importing nothing', () => {
  afterEach(() => closeDrivers());

  it('names the missing top-level imports of the module and the missing needs, and leaves the module unimported', async () => {
    const project = folder('project');
    mkdirSync(path.join(project, 'pkg'));
    writeFileSync(path.join(project, 'pkg', '__init__.py'), '');
    const marker = path.join(project, 'imported.txt');
    writeFileSync(
      path.join(project, 'pkg', 'manager.py'),
      [
        'import json',
        'import no_such_package_checkpoint_tests.sub',
        'from os import path',
        'try:',
        '    import optional_package_checkpoint_tests',
        'except ImportError:',
        '    optional_package_checkpoint_tests = None',
        `open(${JSON.stringify(marker)}, "w").close()`,
        '',
      ].join('\n'),
    );
    const python = await probePython(findPythonWithPytest());
    if ('problem' in python) throw new Error(python.problem);
    const missing = await missingImports(
      python,
      { paths: [project], module: 'pkg.manager', needs: ['another_missing_need_checkpoint_tests'] },
      project,
    );
    expect(missing).toEqual(['another_missing_need_checkpoint_tests', 'no_such_package_checkpoint_tests']);
    expect(() => readFileSync(marker)).toThrow();
  });
});

describe('checkSuite: each distinct set-up once', () => {
  /** A suite in a folder of its own whose fixtures log each set-up; `tests` is its test module. */
  async function check(tests: string) {
    const project = folder('suite-check');
    const suite = path.join(project, 'tests');
    mkdirSync(suite);
    writeFileSync(
      path.join(suite, 'conftest.py'),
      [
        'import pathlib',
        'import pytest',
        '',
        'LOG = pathlib.Path(__file__).with_name("setups.log")',
        '',
        '',
        '@pytest.fixture',
        'def opened():',
        '    with LOG.open("a") as log:',
        '        log.write("opened\\n")',
        '',
        '',
        '@pytest.fixture',
        'def by_format(fmt):',
        '    if fmt == "broken":',
        '        raise RuntimeError("no loader for the broken format")',
        '    with LOG.open("a") as log:',
        '        log.write(f"by_format {fmt}\\n")',
        '',
        '',
        '@pytest.fixture(params=["pickle", "torn"])',
        'def layout(request):',
        '    if request.param == "torn":',
        '        raise RuntimeError("the torn layout cannot be laid out")',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(suite, 'test_cases.py'), `import pytest\n\n\n${tests}`);
    const python = await probePython(findPythonWithPytest());
    if ('problem' in python) throw new Error(python.problem);
    try {
      const result = await checkSuite(python, suite, project);
      let setups: string[] = [];
      try {
        setups = readFileSync(path.join(suite, 'setups.log'), 'utf8').trim().split('\n');
      } catch {
        // No set-up ran.
      }
      return { result, setups };
    } finally {
      closeDrivers();
    }
  }

  it('sets a fixture up once for the variants only the test body tells apart, and counts every test', async () => {
    const { result, setups } = await check(
      [
        '@pytest.mark.parametrize("step", [1, 9, 10, 99, 100])',
        'def test_step(opened, step):',
        '    assert step',
        '',
        '',
        '@pytest.mark.parametrize("fmt", ["json", "pickle"])',
        'def test_format(by_format, fmt):',
        '    assert fmt',
        '',
      ].join('\n'),
    );
    expect(result).toEqual({ ok: true, collected: 7 });
    // A parameter a fixture takes by name is a set-up of its own.
    expect(setups).toEqual(['opened', 'by_format json', 'by_format pickle']);
  });

  it("still fails on a value only one variant gives a fixture, by parameter or by the fixture's own params", async () => {
    const byParameter = await check(
      [
        '@pytest.mark.parametrize("fmt", ["json", "broken"])',
        'def test_format(by_format, fmt):',
        '    assert fmt',
        '',
      ].join('\n'),
    );
    expect(byParameter.result.ok).toBe(false);
    expect(byParameter.result.problem).toContain('no loader for the broken format');
    const byParams = await check('def test_layout(layout):\n    assert layout is None\n');
    expect(byParams.result.ok).toBe(false);
    expect(byParams.result.problem).toContain('the torn layout cannot be laid out');
  });

  it('sets up a variant whose twin is skipped by a mark', async () => {
    const { result, setups } = await check(
      [
        '@pytest.mark.parametrize("step", [pytest.param(1, marks=pytest.mark.skip(reason="not here")), 2])',
        'def test_step(opened, step):',
        '    assert step',
        '',
      ].join('\n'),
    );
    expect(result).toEqual({ ok: true, collected: 2 });
    expect(setups).toEqual(['opened']);
  });

  it('counts no test when the suite does not collect', async () => {
    const { result } = await check('import not_a_module_anywhere\n');
    expect(result.ok).toBe(false);
    expect(result.collected).toBeUndefined();
    expect(result.problem).toContain('not_a_module_anywhere');
  });
});
