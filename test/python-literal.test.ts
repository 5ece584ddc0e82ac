/** Python literals made from answers must mean exactly the answer, and be black-stable. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pyCall, pyString, pyStringList } from '../lib/python-literal.js';
import { pythonWith } from '../scripts/zoo.mjs';

const TRICKY = [
  'plain',
  "it's",
  'say "hi"',
  `both ' and "`,
  'back\\slash \\n not a newline',
  'line\nbreak\ttab\rcarriage',
  'nul\x00 bell\x07 del\x7f',
  'modèle 优化器 🚀',
  'line separator \u2028 next line \u0085',
];

describe('pyString', () => {
  it('round-trips every tricky string through Python', async () => {
    const python = await pythonWith(['black']);
    expect(python, 'a Python with black on PATH').toBeDefined();
    const source = `import json\nprint(json.dumps([${TRICKY.map(pyString).join(', ')}]))\n`;
    const output = execFileSync(python!, ['-c', source], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual(TRICKY);
  });

  it('quotes as black does, so generated files stay black-clean', async () => {
    const python = await pythonWith(['black']);
    const source = `${TRICKY.map((value, index) => `value_${index} = ${pyString(value)}`).join('\n')}\nitems = ${pyStringList(['a', 'b'])}\n`;
    const formatted = execFileSync(python!, ['-m', 'black', '-q', '-'], { input: source, encoding: 'utf8' });
    expect(formatted).toBe(source);
  });

  it('prefers double quotes and escapes only what it must', () => {
    expect(pyString('a')).toBe('"a"');
    expect(pyString('say "hi"')).toBe(`'say "hi"'`);
    expect(pyString('\\')).toBe('"\\\\"');
  });
});

describe('pyCall', () => {
  it('lays a call out on one line, its arguments on one line, or one a line, as black does', async () => {
    const python = await pythonWith(['black']);
    const calls = [
      pyCall('return make', ['a', 'b'], '    '),
      pyCall(
        'return make',
        ['first_argument_name', 'second_argument_name', 'third_argument_name', 'fourth_arg'],
        '    ',
      ),
      pyCall(
        'return make',
        Array.from({ length: 9 }, (_, index) => `argument_number_${index}`),
        '    ',
      ),
    ];
    expect(calls.map((call) => call.split('\n').length)).toEqual([1, 3, 11]);
    const source = `def f():\n${calls.join('\n')}\n`;
    const formatted = execFileSync(python!, ['-m', 'black', '-q', '-'], { input: source, encoding: 'utf8' });
    expect(formatted).toBe(source);
  });
});
