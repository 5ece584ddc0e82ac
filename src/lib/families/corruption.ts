/**
 * The corruption family (C1–C9): every kind of broken checkpoint file, made
 * by the suite itself from a valid checkpoint saved through the adapter, must
 * give the policy's outcome (raise a named exception, give None, or fall back
 * to the newest valid checkpoint), never a partly loaded state.
 */
import {
  type AnswerName,
  type Answers,
  type CaseSpec,
  type Family,
  type Question,
  DOTTED_NAMES,
  exceptionNames,
  exceptionQuestion,
  firstReason,
  hasAnyCategory,
  hasCategory,
  lacking,
  NONE,
} from '../question-kit.js';
import { type BindingFacts, BOUND_NAME_PATTERN, boundCall, boundNameProblem } from '../bound-name.js';
import { policyMark } from '../policy-mark.js';
import { pyString, wrap } from '../python-literal.js';
import { exceptionView } from './resume.js';
import { parseRenamedKeys } from '../state-keys.js';
import { keysOnLoad } from '../state-shape.js';

/** The kinds of corruption a user can choose, one case each. */
export const CORRUPTION_KINDS = [
  { value: 'truncated', id: 'C1', help: 'C1: files cut short at several points (first byte, mid-header, half, last byte)' },
  { value: 'empty', id: 'C2', help: 'C2: an empty file, and one holding a single newline' },
  { value: 'garbage', id: 'C3', help: 'C3: random bytes, zeros or an HTML error page of the same length' },
  { value: 'wrong-type', id: 'C4', help: 'C4: a valid file holding a list, a string, a number (a tensor for torch)' },
  { value: 'missing-keys', id: 'C5', help: 'C5: each required key missing in turn' },
  { value: 'wrong-value-types', id: 'C6', help: 'C6: each required key holding a value of the wrong type' },
  { value: 'future-version', id: 'C7', help: 'C7: a format version newer than the code knows' },
  { value: 'property-based', id: 'C8', help: 'C8: Hypothesis: any truncation point, any flipped byte' },
  { value: 'live-objects', id: 'C9', help: 'C9 (torch): a broken optimizer part leaves the live model untouched' },
] as const;
export type CorruptionKind = (typeof CORRUPTION_KINDS)[number]['value'];

/** Top-level keys of the suite's states a manager may require, with the Python type each holds. */
export const REQUIRED_KEY_TYPES = { step: 'int', model: 'dict', optimizer: 'dict', metadata: 'dict' } as const;
export type RequiredKey = keyof typeof REQUIRED_KEY_TYPES;

declare module '../question-kit.js' {
  interface Families {
    corruption: true;
  }
  interface Answers {
    corruptPolicy: 'raise' | 'none' | 'fallback';
    corruptError: string;
    errorsNameFile: 'yes' | 'no';
    requiredKeys: RequiredKey[];
    typedKeys: RequiredKey[];
    corruptionKinds: CorruptionKind[];
    hypothesisExamples: string;
    restoreOp: string;
  }
}

const inCorruption = hasCategory('corruption');
/** Whether the corruption (or versioning) family is chosen with the "raise" policy: the exception answers apply. */
const raisesOnCorrupt = (answers: Partial<Answers>) =>
  inCorruptionOrVersioning(answers) && (answers.corruptPolicy ?? 'raise') === 'raise';
/** The policy on a corrupt file is also V3's (a newer unknown version), so versioning asks it too. */
const inCorruptionOrVersioning = hasAnyCategory('corruption', 'versioning');
const kindChosen = (answers: Partial<Answers>, kind: CorruptionKind) =>
  answers.corruptionKinds === undefined || answers.corruptionKinds.includes(kind);

