/**
 * Inference from the introspection of a user's module: fuzzy op names (never
 * the first name in order), the class, the constructor expression, the
 * format, the tracker and keepLast; and the "did you mean" of the prompts.
 */
import { describe, expect, it } from 'vitest';
import {
  STRICTER_MARK,
  choiceLabel,
  didYouMean,
  editDistance,
  inferAnswer,
  inferClass,
  inferConstructor,
  inferFormat,
  inferKeepLast,
  inferMethod,
} from '../src/lib/infer.js';
import type { Introspection, ModuleClass } from '../src/lib/python.js';
import type { Question } from '../src/lib/question-kit.js';
import { questionNamed } from '../src/lib/questions.js';

const manager = (overrides: Partial<ModuleClass> = {}): ModuleClass => ({
  name: 'Checkpointer',
  methods: ['ckpt_path', 'find_latest', 'load_checkpoint', 'save_checkpoint'],
  attributes: ['root', 'resume_path'],
  parameters: [
    { name: 'root', required: true },
    { name: 'max_to_keep', required: false, default: 5 },
  ],
  ...overrides,
});

const introspection = (overrides: Partial<Introspection> = {}): Introspection => ({
  module_error: null,
  classes: [manager()],
  functions: [],
  imports: [],
  exceptions: {},
  expression_error: null,
  missing_needs: {},
  source_calls: [],
  exception_classes: [],
  ...overrides,
});

describe('edit distance and did-you-mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('RuntimeErorr', 'RuntimeError')).toBe(1);
    expect(editDistance('save', 'save')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests a near name, and nothing for a far one or an exact one', () => {
    const candidates = ['sample_trainer.manager.CheckpointError', 'RuntimeError', 'ValueError'];
    expect(didYouMean('sample_trainer.manager.CheckpointErorr', candidates)).toBe(
      'sample_trainer.manager.CheckpointError',
    );
    expect(didYouMean('RuntimeErorr', candidates)).toBe('RuntimeError');
    expect(didYouMean('KeyboardInterrupt', candidates)).toBeUndefined();
    expect(didYouMean('ValueError', candidates)).toBeUndefined();
    expect(didYouMean('sav', ['save', 'load'])).toBe('save');
  });
});

describe('op methods by fuzzy name', () => {
  const methods = manager().methods;

  it('binds save_checkpoint, load_checkpoint and find_latest, never the alphabetically first name', () => {
    expect(inferMethod('saveOp', methods)).toMatchObject({ value: 'save_checkpoint', certain: true });
    expect(inferMethod('loadOp', methods)).toMatchObject({ value: 'load_checkpoint', certain: true });
    expect(inferMethod('latestOp', methods)).toMatchObject({ value: 'find_latest', certain: true });
    for (const op of ['saveOp', 'loadOp', 'latestOp'] as const)
      expect(inferMethod(op, methods).value).not.toBe('ckpt_path');
  });

  it('answers none when no name fits', () => {
    expect(inferMethod('publishOp', methods)).toMatchObject({ value: 'none', certain: true });
    expect(inferMethod('pruneOp', methods)).toMatchObject({ value: 'none', certain: true });
  });

  it('prefers the exact name, and a name of its own op over one that mixes ops', () => {
    expect(inferMethod('latestOp', ['latest_checkpoint', 'latest']).value).toBe('latest');
    expect(inferMethod('loadOp', ['load_latest', 'load_state_from']).value).toBe('load_state_from');
    expect(inferMethod('latestOp', ['restore', 'latest_checkpoint']).value).toBe('latest_checkpoint');
  });

  it('is unsure when two names fit equally, and passes over methods bound to other ops', () => {
    expect(inferMethod('saveOp', ['save_model', 'save_state'])).toMatchObject({ certain: false });
    expect(inferMethod('saveOp', ['save', 'save_model'], ['save']).value).toBe('save_model');
  });
});

