/**
 * What the family tests share without Python: the answers as `--yes` would
 * resolve them, the case decisions of one family, and a template rendered
 * with the view those answers give.
 */
import { decideCases } from '../../lib/cases.js';
import { TEMPLATES_ROOT } from '../../lib/paths.js';
import { type Answers, QUESTIONS, isAsked } from '../../lib/questions.js';
import { renderTemplate } from '../../lib/render.js';
import { buildSuiteView } from '../../lib/view-model.js';

/** Every answer at its default (asked or not), with `given` on top, as --yes would resolve them. */
export function answersWith(given: Partial<Answers>): Answers {
  const answers: Record<string, unknown> = { module: 'sample_trainer.manager', ...given };
  for (const question of QUESTIONS) {
    if (answers[question.name] === undefined && isAsked(question, answers as Partial<Answers>)) {
      answers[question.name] = question.default(answers as Partial<Answers>);
    }
  }
  return answers as unknown as Answers;
}

/** `{id: true}` for each case of `family` generated, `{id: reason}` for each left out. */
export function familyDecisions(family: string, given: Partial<Answers>): Record<string, string | true> {
  return Object.fromEntries(
    decideCases(answersWith(given))
      .filter((decision) => decision.family === family)
      .map((decision) => [decision.id, decision.generated ? true : decision.reason!]),
  );
}

/** `template` (under templates/) rendered for the answers `given` resolves to. */
export function renderFor(template: string, given: Partial<Answers>): string {
  return renderTemplate(template, buildSuiteView(answersWith(given), '0.0.0'), { builtIn: TEMPLATES_ROOT });
}