const QUESTIONS: readonly Question[] = [
  {
    name: 'corruptPolicy',
    kind: 'enum',
    group: 'corruption',
    message: 'When asked to load a corrupt checkpoint (truncated, garbage, wrong content, a newer format version), your code…',
    help: 'C1–C8 and V3: what loading a corrupt checkpoint, or one of a newer format version, does.',
    choices: [
      { value: 'raise', help: 'raise an exception naming the path' },
      { value: 'none', help: '`load(path)` returns None' },
      { value: 'fallback', help: '`resume("latest")` skips it, with a warning naming it, for the newest valid one' },
    ],
    default: () => 'raise',
    sharedWith: ['versioning'],
    when: inCorruptionOrVersioning,
  },
  {
    ...exceptionQuestion(
      'corruptError',
      'corruption',
      'Which exception (or exceptions, comma-separated) does loading a corrupt checkpoint raise?',
      'C1–C8, V3 and S1: the exception `load(path)` raises for a corrupt file or a newer format version (a subclass passes too); several, comma-separated, when your loader lets the errors of `pickle`, `json` or `torch.load` through (torch 1.13 raises `EOFError`, `pickle.UnpicklingError`, `RuntimeError` or `OSError` depending on the damage). Read from your code when the checks run: a sample checkpoint cut to half its bytes is loaded once, and an exception of your own package that it raises is the suggestion.',
      'ValueError',
      raisesOnCorrupt,
    ),
    pattern: { source: DOTTED_NAMES, allowed: 'builtin exception names or dotted import paths, comma-separated' },
    validate: (value: string) => {
      const names = exceptionNames(value).map((name) => name.slice(name.lastIndexOf('.') + 1));
      const twice = names.find((name, index) => names.indexOf(name) !== index);
      return twice ? `two of the exceptions are called ${twice}: name each class once` : undefined;
    },
    sharedWith: ['versioning'],
    policy: {
      strict: 'ValueError',
      why: 'one exception of your own, raised by the loader for every kind of damage, is one `except` for the trainer to write',
      lenient: 'a list of the exceptions that escape from `pickle`/`json`/`torch.load`: the load must still raise one of them, never return a partial state',
    },
  },
  {
    name: 'errorsNameFile',
    kind: 'enum',
    group: 'corruption',
    message: "Does your loader's error name the file? (the broken checkpoint's file name is in the exception's message)",
    help: "C1–C8, V3 and S1: whether the exception a corrupt checkpoint raises names the file in its message (`no` when the errors come straight from `pickle`, `json` or `torch.load`: the tests then check only that one of `corruptError` is raised).",
    choices: [
      { value: 'yes', help: 'the message names the file (recommended)' },
      { value: 'no', help: 'the error may come straight from the deserializer: only its type is checked' },
    ],
    default: () => 'yes',
    sharedWith: ['versioning'],
    when: raisesOnCorrupt,
    policy: {
      strict: 'yes',
      why: 'an error naming the file tells whoever reads a crashed run\'s log which checkpoint to inspect or delete',
      lenient: 'the load still raises one of `corruptError`, never returns a partial state; the message is not read',
    },
  },
  {
    name: 'requiredKeys',
    kind: 'list',
    group: 'corruption',
    message: 'Which top-level keys must every checkpoint hold? (your loader refuses a file without them)',
    help: "C5 (and C8, S1): keys of the suite's states that your loader refuses a file without. Whether each one's type is checked too is `typedKeys`. None by default: C5 and C6 are then left out.",
    choices: (Object.keys(REQUIRED_KEY_TYPES) as RequiredKey[]).map((key) => ({
      value: key,
      help: `must be present (a ${REQUIRED_KEY_TYPES[key]} in the suite's states)`,
    })),
    default: () => [],
    when: inCorruption,
    policy: {
      strict: 'the keys your trainer reads back',
      why: 'a loader that refuses a file without `optimizer` stops a run that would silently restart its optimizer',
      lenient: '[]: no key is required, C5 is left out; every other kind of damage is still checked',
    },
  },
  {
    name: 'typedKeys',
    kind: 'list',
    group: 'corruption',
    message: 'Of those required keys, which does your loader also type-check? (it refuses `optimizer: None`, say)',
    help: "C6 (and C8, S1): required keys whose value your loader checks is of the type the suite's states hold (`step` an int, `model`, `optimizer` and `metadata` dicts). By default all of `requiredKeys`; `[]` for a loader that checks presence only (C6 is then left out).",
    choices: (Object.keys(REQUIRED_KEY_TYPES) as RequiredKey[]).map((key) => ({
      value: key,
      help: `must hold a ${REQUIRED_KEY_TYPES[key]}`,
    })),
    default: (answers) => [...(answers.requiredKeys ?? [])],
    validate: (value, answers) => {
      const untyped = value.filter((key) => answers.requiredKeys !== undefined && !answers.requiredKeys.includes(key));
      return untyped.length > 0
        ? `${untyped.join(', ')} ${untyped.length > 1 ? 'are' : 'is'} not among requiredKeys: a key whose type is checked must be required too`
        : undefined;
    },
    when: (answers) => inCorruption(answers) && (answers.requiredKeys ?? []).length > 0,
    policy: {
      strict: 'the same keys as requiredKeys',
      why: 'a type check refuses `optimizer: None` at the file, instead of a `load_state_dict` failing far from it',
      lenient: '[] (presence only): C5 still checks that each missing required key is refused; C6 is left out',
    },
  },
  {
    name: 'corruptionKinds',
    kind: 'list',
    group: 'corruption',
    message: 'Which kinds of corruption should the suite check?',
    help: 'C1–C9: the kinds of broken checkpoint to generate tests for (all by default).',
    choices: CORRUPTION_KINDS.map((kind) => ({ value: kind.value, help: kind.help })),
    default: () => CORRUPTION_KINDS.map((kind) => kind.value),
    validate: (value) =>
      value.length === 0 ? 'choose at least one kind, or leave corruption out of `categories`' : undefined,
    when: inCorruption,
  },
  {
    name: 'hypothesisExamples',
    kind: 'string',
    group: 'corruption',
    message: 'How many examples should each Hypothesis property try?',
    help: "C8: Hypothesis's `max_examples` for the truncation and flipped-byte properties; the examples are the same on every run (derandomized).",
    default: () => '50',
    pattern: { source: '^[1-9][0-9]{0,5}$', allowed: 'a whole number from 1 to 999999' },
    when: (answers) => inCorruption(answers) && kindChosen(answers, 'property-based'),
  },
  {
    name: 'restoreOp',
    kind: 'string',
    group: 'corruption',
    message: `Which method loads a checkpoint into a live model and optimizer, \`restore(path, model, optimizer)\`? (${NONE} if there is none)`,
    help: `C9 (torch): the method behind the adapter's \`restore(path, model, optimizer)\`, which must raise and leave both untouched when the checkpoint cannot be restored; \`${NONE}\` leaves C9 out.`,
    // Suggested only where the class has one: most managers load into a dict, not into live objects.
    default: (_answers, facts) => (!facts || facts.callables.includes('restore') ? 'restore' : NONE),
    pattern: BOUND_NAME_PATTERN,
    validate: boundNameProblem,
    dynamicChoices: 'methods',
    when: (answers) => inCorruption(answers) && answers.format === 'torch' && kindChosen(answers, 'live-objects'),
  },
];

