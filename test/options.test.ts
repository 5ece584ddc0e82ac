import { describe, expect, it } from 'vitest';
import { answersFromOptions } from '../lib/answers.js';
import { QUESTIONS, optionName } from '../lib/questions.js';

describe('CLI option names', () => {
  it('read as words: lower-case, dash-separated, no one-letter pieces', () => {
    for (const question of QUESTIONS) {
      const flag = optionName(question.name);
      expect(flag, question.name).toMatch(/^[a-z]+(-[a-z]{2,})*$/);
    }
    expect(optionName('stateMiB')).toBe('state-mib');
    expect(optionName('resumedFromAttribute')).toBe('resumed-from-attribute');
  });

  it('arrive as the answer they name, however Yeoman spells the key', () => {
    // Yeoman camel-cases the flag (`--state-mib` becomes `stateMib`); tests and the API pass the answer name.
    expect(answersFromOptions({ stateMib: '32' })).toEqual({ stateMiB: '32' });
    expect(answersFromOptions({ 'state-mib': '32' })).toEqual({ stateMiB: '32' });
    expect(answersFromOptions({ stateMiB: '32', keepLast: '5' })).toEqual({ stateMiB: '32', keepLast: '5' });
  });
});
