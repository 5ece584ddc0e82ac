/**
 * Which case ids of the catalogue a test covers, decided from what it calls,
 * patches, raises and asserts (never from its name): each rule reads the
 * facts python/audit.py gathered and says why it matched. A rule may find a
 * case only partly covered (an artifact failure test that raises a bare
 * `Exception` and no network error), which the report says.
 */
import { inferMethod } from '../infer.js';
import { type AnswerName, NONE } from '../question-kit.js';
import type { Arg, CallFact, TestFact } from './read.js';

export type Op = 'save' | 'load' | 'latest' | 'resume' | 'publish' | 'prune';

export interface Covered {
  id: string;
  /** Partly: the test touches the case but misses what makes it the case. */
  partial?: string;
}

/** Roots of calls that are not the code under test: the standard library, torch, pytest. */
const NOT_UNDER_TEST = new Set([
  'torch', 'pickle', 'json', 'os', 'shutil', 'np', 'numpy', 'pathlib', 'Path', 'tempfile', 'time', 'random',
  'threading', 'multiprocessing', 'pytest', 'hypothesis', 'str', 'int', 'len', 'open', 'isinstance', 'sorted',
  'list', 'dict', 'set', 'MagicMock', 'Mock', 'patch', 'mocker', 'monkeypatch', 'yaml', 'io', 'glob', 'range',
]);

const OP_PATTERNS: readonly [Op, RegExp][] = [
  ['resume', /resume/i],
  ['latest', /latest|newest/i],
  ['publish', /artifact|publish|log_model|upload/i],
  ['prune', /prune|cleanup|clean_up|rotate|retain|purge/i],
  ['load', /load|restore/i],
  ['save', /save|^write_checkpoint$|^store/i],
];

const ALL_OPS: readonly Op[] = ['save', 'load', 'latest', 'resume', 'publish', 'prune'];

/**
 * The method each op is bound to (`none`: the code has no such op). A call
 * stands for an op when it calls the method bound to it; by its name only
 * when the op is not bound at all.
 */
export type OpBinding = Partial<Record<Op, string>>;

/** Whether a call is one of the code under test (not a mock, file I/O, a local helper, the standard library or torch). */
function underTest(call: CallFact): boolean {
  if (call.base === 'mock' || call.base === 'io' || call.base === 'local') return false;
  if (NOT_UNDER_TEST.has(call.dotted.split('.')[0]!.replace(/\(\)$/, ''))) return false;
  // torch's own (model.load_state_dict) is not the manager's load.
  return !/^(load_)?state_dict$/.test(call.name);
}

/** The op a call of the code under test stands for, by its name. */
export function opOfCall(call: CallFact): Op | undefined {
  if (!underTest(call)) return undefined;
  return OP_PATTERNS.find(([, pattern]) => pattern.test(call.name))?.[0];
}

/**
 * The ops a call exercises under a binding: those bound to the method it
 * calls; else the op its name suggests, unless that op is bound to another
 * method (`save_final_model` is not the save of a suite bound to
 * `save_checkpoint`) or answered `none`.
 */
export function opsOfCall(call: CallFact, binding: OpBinding = {}): Op[] {
  if (!underTest(call)) return [];
  const bound = ALL_OPS.filter((op) => binding[op] === call.name);
  if (bound.length > 0) return bound;
  const byName = opOfCall(call);
  return byName && binding[byName] === undefined ? [byName] : [];
}

/** A call that trains: a backward pass, an optimizer step, or a training helper (not `training_state`). */
const TRAINING_CALL = /^(backward|step|fit|train|train_steps?|train_epoch|training_step)$/;

