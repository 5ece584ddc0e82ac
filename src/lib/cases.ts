/**
 * The case catalogue (CASES.md) as data, gathered from the families: which
 * cases exist, and for a set of answers which are generated and why the
 * others are left out. Templates ask `has(id)`; they never decide this.
 */
import { FAMILIES } from './families/index.js';
import type { Answers, CaseSpec, Category } from './question-kit.js';

export { hasOp } from './question-kit.js';
export type { CaseSpec } from './question-kit.js';

export interface CaseDecision {
  id: string;
  family: Category;
  title: string;
  generated: boolean;
  reason?: string;
  /** A generated case some of whose checks are left out: which, and why. */
  partly?: string;
}

export const CASES: readonly CaseSpec[] = FAMILIES.flatMap((family) => family.cases);

/** Every case of the catalogue with the decision for these answers. */
export function decideCases(answers: Answers): CaseDecision[] {
  return CASES.map((spec) => {
    const reason = !answers.categories.includes(spec.family)
      ? `the ${spec.family} family was not chosen`
      : answers.coveredCases?.includes(spec.id)
        ? 'your existing tests cover it (checkpoint-tests audit)'
        : spec.leftOutBecause(answers);
    const partly = reason ? undefined : spec.partlyLeftOutBecause?.(answers);
    return {
      id: spec.id,
      family: spec.family,
      title: spec.title,
      generated: !reason,
      ...(reason ? { reason } : {}),
      ...(partly ? { partly } : {}),
    };
  });
}