function notChosen(kind: CorruptionKind) {
  return (answers: Answers) =>
    answers.corruptionKinds.includes(kind) ? undefined : `"${kind}" is not among corruptionKinds`;
}

/** raise and none check `load(path)`; fallback checks `resume("latest")` (C1–C8 and V3). */
export function lackingPolicyOps(answers: Answers): string | undefined {
  return answers.corruptPolicy === 'fallback' ? lacking('save', 'resume')(answers) : lacking('save', 'load')(answers);
}

const noRequiredKeys = (answers: Answers) =>
  answers.requiredKeys.length === 0 ? 'no required keys were answered (requiredKeys is empty)' : undefined;

/** The keys whose type the loader checks: `typedKeys`, all of `requiredKeys` when it was not asked. */
export function typedKeys(answers: Partial<Answers>): RequiredKey[] {
  return answers.typedKeys ?? answers.requiredKeys ?? [];
}

const noTypedKeys = (answers: Answers) =>
  typedKeys(answers).length === 0
    ? 'no required key is type-checked (typedKeys is empty: the loader checks presence only)'
    : undefined;

/** A case every policy can check once the kind is chosen and the policy's ops exist. */
function policyCase(id: string, kind: CorruptionKind, title: string): CaseSpec {
  return { id, family: 'corruption', title, leftOutBecause: firstReason(notChosen(kind), lackingPolicyOps) };
}

