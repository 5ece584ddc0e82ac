/**
 * The corruption family's decisions, without Python: which C cases the
 * answers generate and why the others are left out, and what the template
 * prints for them (parametrize ids, the policy's check, the adapter's restore).
 */
import { describe, expect, it } from 'vitest';
import type { Answers } from '../lib/questions.js';
import { familyDecisions, renderFor } from './helpers/family-views.js';

const decisions = (given: Partial<Answers>) => familyDecisions('corruption', given);

const render = renderFor;

describe('corruption cases', () => {
  it('generates C1–C4 and C8 by default, and says why C5–C7 and C9 are left out', () => {
    expect(decisions({})).toEqual({
      C1: true,
      C2: true,
      C3: true,
      C4: true,
      C5: expect.stringContaining('requiredKeys is empty'),
      C6: expect.stringContaining('requiredKeys is empty'),
      C7: expect.stringContaining('versionKey answered "none"'),
      C8: true,
      C9: expect.stringContaining('not torch'),
    });
  });

  it('generates every case for torch with required keys and a version key', () => {
    const all = decisions({ format: 'torch', requiredKeys: ['optimizer'], versionKey: 'format_version' });
    expect(Object.values(all)).toEqual(Array(9).fill(true));
  });

  it('needs resume() for the fall-back policy and load() for the others', () => {
    expect(decisions({ corruptPolicy: 'fallback', resumeOp: 'none' }).C1).toMatch(/no resume\(\) op/);
    expect(decisions({ corruptPolicy: 'fallback', loadOp: 'none' }).C1).toBe(true);
    expect(decisions({ loadOp: 'none' }).C1).toMatch(/no load\(\) op/);
  });

  it('generates only the kinds chosen', () => {
    const some = decisions({ corruptionKinds: ['empty', 'property-based'] });
    expect(Object.keys(some).filter((id) => some[id] === true)).toEqual(['C2', 'C8']);
    expect(some.C1).toBe('"truncated" is not among corruptionKinds');
  });
});

describe('test_corruption.py', () => {
  it('names each missing key and wrong type in the parametrize ids', () => {
    const source = render('corruption/test_corruption.py.ejs', { requiredKeys: ['step', 'optimizer'] });
    expect(source).toContain('pytest.param("optimizer", id="missing-key-optimizer")');
    expect(source).toContain('pytest.param("step", "2", id="wrong-type-step-str")');
    expect(source).toMatch(/^def test_c5_/m);
    expect(source).not.toMatch(/^def test_c7_/m);
  });

  it('checks the configured exception and the path under "raise", and imports it', () => {
    const source = render('corruption/test_corruption.py.ejs', {
      corruptError: 'sample_trainer.manager.CheckpointError',
    });
    expect(source).toContain('from sample_trainer.manager import CheckpointError');
    expect(source).toContain('CORRUPT_ERRORS = CheckpointError');
    expect(source).toContain('corrupt_load_error(lambda: make_adapter(layout.directory).load(broken), broken)');
    expect(source).toContain('assert path.name in str(error)');
  });

  it('checks the fall-back and its warning under "fallback", and nothing is raised', () => {
    const source = render('corruption/test_corruption.py.ejs', { corruptPolicy: 'fallback' });
    expect(source).toContain('.resume("latest")');
    expect(source).toContain('assert warnings_naming(caplog, broken)');
    expect(source).not.toContain('pytest.raises(');
  });

  it('reads the examples count into the Hypothesis settings, derandomized', () => {
    const source = render('corruption/test_corruption.py.ejs', { hypothesisExamples: '7' });
    expect(source).toContain('max_examples=7,');
    expect(source).toContain('derandomize=True,');
  });

  it('adds restore() to the adapter only when C9 is generated', () => {
    expect(render('common/checkpoint_adapter.py.ejs', { format: 'torch' })).toContain(
      'def restore(self, path, model, optimizer):',
    );
    expect(render('common/checkpoint_adapter.py.ejs', { format: 'torch', restoreOp: 'none' })).not.toContain(
      'def restore(',
    );
    expect(render('common/checkpoint_adapter.py.ejs', { format: 'pickle' })).not.toContain('def restore(');
  });
});
