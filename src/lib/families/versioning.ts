/**
 * The versioning family (V1–V3): every checkpoint records the format version
 * it was written in (read back raw from the file), a checkpoint of the
 * previous version, written by the suite from an example fixture the user
 * may edit, loads through the user's migration into the current shape, and a
 * newer unknown version fails clearly, under the corruption family's policy.
 *
 * The version key and the current version are this family's answers, shared
 * with the corruption family (C7 checks future versions too); the policy on a
 * corrupt file is the corruption family's, shared with this one (V3).
 */
import {
  type Answers,
  type CaseSpec,
  type Family,
  type Question,
  firstReason,
  hasAnyCategory,
  hasCategory,
  hasOp,
  IDENTIFIER,
  lacking,
  NONE,
} from '../question-kit.js';
import { pyCollection, pyString, wrap } from '../python-literal.js';
import { KEY, parseKeys, parseRenamedKeys, repeated, SUITE_STATE_KEYS } from '../state-keys.js';
import { corruptErrorsView, futureVersions, lackingPolicyOps, OUTCOMES } from './corruption.js';
import { policyMark } from '../policy-mark.js';

declare module '../question-kit.js' {
  interface Families {
    versioning: true;
  }
  interface Answers {
    versionKey: string;
    currentVersion: string;
    previousVersion: string;
    renamedKeys: string;
    addedKeys: string;
  }
}

const inVersioning = hasCategory('versioning');
/** C7 (corruption) writes future versions under the same key: both families ask for it. */
const inVersioningOrCorruption = hasAnyCategory('versioning', 'corruption');
const versioned = (answers: Partial<Answers>) => Boolean(answers.versionKey) && answers.versionKey !== NONE;
const hasPrevious = (answers: Partial<Answers>) =>
  versioned(answers) && Boolean(answers.previousVersion) && answers.previousVersion !== NONE;

const WHOLE_NUMBER = '(0|[1-9][0-9]{0,8})';

function validateRenamedKeys(value: string, answers: Partial<Answers>): string | undefined {
  const pairs = parseRenamedKeys(value);
  const same = pairs.filter(([from, to]) => from === to).map(([from]) => from);
  if (same.length > 0) return `${same.join(', ')} is renamed to itself`;
  const olds = repeated(pairs.map(([from]) => from));
  if (olds.length > 0) return `${olds.join(', ')} is renamed twice`;
  const news = repeated(pairs.map(([, to]) => to));
  if (news.length > 0) return `two keys are renamed to ${news.join(', ')}`;
  const chained = pairs.map(([from]) => from).filter((from) => pairs.some(([, to]) => to === from));
  if (chained.length > 0) return `${chained.join(', ')} is both an old and a new name (give each key's name then and now)`;
  if (versioned(answers) && pairs.some((pair) => pair.includes(answers.versionKey!))) {
    return `the version key ${answers.versionKey} cannot be renamed here`;
  }
  return undefined;
}

function validateAddedKeys(value: string, answers: Partial<Answers>): string | undefined {
  const keys = parseKeys(value);
  const twice = repeated(keys);
  if (twice.length > 0) return `${twice.join(', ')} is named twice`;
  if (versioned(answers) && keys.includes(answers.versionKey!)) return `the version key ${answers.versionKey} is not a key the migration adds`;
  const renamed = parseRenamedKeys(answers.renamedKeys).flat();
  const both = keys.filter((key) => renamed.includes(key));
  if (both.length > 0) return `${both.join(', ')} is also among renamedKeys`;
  return undefined;
}