const CASES: readonly CaseSpec[] = [
  policyCase('C1', 'truncated', "a truncated checkpoint gives the policy's outcome (several cut points)"),
  policyCase('C2', 'empty', "an empty checkpoint gives the policy's outcome"),
  policyCase('C3', 'garbage', "garbage bytes give the policy's outcome"),
  policyCase('C4', 'wrong-type', "a valid file holding something other than a dict gives the policy's outcome"),
  {
    id: 'C5',
    family: 'corruption',
    title: 'a checkpoint missing a required key gives the policy\'s outcome',
    leftOutBecause: firstReason(notChosen('missing-keys'), noRequiredKeys, lackingPolicyOps),
  },
  {
    id: 'C6',
    family: 'corruption',
    title: 'a required key of the wrong type gives the policy\'s outcome',
    leftOutBecause: firstReason(notChosen('wrong-value-types'), noRequiredKeys, noTypedKeys, lackingPolicyOps),
  },
  {
    id: 'C7',
    family: 'corruption',
    title: 'an unknown future format version gives the policy\'s outcome',
    leftOutBecause: firstReason(
      notChosen('future-version'),
      (answers) => (answers.versionKey === NONE ? `no version key (versionKey answered "${NONE}")` : undefined),
      lackingPolicyOps,
    ),
  },
  {
    id: 'C8',
    family: 'corruption',
    title: 'any truncation point or flipped byte gives the policy\'s outcome or a well-formed state (Hypothesis)',
    leftOutBecause: firstReason(notChosen('property-based'), lackingPolicyOps),
  },
  {
    id: 'C9',
    family: 'corruption',
    title: 'a failed restore leaves the live model and optimizer untouched (torch)',
    leftOutBecause: firstReason(
      (answers) => (answers.format === 'torch' ? undefined : `checkpoints are ${answers.format} files, not torch`),
      notChosen('live-objects'),
      (answers) =>
        !answers.restoreOp || answers.restoreOp === NONE
          ? `no restore(path, model, optimizer) op (restoreOp answered "${NONE}")`
          : undefined,
    ),
  },
];

/** Format versions newer than the current one, by test id: C7's and V3's parametrization. */
export function futureVersions(answers: Answers): Param[] {
  return [
    { id: 'version-next', value: String(Number(answers.currentVersion) + 1) },
    { id: 'version-far-future', value: String(Number(answers.currentVersion) + 1000) },
  ];
}

export interface Param {
  id: string;
  /** Python source of the parameter value(s). */
  value: string;
}

/** Where C1 cuts a file: Python expressions of its `size`, per format. */
function truncations(format: Answers['format']): Param[] {
  const header: Record<Answers['format'], Param> = {
    pickle: { id: 'truncated-mid-header', value: 'lambda size: 5' },
    json: { id: 'truncated-mid-first-key', value: 'lambda size: 5' },
    torch: { id: 'truncated-mid-local-header', value: 'lambda size: 16' },
  };
  return [
    { id: 'truncated-first-byte-only', value: 'lambda size: 1' },
    header[format],
    { id: 'truncated-half', value: 'lambda size: size // 2' },
    ...(format === 'torch' ? [{ id: 'truncated-mid-central-directory', value: 'lambda size: size - 30' }] : []),
    { id: 'truncated-last-byte-missing', value: 'lambda size: size - 1' },
  ];
}

