/**
 * The `@pytest.mark.policy(...)` decorator of a generated test whose
 * expectation follows answers (DESIGN-NOTES 1): the suite's failure summary
 * (conftest.py) groups failures by case and these answers, and names the
 * option that would change each.
 */
import { pyCall, pyString } from './python-literal.js';
import type { AnswerName } from './question-kit.js';

/** The decorator line naming `answers`, laid out as black lays it out at `indent`. */
export function policyMark(answers: readonly AnswerName[], indent = ''): string {
  return pyCall('@pytest.mark.policy', answers.map(pyString), indent);
}
