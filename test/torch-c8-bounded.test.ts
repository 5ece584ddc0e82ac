/**
 * Torch C8 (issue 15): a flipped byte of a torch checkpoint can be a tensor's
 * size, which torch.load then allocates. The flipped-byte loads run in a
 * forked child with a bounded address space and a time limit: the torch
 * corpus manager whose errors come straight from torch.load passes C8, and
 * each way the child can end (out of memory, a hang, a fatal signal) gives
 * the outcome the test promises, in words.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../lib/programmatic.js';
import { CORPUS_ROOT, listCorpus } from '../scripts/corpus.mjs';
import { runCorpusEntry } from '../scripts/corpus.mjs';
import { pytestServer, runSuite } from './helpers/pytest-server.js';
import { pythonWith } from '../scripts/zoo.mjs';

const SLOW = 300_000;

/** Probes of the generated BoundedChild and check_policy_or_well_formed, run beside the suite. */
const PROBES = `
import os
import signal
import time

import pytest
import torch

import test_corruption
from test_corruption import BoundedChild, check_policy_or_well_formed, saved  # noqa: F401 (fixtures)


def test_probe_memory_error_of_the_loader_counts_as_refusing(saved, check_policy_or_well_formed, monkeypatch):
    # Past the child's limit; were the allocation let through, ZeroDivisionError (not a corruptError) would fail it.
    monkeypatch.setattr(torch, "load", lambda *args, **kwargs: bytearray(8 << 30) and 1 / 0)
    check_policy_or_well_formed(saved)


@pytest.mark.parametrize("ending", ["hang", "segv", "memory", "wrong-error"])
def test_probe_child_ending(saved, monkeypatch, ending):
    monkeypatch.setattr(test_corruption, "LOAD_SECONDS", 2)

    def check(layout):
        if ending == "hang":
            time.sleep(30)
        elif ending == "segv":
            os.kill(os.getpid(), signal.SIGSEGV)
        elif ending == "memory":
            bytearray(8 << 30)
        else:
            raise AssertionError("expected ValueError, got TypeError")

    bounded = BoundedChild(check)
    try:
        bounded(saved)
    finally:
        bounded.stop()
`;

let python: string | undefined;
let root: string;
let project: string;

beforeAll(async () => {
  python = await pythonWith(['torch', 'hypothesis']);
  // The shared pytest's imports (torch among them) are paid here, off the tests' own clocks.
  const warm = python ? pytestServer(python).ready : undefined;
  root = mkdtempSync(path.join(tmpdir(), 'checkpoint-c8-'));
  project = path.join(root, 'torch_load_errors');
  cpSync(path.join(CORPUS_ROOT, 'torch_load_errors'), project, { recursive: true });
  const [entry] = await listCorpus(['torch_load_errors']);
  await generate({ cwd: project, options: { ...entry!.answers, skipChecks: true } });
  writeFileSync(path.join(project, 'tests', 'checkpoint', 'test_probe_bounded.py'), PROBES);
  await warm;
}, 240_000);

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
});

describe('torch C8 in a bounded child', () => {
  it(
    'passes on the torch manager whose errors come straight from torch.load',
    async () => {
      const result = await runCorpusEntry('torch_load_errors', { args: ['-k', 'c8'] });
      expect(result.failing, result.output.slice(-2000)).toEqual([]);
      expect(result.passed).toBe(2);
    },
    SLOW,
  );

  it(
    'counts running out of memory as refusing the file, and fails a hang, a fatal signal and a wrong error in words',
    async () => {
      expect(python).toBeDefined();
      const result = await runSuite(python!, project, ['-k', 'probe', '--tb=short']);
      expect(result.failing.sort()).toEqual([
        'test_probe_child_ending[hang]',
        'test_probe_child_ending[memory]',
        'test_probe_child_ending[segv]',
        'test_probe_child_ending[wrong-error]',
      ]);
      expect(result.passed).toBe(1);
      expect(result.output).toMatch(/loading the damaged checkpoint-3\.pt did not finish within 2 s: a hang/);
      expect(result.output).toMatch(/the process loading the damaged checkpoint-3\.pt died: killed by SIGSEGV/);
      expect(result.output).toMatch(/loading the damaged checkpoint-3\.pt raised MemoryError/);
      expect(result.output).toMatch(/AssertionError: expected ValueError, got TypeError/);
    },
    SLOW,
  );
});