function wrongContents(format: Answers['format']): Param[] {
  return [
    { id: 'list-holding-the-state', value: 'lambda state: [state]' },
    { id: 'string', value: 'lambda state: "checkpoint"' },
    { id: 'integer', value: 'lambda state: 7' },
    ...(format === 'torch' ? [{ id: 'tensor', value: 'lambda state: torch.zeros(3)' }] : []),
  ];
}

export const WRONG_VALUES: Record<string, Param[]> = {
  int: [
    { id: 'str', value: '"2"' },
    { id: 'float', value: '2.5' },
    { id: 'none', value: 'None' },
  ],
  dict: [
    { id: 'list', value: '[]' },
    { id: 'str', value: '"corrupt"' },
    { id: 'none', value: 'None' },
  ],
};


/**
 * What a corrupt load must raise under the "raise" policy (corruptError, one
 * exception or several) and whether its message must name the file
 * (errorsNameFile): what the shared Python helper (partials/corrupt-errors)
 * checks and says in its failure messages.
 */
export interface CorruptErrorsView {
  /** What `except` takes: `ValueError`, or `(EOFError, UnpicklingError)`. */
  expression: string;
  /** The lines assigning it to `CORRUPT_ERRORS`. */
  assignment: string[];
  /** `from x import Name` for each exception that is not a builtin, sorted. */
  importLines: string[];
  /** The exceptions in words, as answered: "EOFError, pickle.UnpicklingError or RuntimeError". */
  text: string;
  /** Whether the message must name the file (errorsNameFile is not "no"). */
  namesFile: boolean;
  /** The answers the expectation follows, as failure messages name them. */
  answered: string;
}

export function corruptErrorsView(answers: Partial<Answers>): CorruptErrorsView {
  const dotted = exceptionNames(answers.corruptError || 'ValueError');
  const views = dotted.map(exceptionView);
  const namesFile = answers.errorsNameFile !== 'no';
  const text = dotted.length > 1 ? `${dotted.slice(0, -1).join(', ')} or ${dotted.at(-1)}` : dotted[0]!;
  const expression = views.length > 1 ? `(${views.map((view) => view.name).join(', ')})` : views[0]!.name;
  const oneLine = `CORRUPT_ERRORS = ${expression}`;
  return {
    expression,
    // Laid out as black lays it out: one line when it fits, else one exception a line.
    assignment:
      oneLine.length <= 88 ? [oneLine] : ['CORRUPT_ERRORS = (', ...views.map((view) => `    ${view.name},`), ')'],
    importLines: [...new Set(views.flatMap((view) => (view.importLine ? [view.importLine] : [])))].sort(),
    text,
    namesFile,
    answered: `corruptPolicy=raise, corruptError=${dotted.join(',')}, errorsNameFile=${namesFile ? 'yes' : 'no'}`,
  };
}

export const OUTCOMES: Record<Answers['corruptPolicy'], (errors: CorruptErrorsView) => string> = {
  raise: (errors) => `\`\`load(path)\`\` raises ${errors.text}${errors.namesFile ? ' naming the file' : ''}`,
  none: () => '``load(path)`` returns None',
  fallback: () => '``resume("latest")`` loads the newest valid checkpoint and logs a warning naming the broken one',
};

/** The policy marks of C1–C8: the answers each case's expectation follows. */
function corruptionMarks(answers: Answers) {
  const outcome: AnswerName[] =
    answers.corruptPolicy === 'raise' ? ['corruptPolicy', 'corruptError', 'errorsNameFile'] : ['corruptPolicy'];
  return {
    outcome: policyMark(outcome),
    missingKey: policyMark([...outcome, 'requiredKeys']),
    wrongType: policyMark([...outcome, 'typedKeys']),
    futureVersion: policyMark([...outcome, 'versionKey']),
    property: policyMark(answers.requiredKeys.length > 0 ? [...outcome, 'requiredKeys', 'typedKeys'] : outcome),
  };
}