describe('class, constructor, format, tracker, keepLast', () => {
  it('takes the only class, or the one with save/load-like methods', () => {
    expect(inferClass([manager()], [])).toMatchObject({ value: 'Checkpointer', certain: true });
    const config = manager({ name: 'Config', methods: ['to_dict', 'validate'] });
    expect(inferClass([config, manager()], [])).toMatchObject({ value: 'Checkpointer', certain: true });
    expect(inferClass([config, manager({ name: 'Other' }), manager()], [])).toMatchObject({ certain: false });
    expect(inferClass([], ['save', 'load'])).toMatchObject({ value: '', certain: true });
  });

  it('builds the constructor from the parameter that names the directory', () => {
    expect(inferConstructor(manager())).toMatchObject({ value: 'Checkpointer(checkpoint_dir)', certain: true });
    const keywordOnly = manager({
      parameters: [
        { name: 'model', required: false, default: null },
        { name: 'save_dir', required: false, default: 'ckpts' },
      ],
    });
    expect(inferConstructor(keywordOnly)).toMatchObject({
      value: 'Checkpointer(save_dir=checkpoint_dir)',
      certain: true,
    });
    const needsMore = manager({
      parameters: [
        { name: 'directory', required: true },
        { name: 'model', required: true },
      ],
    });
    expect(inferConstructor(needsMore)).toMatchObject({ certain: false });
  });

  it('gives a prune that keeps everything by default a number, which keepLast then reads', () => {
    const pruning = manager({
      methods: ['save', 'load', 'prune'],
      parameters: [
        { name: 'directory', required: true },
        { name: 'keep_last', required: false, default: null },
      ],
    });
    const constructed = inferConstructor(pruning);
    expect(constructed.value).toBe('Checkpointer(checkpoint_dir, keep_last=3)');
    expect(inferKeepLast(pruning, constructed.value)).toMatchObject({ value: '3', certain: true });
    expect(inferKeepLast(manager(), 'Checkpointer(checkpoint_dir)')).toMatchObject({ value: '5' });
    expect(inferKeepLast(manager({ parameters: [] }))).toBeUndefined();
  });

  it('reads the format from a constructor keyword, else from the one writer the source calls', () => {
    const keyword = manager({ parameters: [{ name: 'fmt', required: false, default: 'json' }] });
    expect(inferFormat(keyword, ['torch.save'])).toMatchObject({ value: 'json', certain: true });
    expect(inferFormat(manager(), ['torch.save', 'torch.load', 'json.dumps'])).toMatchObject({
      value: 'torch',
      certain: true,
    });
    expect(inferFormat(manager(), ['pickle.dump', 'torch.save'])).toMatchObject({ value: 'torch', certain: false });
    expect(inferFormat(manager(), [])).toBeUndefined();
    expect(inferFormat(keyword, [], 'Checkpointer(checkpoint_dir, fmt="torch")')).toMatchObject({
      value: 'torch',
      certain: true,
    });
  });

  it('reads the tracker from the imports, and the attribute that records a resume', () => {
    const found = introspection({ imports: ['os', 'mlflow'] });
    expect(inferAnswer('tracker', { className: 'Checkpointer' }, found)).toMatchObject({
      value: 'mlflow',
      certain: true,
    });
    expect(inferAnswer('tracker', { className: 'Checkpointer' }, introspection())).toBeUndefined();
    expect(inferAnswer('resumedFromAttribute', { className: 'Checkpointer' }, found)).toMatchObject({
      value: 'resume_path',
    });
    expect(inferAnswer('saveOp', { className: 'Checkpointer' }, found)).toMatchObject({ value: 'save_checkpoint' });
    // A module that does not import shows nothing.
    expect(
      inferAnswer('saveOp', { className: 'Checkpointer' }, introspection({ module_error: 'boom' })),
    ).toBeUndefined();
  });
});

describe('policy choice labels', () => {
  it('marks the strict answer of a policy as recommended and stricter, and nothing else', () => {
    const policy = { strict: 'raise' };
    expect(choiceLabel({ value: 'raise', help: 'it raises' }, policy)).toBe(`raise: it raises ${STRICTER_MARK}`);
    expect(choiceLabel({ value: 'none', help: 'it returns None' }, policy)).toBe('none: it returns None');
    expect(choiceLabel({ value: 'raise', help: 'it raises' }, undefined)).toBe('raise: it raises');
  });
});

describe('how publish waits between attempts, read from the code', () => {
  const defaultOf = (name: 'publishRetries' | 'retrySleep', facts: Parameters<Question['default']>[1]) =>
    questionNamed(name)!.default({ categories: ['artifact'] }, facts);

  it('takes the class`s own sleep, a method or an injected attribute, first', () => {
    expect(defaultOf('retrySleep', { imports: ['time'], callables: ['publish'], attributes: ['sleep'] })).toBe('sleep');
    expect(defaultOf('retrySleep', { imports: [], callables: ['publish', 'sleep'] })).toBe('sleep');
    expect(defaultOf('publishRetries', { imports: [], callables: ['sleep'] })).toBe('2');
  });

  it('else the module`s time.sleep', () => {
    expect(defaultOf('retrySleep', { imports: ['time'], callables: ['publish'], attributes: [] })).toBe(
      'module.time.sleep',
    );
    expect(defaultOf('publishRetries', { imports: ['time'], callables: ['publish'] })).toBe('2');
  });

  it('expects no retries from code with nothing to wait with, and keeps the defaults without facts', () => {
    expect(defaultOf('publishRetries', { imports: ['os', 'pickle'], callables: ['publish'], attributes: [] })).toBe(
      '0',
    );
    expect(defaultOf('publishRetries', undefined)).toBe('2');
    expect(defaultOf('retrySleep', undefined)).toBe('sleep');
  });
});
