/**
 * Every name the answers bind, checked against the user's module before
 * anything is written (issue 14, item 5): each op, `restoreOp`, the
 * training-state methods, the resumed-from attribute, the backoff target,
 * and the names the constructor expression uses besides the class. The
 * lookups run in the run's one Python process (python/introspect.py's
 * `bindings` and `expression_names`); this file turns what they found into
 * the problems of one paragraph, each naming the answer, the value and the
 * fix, with a "did you mean" where a near name exists.
 */
import { type BindingFact, type BindingFacts, BOUND_ANSWERS, type BoundName, boundName } from './bound-name.js';
import { cut, quoteValue } from './errors.js';
import { didYouMean } from './infer.js';
import type { Introspection } from './python.js';
import { type Answers, type AnswerName, NONE, isAsked, questionNamed } from './questions.js';

/** The `bindings` request of the introspection: each bound answer asked, by name. */
export function bindingRequest(answers: Partial<Answers>): Record<string, { root: string; path: string[] }> {
  const request: Record<string, { root: string; path: string[] }> = {};
  for (const name of BOUND_ANSWERS) {
    const question = questionNamed(name);
    if (!question || !isAsked(question, answers)) continue;
    // Only publish waits between attempts: with no publish bound, nothing calls it.
    if (name === 'retrySleep' && (answers.publishOp === undefined || answers.publishOp === NONE)) continue;
    const bound = boundName(answers, name);
    if (bound) request[name] = { root: bound.root, path: bound.path };
  }
  return request;
}

/** Ops whose adapter method passes arguments: a property or a plain value cannot do them. */
const TAKES_ARGUMENTS: ReadonlySet<string> = new Set([
  'saveOp',
  'loadOp',
  'resumeOp',
  'publishOp',
  'restoreOp',
  'trainingStateOp',
  'restoreTrainingOp',
]);

/** What to answer instead, said once a problem. */
function fixFor(name: AnswerName): string {
  if (name === 'resumedFromAttribute') return `answer "${NONE}" if nothing records it`;
  if (name === 'retrySleep') return 'name what publish calls to wait, such as `module.time.sleep` when it calls `time.sleep`';
  return `answer "${NONE}" if your code lacks the op`;
}

/** The value with the name at `index` of its path replaced: the answer a "did you mean" suggests. */
function suggested(value: string, bound: BoundName, index: number, near: string): string {
  const parts = value.split('.');
  parts[parts.length - bound.path.length + index] = near;
  return parts.join('.');
}

/** What owns the name at `index` of the path, as the user reads it (`Experiment.checkpoint`). */
function where(answers: Partial<Answers>, bound: BoundName, index = bound.path.length - 1): string {
  return [bound.root === 'manager' ? answers.className : answers.module, ...bound.path.slice(0, index)].join('.');
}

/** The problem with one bound answer, or undefined when it binds what it should. */
export function bindingProblem(
  answers: Partial<Answers>,
  name: AnswerName,
  fact: BindingFact | undefined,
  /** What the class (or module) offers at the top of a path, listed instead of every name there: its public methods, or the module's functions. */
  offered?: readonly string[],
): string | undefined {
  const bound = boundName(answers, name);
  const value = String(answers[name]);
  if (!bound || !fact) return undefined;
  const said = `\`${name}\` is ${quoteValue(value)}`;
  if (fact.problem) {
    const index = fact.missing ?? bound.path.length - 1;
    const missing = bound.path[index]!;
    const near = didYouMean(missing, fact.near ?? []);
    const what = index === 0 && bound.root === 'manager' ? 'method or attribute' : 'attribute';
    const top = index === 0 && offered && name !== 'resumedFromAttribute' && name !== 'retrySleep';
    const listed = top ? offered : (fact.near ?? []).filter((candidate) => !candidate.startsWith('_'));
    const guess = near ? `did you mean ${quoteValue(suggested(value, bound, index, near))}? ` : '';
    return `${said}, but ${where(answers, bound, index)} has no such ${what} ${missing} (${guess}it has ${cut(listed.join(', ') || 'none')}; ${fixFor(name)})`;
  }
  if (TAKES_ARGUMENTS.has(name) && (fact.kind === 'property' || fact.kind === 'value')) {
    return `${said}, but that is a ${fact.kind === 'property' ? 'property' : 'plain attribute'} of ${where(answers, bound)}, which cannot be called with the op's arguments; name the method that does it (${fixFor(name)})`;
  }
  if (name === 'resumedFromAttribute' && (fact.kind === 'method' || fact.kind === 'function')) {
    return `${said}, but that is a method; name the attribute your code sets to the path a resume loaded (${fixFor(name)})`;
  }
  return undefined;
}

/** Every binding problem of the introspection, and the notes on names that could not be checked (said, not refused). */
export function bindingProblems(answers: Answers, found: Introspection): { problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  for (const [name, fact] of Object.entries(found.bindings ?? {})) {
    const bound = boundName(answers, name as AnswerName);
    const cls = found.classes.find((candidate) => candidate.name === answers.className);
    const offered = bound?.root === 'manager' ? cls?.methods : answers.className ? undefined : found.functions;
    const problem = bindingProblem(answers, name as AnswerName, fact, offered);
    if (problem) problems.push(problem);
    else if (fact.note) notes.push(`\`${name}\` (${quoteValue(String(answers[name as AnswerName]))}) was not checked past a member: ${fact.note}.`);
  }
  for (const [name, how] of Object.entries(found.expression_names ?? {})) {
    if (!how.problem) continue;
    const near = didYouMean(name, how.near ?? []);
    problems.push(
      `\`constructorExpression\` is ${quoteValue(answers.constructorExpression)}, but it uses ${name}, which ${cut(how.problem.replace(/^\S+ /, ''))}; use a name your module defines or a module that imports${near ? ` (did you mean ${near}?)` : ''}`,
    );
  }
  return { problems, notes };
}

/** The facts the adapter is rendered from: only those of names that resolved. */
export function renderedFacts(found: Introspection | undefined): BindingFacts | undefined {
  if (!found?.bindings) return undefined;
  return Object.fromEntries(Object.entries(found.bindings).filter(([, fact]) => !fact.problem));
}