function corruptionView(answers: Answers, cases: ReadonlySet<string>) {
  const has = (id: string) => cases.has(id);
  const policy = answers.corruptPolicy;
  const errors = corruptErrorsView(answers);
  const versioned = answers.versionKey !== NONE;
  const keys = answers.requiredKeys;
  const typed = typedKeys(answers);
  const usesPolicyCheck = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8'].some(has);
  const writesFiles = ['C4', 'C5', 'C6', 'C7'].some(has);
  const controlCase = ['C4', 'C5', 'C6', 'C7'].find(has);
  const checksState = policy === 'fallback' || has('C8');
  // A changed byte of a torch file can be a tensor's size, which torch.load then allocates: each
  // C8 flipped-byte load runs in a forked child with bounded memory and time (fork: POSIX only).
  const boundedLoads = answers.format === 'torch' && has('C8');

  const stdlib = [
    has('C9') ? 'import copy' : undefined,
    answers.format === 'json' && writesFiles ? 'import json' : undefined,
    usesPolicyCheck && policy === 'fallback' ? 'import logging' : undefined,
    boundedLoads ? 'import os' : undefined,
    answers.format === 'pickle' && writesFiles ? 'import pickle' : undefined,
    has('C3') ? 'import random' : undefined,
    boundedLoads ? 'import select' : undefined,
    boundedLoads ? 'import signal' : undefined,
    boundedLoads ? 'import time' : undefined,
  ].filter((line): line is string => Boolean(line));
  const imports = [...stdlib, ...(stdlib.length ? [''] : []), 'import pytest'];
  if (has('C8')) imports.push('from hypothesis import HealthCheck, given, settings', 'from hypothesis import strategies as st');
  if (usesPolicyCheck && policy === 'raise' && errors.importLines.length > 0) imports.push('', ...errors.importLines);
  // C5 and C6 break a key under the name the code stores it by (the adapter's SAVED_NAMES).
  const renamesKeys = parseRenamedKeys(answers.savedKeyNames).length > 0 && (has('C5') || has('C6'));
  if (renamesKeys) imports.push('', 'from checkpoint_adapter import CheckpointAdapter');
  // conftest.py imports torch for the whole torch suite; this file says so itself when it is missing.
  const torchNeeded = answers.format === 'torch' && (has('C4') || has('C9') || writesFiles);

  return {
    intro: wrap(
      'A checkpoint can be cut short by a crash, emptied by a full disk, overwritten with garbage or written by ' +
        "another version of the code. Each test breaks a valid checkpoint saved through the adapter in one way and checks the policy's " +
        `outcome: ${OUTCOMES[policy](errors)}; a partly loaded state is never returned. \`\`-k c1\`\` runs one case; ` +
        'the policies are the answers in .yo-rc.json.',
    ),
    imports,
    importTorch: torchNeeded,
    policy,
    errors,
    usesPolicyCheck,
    writesFiles,
    renamesKeys,
    controlCase,
    checksState,
    boundedLoads,
    versioned,
    versionKey: versioned ? pyString(answers.versionKey) : undefined,
    currentVersion: versioned ? Number(answers.currentVersion) : undefined,
    futureVersions: versioned ? futureVersions(answers) : [],
    // What a loaded state must hold (C8): for live objects, only the keys their state has.
    requiredKeys: keysOnLoad(answers, keys).map(pyString),
    requiredTypes: keysOnLoad(answers, typed).map((key) => ({ key: pyString(key), type: REQUIRED_KEY_TYPES[key] })),
    hasRequiredKeys: keysOnLoad(answers, keys).length > 0,
    hasTypedKeys: keysOnLoad(answers, typed).length > 0,
    missingKeys: keys.map((key) => ({ id: `missing-key-${key}`, value: pyString(key) })),
    wrongValues: typed.flatMap((key) =>
      WRONG_VALUES[REQUIRED_KEY_TYPES[key]]!.map((wrong) => ({
        id: `wrong-type-${key}-${wrong.id}`,
        value: `${pyString(key)}, ${wrong.value}`,
      })),
    ),
    truncations: truncations(answers.format),
    wrongContents: wrongContents(answers.format),
    examples: Number(answers.hypothesisExamples || '50'),
    marks: corruptionMarks(answers),
  };
}