const QUESTIONS: readonly Question[] = [
  {
    name: 'versionKey',
    kind: 'string',
    group: 'versioning',
    sharedWith: ['corruption'],
    message: `Under which top-level key does your manager record the checkpoint format version? (${NONE} if it does not)`,
    help: `V1–V3 and C7: the key each save writes the format version under, and each load checks; \`${NONE}\` leaves V1–V3 and C7 out.`,
    default: () => NONE,
    pattern: { source: IDENTIFIER, allowed: `a Python identifier, or "${NONE}"` },
    when: inVersioningOrCorruption,
  },
  {
    name: 'currentVersion',
    kind: 'string',
    group: 'versioning',
    sharedWith: ['corruption'],
    message: 'Which format version does your code write now? (a whole number)',
    help: 'V1–V3 and C7: the version your saves record, as an int; the suite writes larger ones and expects them refused.',
    default: () => '1',
    pattern: { source: `^${WHOLE_NUMBER}$`, allowed: 'a whole number such as 1' },
    when: (answers) => inVersioningOrCorruption(answers) && versioned(answers),
  },
  {
    name: 'previousVersion',
    kind: 'string',
    group: 'versioning',
    message: `Which older format version should your code still load, through its migration? (${NONE} if none)`,
    help: `V2: the version of the old checkpoint the suite writes and expects migrated; by default the one before \`currentVersion\` (\`${NONE}\` when that is 1, which leaves V2 out).`,
    default: (answers) => {
      const current = Number(answers.currentVersion ?? '1');
      return current > 1 ? String(current - 1) : NONE;
    },
    pattern: { source: `^(${NONE}|${WHOLE_NUMBER})$`, allowed: `a whole number older than currentVersion, or "${NONE}"` },
    validate: (value, answers) =>
      value !== NONE && answers.currentVersion !== undefined && Number(value) >= Number(answers.currentVersion)
        ? `it must be older than currentVersion (${answers.currentVersion})`
        : undefined,
    when: (answers) => inVersioning(answers) && versioned(answers),
  },
  {
    name: 'renamedKeys',
    kind: 'string',
    group: 'versioning',
    message: `Which top-level keys were renamed since that version? (old->new pairs, comma-separated; ${NONE} if none)`,
    help: `V2: keys your migration renames, as \`old->new\` pairs (\`weights->model, opt->optimizer\`); the suite's old checkpoint holds each under its old name. \`${NONE}\` by default.`,
    default: () => NONE,
    pattern: {
      source: `^(${NONE}|${KEY}\\s*->\\s*${KEY}(\\s*,\\s*${KEY}\\s*->\\s*${KEY})*)$`,
      allowed: `old->new pairs of keys separated by commas (\`weights->model\`), or "${NONE}"`,
    },
    validate: validateRenamedKeys,
    when: (answers) => inVersioning(answers) && hasPrevious(answers),
  },
  {
    name: 'addedKeys',
    kind: 'string',
    group: 'versioning',
    message: `Which top-level keys did your format add since that version? (comma-separated; ${NONE} if none)`,
    help: `V2: keys the old checkpoint lacks and your migration must add (with any value), such as \`metadata\`. \`${NONE}\` by default.`,
    default: () => NONE,
    pattern: { source: `^(${NONE}|${KEY}(\\s*,\\s*${KEY})*)$`, allowed: `keys separated by commas, or "${NONE}"` },
    validate: validateAddedKeys,
    when: (answers) => inVersioning(answers) && hasPrevious(answers),
  },
];

const noVersionKey = (answers: Answers) =>
  versioned(answers) ? undefined : `no version key (versionKey answered "${NONE}")`;

/** V2 opens the old checkpoint with every op that takes a path: load, and resume by path. */
function openOps(answers: Answers): ('load' | 'resume')[] {
  return (['load', 'resume'] as const).filter((op) => hasOp(answers, op));
}

const CASES: readonly CaseSpec[] = [
  {
    id: 'V1',
    family: 'versioning',
    title: 'every checkpoint records the current format version',
    leftOutBecause: firstReason(noVersionKey, lacking('save')),
  },
  {
    id: 'V2',
    family: 'versioning',
    title: 'a checkpoint of the previous format version loads through the migration in the current shape',
    leftOutBecause: firstReason(
      noVersionKey,
      (answers) => (hasPrevious(answers) ? undefined : `no previous format version (previousVersion answered "${NONE}")`),
      lacking('save'),
      (answers) => (openOps(answers).length > 0 ? undefined : lacking('load', 'resume')(answers)),
    ),
  },
  {
    id: 'V3',
    family: 'versioning',
    title: "a newer unknown format version fails clearly, under the corruption policy",
    leftOutBecause: firstReason(noVersionKey, lackingPolicyOps),
  },
];