const PATHISH = /path|file|chosen|ckpt|checkpoint|target|missing|older|first/i;
const NETWORK_ERRORS = /ConnectionError|TimeoutError|Timeout|CommError|HTTPError|OSError|MlflowException|RequestException|socket/;
const MIGRATES = /migrat|upgrade/i;
const DIRECTORY_ASSERT = /is_dir\(\)|isdir\(|\.exists\(\) and .*is_dir/;

function allArgs(call: CallFact): Arg[] {
  return [...call.args, ...Object.values(call.keywords)];
}

function isPathArg(arg: Arg): boolean {
  if (arg.kind === 'str') return arg.value !== 'latest' && arg.value !== '';
  if (arg.kind === 'expr') return /^(str|os\.path\.join|Path)\(\)$/.test(String(arg.value)) || PATHISH.test(String(arg.value));
  if (arg.kind === 'name') return PATHISH.test(String(arg.value));
  return false;
}

const isLatestArg = (arg: Arg) => arg.kind === 'str' && arg.value === 'latest';

/** The facts of one test, seen through the ops. */
class View {
  readonly ops: { op: Op; call: CallFact }[];
  constructor(
    readonly test: TestFact,
    binding: OpBinding = {},
  ) {
    this.ops = test.calls.flatMap((call) => opsOfCall(call, binding).map((op) => ({ op, call })));
  }
  calls(...ops: Op[]): CallFact[] {
    return this.ops.filter((entry) => ops.includes(entry.op)).map((entry) => entry.call);
  }
  has(...ops: Op[]): boolean {
    return this.calls(...ops).length > 0;
  }
  get ids(): Set<string> {
    return new Set(this.test.identifiers);
  }
  /** Files put on disk: the code's save op, a helper that writes, or torch.save / pickle.dump / json.dump. */
  get writes(): number {
    return this.writeCalls.length;
  }
  get writeCalls(): CallFact[] {
    return this.test.calls.filter(
      (call) =>
        this.ops.some((entry) => entry.call === call && entry.op === 'save') ||
        (call.base !== 'mock' && /save|write|dump/i.test(call.name) && !/^write_(text|bytes)$/.test(call.name)),
    );
  }
  /** Raw writes of a dict literal, list or string with torch.save / pickle.dump / json.dump. */
  rawDumps(kind: Arg['kind']): boolean {
    return this.test.calls.some(
      (call) => /^(torch\.save|pickle\.dump|json\.dump|pickle\.dumps|json\.dumps)$/.test(call.dotted) && call.args[0]?.kind === kind,
    );
  }
  /** An assertion that is not only "is None" / "not x" / "is False". */
  get assertsValue(): boolean {
    return this.test.assert_texts.some((text) => !/( is None| is not None| is False|^not )/.test(text));
  }
  get assertsNothingLoaded(): boolean {
    return this.test.assert_texts.some((text) => / is None$|== None$|^not /.test(text));
  }
  get assertsFalsy(): boolean {
    return this.test.assert_texts.some((text) => / is False$|== False$|^not | is None$/.test(text));
  }
  get assertsTruthy(): boolean {
    return this.test.assert_texts.some((text) => / is True$|== True$|^\w+$/.test(text));
  }
  get failsLoudly(): boolean {
    return this.test.raises.length > 0;
  }
  raisedBySideEffect(pattern: RegExp): boolean {
    return this.test.side_effects.some((effect) => effect.kind !== 'sequence' && effect.items.some((item) => pattern.test(item)));
  }
}

type Rule = (view: View) => boolean | string | undefined;

/** One rule a case: true (covered), a string (partly covered: why), or false. */
const RULES: Record<string, Rule> = {
  // Loading with no path (`load_checkpoint(agent)`) is not R1: only the resume or latest op finds the newest.
  R1: (v) =>
    (v.calls('resume').some((call) => allArgs(call).some(isLatestArg)) ||
      v.has('latest') ||
      v.calls('resume').some((call) => !allArgs(call).some((arg) => isPathArg(arg) || arg.kind === 'none'))) &&
    v.assertsValue &&
    !v.failsLoudly,
  R2: (v) => v.has('resume', 'latest') && v.assertsNothingLoaded && !v.failsLoudly && v.writes === 0,
  R3: (v) => v.calls('resume').some((call) => allArgs(call).some(isPathArg)) && v.writes >= 2 && v.assertsValue && !v.failsLoudly,
  R4: (v) =>
    v.calls('resume').some((call) => allArgs(call).some(isPathArg)) &&
    (v.test.raises.some((name) => /FileNotFound|OSError|IOError|NotFound|Missing/.test(name)) ||
      (v.writes === 0 && v.assertsNothingLoaded)),
  R5: (v) => {
    if (!v.has('latest', 'resume') || v.writes === 0) return false;
    // Steps are the ints handed to whatever writes the checkpoints, not every number in the test.
    const ints = [...new Set(v.writeCalls.flatMap((call) => allArgs(call).filter((arg) => arg.kind === 'int').map((arg) => Number(arg.value))))];
    return ints.some((a) => ints.some((b) => a < b && String(a) > String(b)));
  },
  R6: (v) => v.has('latest', 'resume') && ['utime', 'getmtime', 'st_mtime'].some((name) => v.ids.has(name)),
  R7: (v) =>
    v.has('latest', 'resume') && v.test.strings.some((text) => /\.(tmp|partial|bak|swp)\b|\.tmp$|^\.\w+\.tmp/.test(text)),
  R8: (v) => v.has('save') && v.has('load') && v.test.assert_texts.some((text) => /==|equal|same/.test(text)),
  R9: (v) =>
    v.calls('save').some((call) => {
      const step = Object.entries(call.keywords).find(([key]) => /step|epoch|iteration/i.test(key))?.[1];
      return (step ?? call.args[1] ?? call.args[0])?.kind === 'int' && (step ?? call.args[1] ?? call.args[0])?.value === 0;
    }),
  R10: (v) => v.has('save') && v.test.assert_texts.some((text) => DIRECTORY_ASSERT.test(text)),
  R11: (v) => {
    // Training goes on after the resume (a backward pass, an optimizer step or a training
    // helper called after the first load), and the outcome is compared with another run.
    const restored = v.calls('resume', 'load').map((call) => call.line);
    if (restored.length === 0) return false;
    const firstRestore = Math.min(...restored);
    const trainsAfter = v.test.calls.some(
      (call) => call.line > firstRestore && TRAINING_CALL.test(call.name) && opOfCall(call) === undefined,
    );
    const compares =
      v.ids.has('equal') || v.test.calls.some((call) => /equal|same/i.test(call.name)) || v.test.assert_texts.some((text) => /==/.test(text));
    return trainsAfter && compares;
  },
  R12: (v) => v.calls('resume').some((call) => allArgs(call).some((arg) => arg.kind === 'none')),
  R13: (v) => {
    const steps = v.calls('save').flatMap((call) => allArgs(call).filter((arg) => arg.kind === 'int').map((arg) => arg.value));
    return steps.length >= 2 && new Set(steps).size < steps.length;
  },
  R14: (v) => v.test.assert_texts.some((text) => /resumed_from|resumed_path|resume_path/.test(text)),

  A1: (v) =>
    v.has('publish') &&
    v.test.side_effects.length === 0 &&
    v.assertsTruthy &&
    (v.test.mock_asserts.some((name) => /^assert_called/.test(name)) || v.test.assert_texts.some((text) => /call_args|called/.test(text))),
  A2: (v) =>
    v.has('publish') &&
    v.assertsFalsy &&
    v.test.side_effects.length === 0 &&
    v.test.mock_asserts.includes('assert_not_called') &&
    !v.test.strings.some((text) => /missing|not_exist|nonexist|does_not_exist/i.test(text)),
  A3: (v) =>
    v.has('publish') &&
    v.assertsFalsy &&
    v.test.strings.some((text) => /missing|not_exist|nonexist|does_not_exist/i.test(text)),
  A4: (v) => {
    if (!v.has('publish') || !v.raisedBySideEffect(/Error|Exception/)) return false;
    return v.raisedBySideEffect(NETWORK_ERRORS)
      ? true
      : 'only a generic exception is raised; the tracker and network errors (CommError, ConnectionError, TimeoutError, an HTTP 5xx) are not tried';
  },
  A5: (v) => v.has('publish') && v.raisedBySideEffect(/KeyboardInterrupt|SystemExit/),
  A6: (v) => v.has('publish') && v.test.side_effects.some((effect) => effect.kind === 'sequence') && v.test.assert_texts.some((text) => /call_count/.test(text)),
  A7: (v) =>
    v.calls('publish').some((call) => 'metadata' in call.keywords) && v.test.assert_texts.some((text) => /metadata/.test(text)),

  C1: (v) => v.has('load', 'resume') && (v.ids.has('truncate') || (v.test.slices > 0 && v.ids.has('write_bytes'))),
  C2: (v) =>
    v.has('load', 'resume') &&
    v.test.calls.some((call) => /^write_(bytes|text)$|^write$/.test(call.name) && call.args.some((arg) => (arg.kind === 'bytes' && arg.length === 0) || (arg.kind === 'str' && arg.value === ''))),
  C3: (v) => v.has('load', 'resume') && ['urandom', 'randbytes', 'getrandbits', 'token_bytes'].some((name) => v.ids.has(name)),
  C4: (v) => v.has('load', 'resume') && (v.rawDumps('list') || v.rawDumps('str')) && (v.failsLoudly || v.assertsNothingLoaded),
  C5: (v) => v.has('load', 'resume') && v.rawDumps('dict') && (v.failsLoudly || v.assertsNothingLoaded),
  C6: (v) => v.has('load', 'resume') && v.rawDumps('dict') && v.test.raises.some((name) => /TypeError/.test(name)),
  C7: (v) => v.has('load', 'resume') && v.test.strings.some((text) => /version/i.test(text)) && (v.failsLoudly || v.assertsNothingLoaded),
  C8: (v) => v.test.hypothesis && v.has('load', 'resume'),
  C9: (v) => v.has('load', 'resume') && v.failsLoudly && v.ids.has('state_dict') && v.test.assert_texts.some((text) => /equal|==/.test(text)) && v.ids.has('clone'),

  K1: (v) => v.test.threads && v.has('save'),
  K2: (v) => v.test.processes && v.has('save'),
  K3: (v) => (v.test.threads || v.test.processes) && v.has('save') && v.has('latest', 'load'),
  K4: (v) =>
    v.has('save') &&
    (['SIGKILL', 'kill', 'terminate'].some((name) => v.ids.has(name)) ||
      v.test.patches.some((patch) => /replace|rename|fsync|write/.test(patch.target)) && v.failsLoudly),
  K5: (v) => (v.test.threads || v.test.processes) && RULES.R13!(v) === true,
  K6: (v) => v.ids.has('init_process_group') || v.ids.has('get_rank'),

  T1: (v) => v.has('prune') || (v.has('save') && ['keep', 'keep_last', 'max_to_keep', 'keep_n'].some((name) => v.ids.has(name)) && v.test.assert_texts.some((text) => /len\(|glob|listdir|iterdir/.test(text))),
  T2: (v) => RULES.T1!(v) === true && (v.ids.has('best') || v.test.assert_texts.some((text) => /resumed|best/.test(text))),
  T3: (v) => RULES.T1!(v) === true && v.test.strings.some((text) => /\.txt$|\.tmp$|notes/.test(text)),

  F1: (v) => v.has('save') && (['ENOSPC', 'EXDEV', 'EACCES'].some((name) => v.ids.has(name)) || v.raisedBySideEffect(/PermissionError|OSError/)),
  F2: (v) => v.has('save') && (v.ids.has('chmod') || v.test.strings.some((text) => /read-?only/i.test(text))),

  S1: (v) => v.ids.has('RuleBasedStateMachine'),

  P1: (v) => (v.has('save') || v.has('load')) && ['perf_counter', 'monotonic', 'benchmark', 'throughput'].some((name) => v.ids.has(name)),
  P2: (v) => (v.has('save') || v.has('load')) && ['tracemalloc', 'getrusage', 'memory_usage', 'max_rss', 'ru_maxrss'].some((name) => v.ids.has(name)),

  // A save, then an assertion about the version it recorded (not a refusal: that is C7/V3).
  V1: (v) => v.has('save') && v.test.assert_texts.some((text) => /version/i.test(text)) && !v.failsLoudly,
  // An old checkpoint that loads: through a migration the test calls or a fixture it takes is named
  // for (the fixture opens the file), or a raw dict of another version loaded and asserted on.
  V2: (v) => {
    if (v.failsLoudly) return false;
    const migrates =
      v.test.identifiers.some((name) => MIGRATES.test(name)) || v.test.calls.some((call) => MIGRATES.test(call.name));
    if (migrates && (v.has('load', 'resume') || v.test.fixtures.some((fixture) => MIGRATES.test(fixture.name)))) {
      return true;
    }
    return v.has('load', 'resume') && v.rawDumps('dict') && v.test.strings.some((text) => /version/i.test(text)) && v.assertsValue;
  },
  // A newer version refused: C7's rule (V3 shares C7's policy).
  V3: (v) => RULES.C7!(v) === true,

  X1: (v) => (v.has('save') || v.has('load')) && v.test.strings.some((text) => /[^\x00-\x7f]/.test(text) || (/ /.test(text) && !/\s{2}|^\s|\s$/.test(text) && text.length < 40)),
  X2: (v) => {
    const calls = v.calls('save', 'load', 'resume');
    const strArg = calls.some((call) => allArgs(call).some((arg) => arg.kind === 'expr' && arg.value === 'str()'));
    const pathArg = calls.some((call) => allArgs(call).some((arg) => arg.kind === 'name' && PATHISH.test(String(arg.value))));
    return strArg && pathArg;
  },
};

/**
 * The case ids one test covers, in catalogue order, with partial coverage
 * said. Under a binding (the ops the gap-filling suite is bound to), a test
 * covers a case only when it calls the methods bound to the ops the case
 * needs.
 */
export function casesCovered(test: TestFact, binding: OpBinding = {}): Covered[] {
  const view = new View(test, binding);
  const covered: Covered[] = [];
  for (const [id, rule] of Object.entries(RULES)) {
    const verdict = rule(view);
    if (verdict === true) covered.push({ id });
    else if (typeof verdict === 'string') covered.push({ id, partial: verdict });
  }
  return covered;
}

/** The module and class the tests exercise, inferred from the imports and the calls. */
export interface InferredBinding {
  module?: string;
  className?: string;
  /** Each op the tests call, by the best-named method they call for it (the main generator's fuzzy match). */
  ops: OpBinding;
  /** Every method the tests call on the code under test, in order of first call: what the tests show of the class. */
  methods: string[];
}

const OP_QUESTIONS: Record<Op, AnswerName> = {
  save: 'saveOp',
  load: 'loadOp',
  latest: 'latestOp',
  resume: 'resumeOp',
  publish: 'publishOp',
  prune: 'pruneOp',
};

export function inferBinding(
  imports: readonly { module: string; names: string[] }[],
  tests: readonly TestFact[],
): InferredBinding {
  const usage = new Map<string, number>();
  for (const test of tests) {
    for (const call of test.calls) usage.set(call.name, (usage.get(call.name) ?? 0) + 1);
  }
  const candidates = imports.flatMap((entry) =>
    entry.names
      .filter((name) => /^[A-Z]/.test(name) && !NOT_UNDER_TEST.has(name) && !/^(Mock|MagicMock|Path|patch)$/.test(name))
      .map((name) => ({ module: entry.module, name, used: usage.get(name) ?? 0 })),
  ).filter((candidate) => !/^(unittest|pytest|pathlib|typing|dataclasses|collections|torch|numpy|hypothesis)(\.|$)/.test(candidate.module));
  candidates.sort((a, b) => b.used - a.used || (/manag|checkpoint|trainer/i.test(b.name) ? 1 : 0) - (/manag|checkpoint|trainer/i.test(a.name) ? 1 : 0));
  const best = candidates[0];
  // The objects the tests call ops on (`manager`), and every method they call on those: not a path's
  // write_bytes nor a mock's assert_called_once.
  const calls = tests.flatMap((test) =>
    test.calls.filter((call) => (call.base === 'object' || call.base === 'module') && underTest(call) && /^[a-z_][a-z0-9_]*$/.test(call.name)),
  );
  const receiver = (call: CallFact) => call.dotted.split('.').slice(0, -1).join('.');
  const receivers = new Set(calls.filter((call) => opOfCall(call) !== undefined).map(receiver));
  const methods = [...new Set(calls.filter((call) => receivers.has(receiver(call))).map((call) => call.name))];
  // The best-named method the tests call for each op, never merely the first called (`save_final_model`
  // before `save_checkpoint`); an op the tests never call stays unbound.
  const ops: OpBinding = {};
  for (const op of ALL_OPS) {
    const chosen = inferMethod(OP_QUESTIONS[op], methods, Object.values(ops) as string[]);
    if (chosen.value !== NONE) ops[op] = chosen.value;
  }
  return { ...(best ? { module: best.module, className: best.name } : {}), ops, methods };
}