/** The adapter method C9 needs, when it is generated (printed by checkpoint_adapter.py.ejs). */
export function restoreAdapterMethod(answers: Answers, cases: ReadonlySet<string>, facts?: BindingFacts) {
  if (!cases.has('C9')) return [];
  const call = boundCall(answers, 'restoreOp', ['path', 'model', 'optimizer'], { folder: 'self.checkpoint_dir', folderFirst: false, facts });
  return [
    {
      name: 'restore',
      params: ', path, model, optimizer',
      doc: 'Load ``path`` into a live model and optimizer, all or nothing (C9).',
      body: `return ${call.expression}`,
    },
  ];
}

export const corruptionFamily: Family = {
  name: 'corruption',
  help: 'C: truncated, empty, garbage and wrong-content checkpoints get the policy\'s outcome',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [{ template: 'corruption/test_corruption.py.ejs', file: 'test_corruption.py' }],
  view: corruptionFamilyView,
  variables: {
    intro: 'the module docstring paragraph of test_corruption.py, wrapped',
    imports: 'the import lines of test_corruption.py, in order ("" for a blank line)',
    importTorch: 'whether the file imports torch (with pytest.importorskip)',
    policy: 'the policy on a corrupt file: "raise", "none" or "fallback"',
    errors:
      '{expression, assignment, importLines, text, namesFile, answered}: what a corrupt load raises under "raise" (corruptError, one or several) and whether its message names the file (errorsNameFile)',
    usesPolicyCheck: 'whether any of C1-C8 is generated (the shared policy check is printed)',
    writesFiles: 'whether any of C4-C7 is generated (the suite writes checkpoint files itself)',
    renamesKeys: "whether C5/C6 break keys under the names the code stores them by (savedKeyNames; the saved_name helper and the adapter's import are printed)",
    controlCase: 'the first of C4-C7 generated: the id of the control test that such a file loads',
    checksState: 'whether a test compares the state that was loaded (fall-back policy or C8)',
    boundedLoads:
      "whether C8's flipped-byte loads run in a forked child with bounded memory and time (torch: a changed byte can be a tensor's size)",
    versioned: 'whether checkpoints carry a format version (versionKey is not "none")',
    versionKey: 'the version key as a Python literal, when versioned',
    currentVersion: 'the current format version, when versioned',
    futureVersions: '[{id, value}]: the C7 parametrization',
    requiredKeys: 'the required keys, as Python literals',
    requiredTypes: '[{key, type}]: the type-checked keys (typedKeys, Python literals) and their expected types',
    hasRequiredKeys: 'whether any required key was answered',
    hasTypedKeys: 'whether any required key is type-checked (typedKeys)',
    missingKeys: '[{id, value}]: the C5 parametrization',
    wrongValues: '[{id, value}]: the C6 parametrization ("key, wrong value" as Python)',
    truncations: '[{id, ...}]: the C1 cut points for the format',
    wrongContents: '[{id, ...}]: the C4 wrong contents for the format',
    examples: 'the number of Hypothesis examples of each C8 property',
    marks: '{outcome, missingKey, wrongType, futureVersion, property}: the `@pytest.mark.policy(...)` lines of C1-C8',
    adapterMethods: '[{name, params, doc, body}]: adapter methods the family needs (restore, for C9)',
  } satisfies { [K in keyof ReturnType<typeof corruptionFamilyView>]: string },
};

function corruptionFamilyView(answers: Answers, generated: ReadonlySet<string>, facts?: BindingFacts) {
  return { ...corruptionView(answers, generated), adapterMethods: restoreAdapterMethod(answers, generated, facts) };
}