/** `NAME = {...}` or `NAME = (...)` on one line when black keeps it there, else one item a line. */
function versioningView(answers: Answers, cases: ReadonlySet<string>) {
  const has = (id: string) => cases.has(id);
  const on = versioned(answers);
  const policy = answers.corruptPolicy ?? 'raise';
  const errors = corruptErrorsView(answers);
  const renamed = parseRenamedKeys(answers.renamedKeys);
  const added = parseKeys(answers.addedKeys);
  const anyCase = ['V1', 'V2', 'V3'].some(has);
  const writes = has('V2') || has('V3');
  const opens = has('V2') ? openOps(answers) : [];
  // Keys the answers name that the suite's states lack: the example fixture gives them a value.
  const extraKeys = [...new Set([...renamed.map(([, to]) => to), ...added])].filter(
    (key) => !(SUITE_STATE_KEYS as readonly string[]).includes(key),
  );
  const warns = has('V3') && policy !== 'raise';
  // V3 reads the version in the message or warning, unless the answers say the error's message is not read.
  const namesVersion = has('V3') && (policy !== 'raise' || errors.namesFile);

  const stdlib = [
    has('V2') ? 'from dataclasses import dataclass' : undefined,
    answers.format === 'json' && anyCase ? 'import json' : undefined,
    warns ? 'import logging' : undefined,
    answers.format === 'pickle' && anyCase ? 'import pickle' : undefined,
    namesVersion ? 'import re' : undefined,
  ].filter((line): line is string => Boolean(line));
  // `import x` lines before `from x import y` ones, as isort's default (force_sort_within_sections off) does.
  stdlib.sort((a, b) => Number(a.startsWith('from ')) - Number(b.startsWith('from ')));
  const imports = [...stdlib, ...(stdlib.length ? [''] : []), 'import pytest'];
  if (has('V3') && policy === 'raise' && errors.importLines.length > 0) imports.push('', ...errors.importLines);

  return {
    intro: wrap(
      'A checkpoint outlives the code that wrote it. Every save must record the format version it was written in (V1, read ' +
        'back from the raw file); a checkpoint of an older version must load through your migration into the current shape (V2, ' +
        'from an example old checkpoint this file writes: edit ``old_format`` if yours differed in more than the answers say); ' +
        `and one of a newer version than your code knows must fail clearly (V3): ${OUTCOMES[policy](errors)}, saying ` +
        'which version it found. The answers are in .yo-rc.json.',
    ),
    imports,
    importTorch: answers.format === 'torch' && anyCase,
    readsFiles: anyCase,
    writesFiles: writes,
    versionKey: on ? pyString(answers.versionKey) : undefined,
    currentVersion: on ? String(Number(answers.currentVersion)) : undefined,
    previousVersion: has('V2') ? String(Number(answers.previousVersion)) : undefined,
    renamedKeys: pyCollection(
      'RENAMED_KEYS',
      '{',
      '}',
      renamed.map(([from, to]) => `${pyString(from)}: ${pyString(to)}`),
    ),
    addedKeys: pyCollection('ADDED_KEYS', '(', ')', added.map(pyString), ','),
    hasRenamed: renamed.length > 0,
    hasAdded: added.length > 0,
    extraValues: extraKeys.map((key) => ({ key: pyString(key), value: `{"example": ${pyString(key)}}` })),
    opens: opens.map((op) => ({
      id: op === 'load' ? 'load' : 'resume-by-path',
      call: op === 'load' ? 'adapter.load(path)' : 'adapter.resume(path)',
    })),
    savedSteps: [
      { id: 'step-1', step: '1', size: '4096' },
      { id: 'step-250000', step: '250_000', size: '4096' },
      { id: 'large-state', step: '7', size: '1 << 20' },
    ],
    policy,
    errors,
    namesVersion,
    marks: {
      recordsVersion: policyMark(['versionKey', 'currentVersion']),
      migrates: policyMark(['previousVersion', 'renamedKeys', 'addedKeys']),
      newerVersion: policyMark(
        policy === 'raise' ? ['corruptPolicy', 'corruptError', 'errorsNameFile', 'versionKey'] : ['corruptPolicy', 'versionKey'],
      ),
    },
    futureVersions: on ? futureVersions(answers) : [],
  };
}

export const versioningFamily: Family = {
  name: 'versioning',
  help: 'V: checkpoints record their format version, old versions migrate, newer ones fail clearly',
  questions: QUESTIONS,
  cases: CASES,
  testFiles: [{ template: 'versioning/test_versioning.py.ejs', file: 'test_versioning.py' }],
  view: versioningView,
  variables: {
    intro: 'the module docstring paragraph of test_versioning.py, wrapped',
    imports: 'the import lines of test_versioning.py, in order ("" for a blank line)',
    importTorch: 'whether the file imports torch (with pytest.importorskip)',
    readsFiles: 'whether any of V1-V3 is generated (the raw reader is printed)',
    writesFiles: 'whether V2 or V3 is generated (the raw writer is printed)',
    versionKey: 'the version key as a Python literal, when versioned',
    currentVersion: 'the current format version as a Python int literal, when versioned',
    previousVersion: 'the previous format version V2 writes, when V2 is generated',
    renamedKeys: 'the lines of the RENAMED_KEYS assignment (old name: new name)',
    addedKeys: 'the lines of the ADDED_KEYS assignment',
    hasRenamed: 'whether any renamed key was answered (the rename test is printed)',
    hasAdded: 'whether any added key was answered (the added-key test is printed)',
    extraValues: "[{key, value}]: example values of answered keys the suite's states lack",
    opens: '[{id, call}]: the ops V2 opens the old checkpoint with (load, resume by path)',
    savedSteps: '[{id, step, size}]: the V1 parametrization',
    policy: 'the policy on a newer version (the corruption policy): "raise", "none" or "fallback"',
    errors:
      '{expression, assignment, importLines, text, namesFile, answered}: what V3 expects under "raise" (corruptError, one or several) and whether the message names the file and version (errorsNameFile)',
    namesVersion: 'whether V3 reads the version in the error or warning (the names_version helper and `import re` are printed)',
    marks: '{recordsVersion, migrates, newerVersion}: the `@pytest.mark.policy(...)` lines of V1, V2 and V3',
    futureVersions: '[{id, value}]: the V3 parametrization (as C7\'s)',
  } satisfies { [K in keyof ReturnType<typeof versioningView>]: string },
};
