/**
 * The run loop every checkpoint-tests generator shares: options derived from
 * the question declarations, answers resolved from every source and checked
 * in one place, the user's module checked by importing it, files rendered
 * and formatted before Yeoman's conflicter sees them, and pytest run on the
 * result.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TerminalAdapter } from '@yeoman/adapter';
import { ADAPTER_DRAFT_SUFFIX, missingAdapterNames } from './adapter-upgrade.js';
import Generator, { type BaseOptions } from 'yeoman-generator';
import {
  answersFromOptions,
  checkAnswerMapping,
  checkValue,
  loadAnswersFile,
  loadPreset,
  resolveAnswers,
  type AnswerOrigin,
  type Suggestion,
} from './answers.js';
import { COMMON_BUILTIN_EXCEPTIONS, choiceLabel, didYouMean, inferAnswer } from './infer.js';
import { OBJECT_NAMES, probeSuggestions, type ProbedAnswer, savesObjects } from './state-shape.js';
import { decideCases, generatedCases } from './cases.js';
import { alignMarkdownTables, finalFormTransform, formatWithPrettier } from './format.js';
import { UsageError, cut, joinProblems, quoteValue } from './errors.js';
import {
  type Introspection,
  type IntrospectRequest,
  type PythonInfo,
  checkSuite,
  closeDriver,
  closeDrivers,
  formatWithBlack,
  prestartFormatter,
  introspect,
  missingImports,
  probePython,
  type ProbeReport,
  probeSaveAndLoad,
  pythonProgram,
  type PythonSearch,
  pythonSearch,
  warmImports,
} from './python.js';
import { mark } from './timing.js';
import {
  type Answers,
  type Category,
  type ModuleFacts,
  NONE,
  OPS,
  type Question,
  QUESTIONS,
  isAsked,
  optionName,
  exceptionNames,
  questionFamilies,
  questionNamed,
} from './questions.js';
import { FAMILIES } from './families/index.js';
import { hasOp, type TestFile, testFilesWritten } from './question-kit.js';
import { renderTemplate, type TemplateRoots } from './render.js';
import { TEMPLATES_ROOT } from './paths.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './package-info.js';
import { GITHUB_WORKFLOW, PRE_COMMIT_CONFIG, withPreCommitHook } from './ci-recipe.js';
import { coverageTable } from './report.js';
import { buildSuiteView, runCommand, type SuiteView } from './view-model.js';
import { bindingProblem, bindingProblems, bindingRequest, renderedFacts } from './binding-check.js';
import { boundName, isFolderParameter } from './bound-name.js';
import { commitAtomically } from './atomic-write.js';
import { lockProject, unlockProject } from './project-lock.js';
import { comparePaths, cutText, resolveInProject } from './project-path.js';
import { checkStoredConfig, storedFileRecord } from './stored-config.js';
import { RUN_OPTIONS } from './run-options.js';

/**
 * Complete answers for a draft of the adapter from the answers so far: each
 * missing one its default. No family is chosen (the draft needs none), and the
 * format, not known yet when the probe runs, is JSON's: a JSON-ready state
 * (string keys, lists, a hex payload) is one pickle and torch save as well.
 */
function draftAnswers(sofar: Partial<Answers>): Answers {
  const draft: Record<string, unknown> = { format: savesObjects(sofar) ? 'torch' : 'json', ...sofar, categories: [] };
  for (const question of QUESTIONS) {
    if (draft[question.name] !== undefined) continue;
    const value = question.default(draft as Partial<Answers>);
    if (value !== undefined) draft[question.name] = value;
  }
  return draft as unknown as Answers;
}

/** The file a user owns: written once, never overwritten without --force. */
export const ADAPTER_FILE = 'checkpoint_adapter.py';


/** What the generators of one run share: the answers and file record before it, and the record being made. */
interface RunRecord {
  /** The stored answers as the run found them in .yo-rc.json. */
  previous: Record<string, unknown>;
  /** Project-relative path (posix) to sha256 of what checkpoint-tests wrote there; updated as files are written. */
  files: Record<string, string>;
  /** What the run's files do to the project (counted for --dry-run's last line). */
  planned: { created: number; changed: number; removed: number };
}

const RUN_RECORDS = new WeakMap<object, RunRecord>();

/** A run's view of the suite, built once for the generators that share its answers and checks. */
const SUITE_VIEWS = new WeakMap<Answers, Map<Introspection | undefined, SuiteView>>();

const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');

interface Output {
  /** Absolute path of the file. */
  target: string;
  content: string;
  /** The user owns it (the adapter): never overwritten without --force. */
  userOwned: boolean;
}

export interface SuiteOptions {
  /** Set by the audit generator when it composes a family: answers are already resolved. */
  resolvedAnswers?: Answers;
  /** The Python the composing generator found to import the module, for formatting and checks. */
  resolvedPython?: PythonInfo;
  /** Whether this run's command line named the team templates folder (--templates-dir). */
  teamTemplatesAsked?: boolean;
}

/** The team templates each run (one environment, composed generators included) rendered with. */
const TEAM_TEMPLATES_USED = new WeakMap<object, Set<string>>();

type RunOptions = BaseOptions &
  SuiteOptions & {
    answers?: string;
    yes?: boolean;
    python?: string;
    skipChecks?: boolean;
    preset?: string;
    force?: boolean;
    dryRun?: boolean;
    askAnswered?: boolean;
    overwriteGenerated?: boolean;
    allQuestions?: boolean;
  };

/** The choice of a method prompt that asks for a typed binding path instead (bound-name.ts). */
const TYPE_A_PATH = '\0type a path';

/** The key of `.yo-rc.json` (under the generator's namespace) that keeps the answers of an unfinished run. */
const PENDING_KEY = 'pendingAnswers';

/** Questions always asked in the confirm flow: a choice only the user can make. */
const ALWAYS_ASKED: readonly string[] = ['start', 'auditPath', 'module', 'categories'];

/** Questions the code should answer: asked when it does not, or not clearly. */
const READ_FROM_CODE: readonly string[] = [
  'className',
  'constructorExpression',
  ...OPS.map((op) => `${op}Op`),
  'resumedFromAttribute',
  'format',
  'tracker',
];

/** Answers the code may hint at (key names in its source, a probe's save): asked only when the hint is uncertain. */
const HINTED_BY_CODE: readonly string[] = ['stateKind', 'savedKeyNames', 'addedOnSave', 'versionKey', 'corruptError'];

/** The probe's step that builds the manager (python/probe.py): a failure there is the constructor's. */
const BUILDING_STEP = 'building the manager';

/** Answers one save and load through the drafted adapter tell (the probe), corruptError by a load of the file cut short. */
const PROBED: readonly string[] = ['format', 'savedKeyNames', 'addedOnSave', 'versionKey', 'corruptError'];

/** Answers the summary does not offer: the app's first question has already routed the run. */
const NOT_REVIEWED: readonly string[] = ['start', 'auditPath', 'coveredCases'];

/** Summary headings, in order: the target, its binding, the suite, then each family. */
const GROUP_TITLES: Record<string, string> = { target: 'Target', binding: 'Binding', suite: 'Suite' };

/** --dry-run's last line: nothing was written, and what a real run would do. */
export function dryRunSummary({ created, changed, removed }: RunRecord['planned']): string {
  const files = (count: number) => `${count} ${count === 1 ? 'file' : 'files'}`;
  const parts = [
    ...(created > 0 ? [`create ${files(created)}`] : []),
    ...(changed > 0 ? [`change ${files(changed)}`] : []),
    ...(removed > 0 ? [`remove ${files(removed)}`] : []),
  ];
  const would = parts.length === 0 ? 'a real run would change no file' : `a real run would ${parts.join(', ').replace(/, ([^,]*)$/, ' and $1')}`;
  return `\n--dry-run: nothing was written; ${would}.`;
}

export abstract class SuiteGenerator extends Generator<Record<string, unknown>, RunOptions> {
  /**
   * The run's own streams (the environment's adapter has them): `main()` called with streams of its
   * own (a test, a tool that embeds the CLI) gets everything the run prints, not the process's.
   */
  protected get streams(): { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } {
    type Streams = { stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream };
    // Yeoman's queued adapter holds the terminal adapter, which holds the streams.
    const queued = this.env.adapter as Streams & { actualAdapter?: Streams };
    const adapter = queued.actualAdapter ?? queued;
    return { stdout: adapter.stdout ?? process.stdout, stderr: adapter.stderr ?? process.stderr };
  }

  /**
   * Our package's name and version, for the config's storage: yeoman-generator would look its
   * package.json up (and read it) again for every generator of the run (the help instance, the run's,
   * and each family the audit composes).
   */
  override rootGeneratorName(): string {
    return PACKAGE_NAME;
  }

  override rootGeneratorVersion(): string {
    return PACKAGE_VERSION;
  }

  /** The families this generator writes; the app generator writes whichever were chosen. */
  protected abstract readonly ownFamilies: readonly Category[] | 'chosen';

  protected answers!: Answers;
  /** The Python that imports the user's module; undefined when none was found. */
  protected python: PythonInfo | undefined;
  /** Where this run looks for Pythons (undefined under --skip-checks). */
  private pythons: PythonSearch | undefined;
  private introspection: Introspection | undefined;
  /** The module and sys.path root `introspection` was made for. */
  private introspectedFor: string | undefined;
  /** The probe's report, and the binding it was made for. */
  private probeReport: ProbeReport | undefined;
  private probeFor: string | undefined;
  /** What a failed probe tried, said once the answers pass their checks. */
  private probeNote: string | undefined;
  /** The module, root and needs `python` was chosen for. */
  private chosenFor: string | undefined;
  private composed = false;

  constructor(args: string[], options: RunOptions) {
    // Yeoman reads .yo-rc.json while it constructs the generator: the run takes the project
    // lock before that (one run at a time; none for --dry-run, which writes nothing), and a
    // broken .yo-rc.json is the user's to fix.
    const given = options as RunOptions & { env?: { cwd?: string }; destinationRoot?: string; help?: boolean };
    const root = path.resolve(given.destinationRoot ?? given.env?.cwd ?? process.cwd());
    // The instance built only to read the options (`help`) runs nothing and releases nothing.
    if (!options.dryRun && !given.help) lockProject(root);
    checkStoredConfig(root, PACKAGE_VERSION, 'shape only');
    // A Python project's package.json is none of our business: no install step, and no word of one.
    // Declared once a run (by the generator not composed by another), as Yeoman wants it unique.
    // Yeoman parses the arguments again at each option declared, its own five too: parsed once, after
    // the last.
    super(args, options, { ...(options.resolvedAnswers ? {} : { customInstallTask: true }), skipParseOptions: true });
    for (const question of QUESTIONS) {
      this.option(optionName(question.name), { type: String, description: question.help });
    }
    for (const [name, spec] of Object.entries(RUN_OPTIONS)) this.option(name, spec);
    this.setFeatures({ skipParseOptions: false });
    this.parseOptions();
    // One generator of the run (the first) replaces Yeoman's commit with the atomic one.
    const store = (this.env as unknown as { composedStore?: { customCommitTask?: unknown } }).composedStore;
    if (!store?.customCommitTask) {
      this.setFeatures({ customCommitTask: () => commitAtomically(this.env as never, this.destinationRoot()) });
    }
  }

  /**
   * Before the answers are read (the lock is held since the constructor):
   * notes the answers and file record .yo-rc.json holds, and releases the lock
   * when the run ends. A no-op for a generator composed into a run that did
   * this already.
   */
  protected async claimProject(): Promise<void> {
    if (RUN_RECORDS.has(this.env)) return;
    const root = this.projectRoot;
    if (!this.options.dryRun) {
      const release = () => unlockProject(root);
      this.env.once('end', release);
      (this.env as unknown as { runLoop?: { once(event: string, listener: () => void): void } }).runLoop?.once(
        'error',
        release,
      );
    }
    // After the release is arranged: a refused .yo-rc.json ends the run, and the lock with it.
    checkStoredConfig(root, PACKAGE_VERSION, Boolean(this.options.force));
    const previous = { ...(this.config.getAll() as Record<string, unknown>) };
    RUN_RECORDS.set(this.env, { previous, files: storedFileRecord(previous), planned: { created: 0, changed: 0, removed: 0 } });
  }

  private get runRecord(): RunRecord {
    const record = RUN_RECORDS.get(this.env);
    if (!record) throw new Error('claimProject() must run before the run record is used');
    return record;
  }

  /** What a family generator composed by another (the audit generator) is handed. */
  protected handOver(): RunOptions {
    const { force, dryRun, skipChecks, overwriteGenerated } = this.options;
    const teamTemplatesAsked = this.teamTemplatesAsked();
    return {
      resolvedAnswers: this.answers,
      resolvedPython: this.python,
      force,
      dryRun,
      skipChecks,
      overwriteGenerated,
      teamTemplatesAsked,
    } as RunOptions;
  }

  /** Answers resolved by the generator that composed this one, if one did. */
  private get handedAnswers(): Answers | undefined {
    return this.options.resolvedAnswers;
  }

  /** Whether there is a person at a terminal (or a test adapter) to answer prompts. */
  protected canPrompt(): boolean {
    const adapter = this.env.adapter as unknown as { actualAdapter?: unknown };
    const actual = adapter.actualAdapter ?? adapter;
    const isTerminal = actual instanceof TerminalAdapter || actual?.constructor?.name === 'TerminalAdapter';
    // The adapter's own streams: the process's for the CLI, others when the CLI runs in-process.
    const streams = actual as { stdin?: { isTTY?: boolean }; stdout?: { isTTY?: boolean } };
    return isTerminal ? Boolean(streams.stdin?.isTTY && streams.stdout?.isTTY) : true;
  }

  private inScope(question: Question): boolean {
    if (question.group === 'target' || question.group === 'binding') return true;
    if (this.ownFamilies === 'chosen') return true;
    // A family run alone writes a whole suite: every suite question but the choice of families.
    if (question.group === 'suite') return question.name !== 'categories';
    return questionFamilies(question).some((family) => (this.ownFamilies as readonly string[]).includes(family));
  }

  private get projectRoot(): string {
    return this.destinationRoot();
  }

  private importRoots(answers: Partial<Answers>): string[] {
    return [path.resolve(this.projectRoot, answers.pythonRoot ?? '.')];
  }

  // -- answers ---------------------------------------------------------------

  protected async resolve(): Promise<void> {
    const handed = this.handedAnswers;
    if (handed) {
      this.answers = handed;
      this.python = this.options.resolvedPython;
      this.composed = true;
      return;
    }
    await this.claimProject();
    const options = answersFromOptions(this.options as unknown as Record<string, unknown>);
    const file = this.options.answers ? loadAnswersFile(this.options.answers, this.env.cwd) : {};
    const { [PENDING_KEY]: _unfinished, ...kept } = this.config.getAll() as Record<string, unknown>;
    const stored = checkAnswerMapping(
      kept,
      `The stored answers in ${this.config.path}`,
      'Fix or remove them there (or pass --ask-answered to answer again); nothing was written.',
      'stored',
    );
    const presetFile = this.options.preset ?? (this.config.get('preset') as string | undefined);
    const preset = presetFile ? loadPreset(presetFile, this.env.cwd) : undefined;
    if (!this.options.skipChecks) {
      this.pythons = pythonSearch(this.projectRoot, this.pythonOption());
      this.python = await this.pythons.firstWithDriver();
      mark('found a Python with pytest');
      if (!this.python && this.pythonOption()) await this.refuseExplicitPython(this.pythonOption()!);
    }
    const interactive = this.canPrompt();
    const resumed = interactive ? await this.resumedAnswers() : {};
    const answers = await resolveAnswers(
      { options, file, stored: { ...stored, ...resumed }, preset },
      {
        inScope: (question) => this.inScope(question),
        yes: Boolean(this.options.yes),
        askAnswered: Boolean(this.options.askAnswered),
        ask: interactive ? (question, suggested, sofar) => this.ask(question, suggested, sofar) : undefined,
        facts: (sofar) => this.moduleFacts(sofar),
        infer: async (question, sofar) => {
          const fromCode = await this.inferred(question, sofar);
          return this.refineSuggestion ? this.refineSuggestion(question, sofar, fromCode) : fromCode;
        },
        ...(this.options.allQuestions
          ? {}
          : {
              mustAsk: (question: Question, suggestion: Suggestion | undefined) => this.mustAsk(question, suggestion),
              review: (sofar: Partial<Answers>, origins: Readonly<Record<string, AnswerOrigin>>) =>
                this.review(sofar, origins),
            }),
      },
    );
    if (this.ownFamilies !== 'chosen') {
      const chosen = new Set<Category>([...(stored.categories ?? []), ...this.ownFamilies]);
      answers.categories = [...chosen];
    }
    resolveInProject(this.projectRoot, answers.outputDir, { what: '`outputDir`', kind: 'folder' });
    await this.checkAgainstPython(answers);
    this.answers = answers;
    this.warmForCheck();
    // A finished run keeps its answers as today; the unfinished-run block goes.
    this.config.delete(PENDING_KEY);
    this.config.set({ ...answers, generatorVersion: PACKAGE_VERSION, ...(preset ? { preset: preset.file } : {}) });
  }

  // -- the confirm flow --------------------------------------------------------

  /** What the user's code shows for a question, once the module imports. */
  private async inferred(question: Question, sofar: Partial<Answers>): Promise<Suggestion | undefined> {
    if (question.name === 'pythonRoot') {
      // The module imported from the project root at its prompt: the root is the answer.
      const found = sofar.module ? await this.introspected({ ...sofar, pythonRoot: '.' }) : undefined;
      return found && !found.module_error ? { value: '.', certain: true, why: `${sofar.module} imports from there` } : undefined;
    }
    if (!READ_FROM_CODE.includes(question.name) && !HINTED_BY_CODE.includes(question.name) && question.name !== 'keepLast') {
      return undefined;
    }
    const fromSource = () => this.introspected(sofar).then((found) => inferAnswer(question.name, sofar, found));
    // The format the source shows for certain (`fmt="json"`, one save call) needs no probe.
    if (question.name === 'format') {
      const shown = await fromSource();
      if (shown?.certain) return shown;
    }
    if (PROBED.includes(question.name)) {
      const report = await this.probed(sofar);
      const seen = report ? probeSuggestions(report, sofar.module)[question.name as ProbedAnswer] : undefined;
      if (seen) return seen;
    }
    return fromSource();
  }

  /**
   * Saves and loads one sample state through the adapter drafted from the
   * answers so far, in a temporary folder, once per binding: what the file
   * holds suggests the format, the stored key names and the keys the code
   * adds. Never under --skip-checks; a probe that fails says so, once, and the
   * answers are asked as usual.
   */
  private async probed(sofar: Partial<Answers>): Promise<ProbeReport | undefined> {
    if (this.options.skipChecks || !sofar.module || !this.python || !hasOp(sofar as Answers, 'save')) return undefined;
    const binding = [sofar.module, sofar.pythonRoot, sofar.className, sofar.constructorExpression, sofar.stateKind, sofar.saveOp, sofar.loadOp];
    const key = JSON.stringify(binding);
    if (this.probeFor === key) return this.probeReport;
    this.probeFor = key;
    this.probeReport = undefined;
    this.probeNote = undefined;
    // A module that did not import (it timed out, say) is not imported again for a probe.
    const imported = await this.introspected(sofar);
    if (!imported || imported.module_error) return undefined;
    // The bound names' signatures, so the draft hands each call its arguments by name.
    const found = await this.introspectModule(sofar, {
      class: sofar.className || undefined,
      bindings: bindingRequest(sofar as Answers),
      expression: sofar.className ? sofar.constructorExpression : undefined,
      expression_locals: savesObjects(sofar) ? [...OBJECT_NAMES] : undefined,
    });
    if (found.module_error) return undefined;
    const draft = draftAnswers(sofar);
    let adapter: string;
    try {
      const view = buildSuiteView(draft, PACKAGE_VERSION, renderedFacts(found), found.expression_names);
      adapter = renderTemplate('common/checkpoint_adapter.py.ejs', view, { builtIn: TEMPLATES_ROOT });
    } catch {
      return undefined; // answers the draft cannot use yet: nothing to probe with
    }
    this.progress('Saving and loading one sample through the drafted adapter, in a temporary folder…');
    const report = await probeSaveAndLoad(this.python!, { paths: this.importRoots(sofar), adapter }, this.projectRoot);
    // A manager that does not build stops the run at the checks (checkAgainstPython), in its words.
    if (report.error && !report.error.startsWith(BUILDING_STEP)) {
      const tried = `To read what your save writes, checkpoint-tests built ${sofar.className || sofar.module} in a temporary folder and saved and loaded one sample state through the drafted adapter`;
      // Said once the answers pass their checks: a run that stops says only why.
      this.probeNote = (
        report.format
          ? `${tried}: the save wrote ${report.files[0] ?? 'a file'}, which the answers read from your code come from, but ${cut(report.error)}. If your loader wants other key names, answer savedKeyNames; the suite shows the same failure if the binding is wrong.`
          : `${tried}; ${cut(report.error)}. Nothing is read from that run, the answers come from your source and the defaults, and the suite will show the same failure if the binding is wrong.`
      );
    }
    this.probeReport = report;
    return report;
  }

  /** In the confirm flow: prompt only what the code does not show, the user's own choices and, run alone, the family's questions. */
  private mustAsk(question: Question, suggestion: Suggestion | undefined): boolean {
    // A family run alone writes a whole suite, but its settings (start, outputDir, CI) keep their defaults.
    if (this.ownFamilies !== 'chosen' && question.group === 'suite') return false;
    if (ALWAYS_ASKED.includes(question.name)) return true;
    if (this.ownFamilies !== 'chosen' && questionFamilies(question).some((family) => (this.ownFamilies as readonly string[]).includes(family))) {
      return true;
    }
    if (question.name === 'pythonRoot') return !suggestion;
    if (READ_FROM_CODE.includes(question.name)) return !suggestion?.certain;
    if (HINTED_BY_CODE.includes(question.name)) return Boolean(suggestion) && !suggestion!.certain;
    return false;
  }

  /** The one summary screen: every answer, grouped, with where it came from; returns the answer to edit, or undefined. */
  private async review(
    sofar: Partial<Answers>,
    origins: Readonly<Record<string, AnswerOrigin>>,
  ): Promise<string | undefined> {
    const shown = (value: unknown) => (Array.isArray(value) ? value.join(',') || '(none)' : value === '' ? '(empty)' : String(value));
    const label: Record<string, string> = {
      given: 'given',
      locked: 'locked by the preset',
      asked: 'you',
      inferred: 'from your code',
      default: 'recommended',
    };
    const width = Math.max(60, Math.min(this.streams.stdout.columns || 100, 120));
    const lines: string[] = ['', 'The answers the suite will be built from (* read from your code, + yours):'];
    const summarised = QUESTIONS.filter((question) => question.name in sofar && !NOT_REVIEWED.includes(question.name));
    const groups = [...new Set(['target', 'binding', 'suite', ...summarised.map((question) => question.group)])];
    for (const group of groups) {
      const members = summarised.filter((question) => question.group === group);
      if (members.length === 0) continue;
      if (group === 'target' || group === 'binding') {
        lines.push(GROUP_TITLES[group]!);
        for (const question of members) {
          const origin = origins[question.name];
          const why = origin?.why ? `: ${origin.why}` : '';
          lines.push(`  ${question.name} = ${shown(sofar[question.name])}  (${label[origin?.source ?? 'given']}${why})`);
        }
        continue;
      }
      // Policies and suite settings, one packed paragraph per group so the summary fits one screen.
      const mark = (name: string) => (origins[name]?.source === 'inferred' ? '*' : origins[name]?.source === 'asked' ? '+' : '');
      const items = members.map((question) => `${question.name}=${shown(sofar[question.name])}${mark(question.name)}`);
      let line = `${GROUP_TITLES[group] ?? `${group} policies`}:`;
      for (const item of items) {
        if (line.length + item.length + 1 > width) {
          lines.push(line);
          line = '   ';
        }
        line += ` ${item}`;
      }
      lines.push(line);
    }
    this.log(`${lines.join('\n')}\n`);
    const { action } = (await this.promptKeepingAnswers([
      {
        type: 'select',
        name: 'action',
        message: 'Build the suite from these answers?',
        choices: [
          { name: 'accept', value: 'accept' },
          { name: 'edit one', value: 'edit' },
        ],
        default: 'accept',
      } as never,
    ])) as { action: string };
    if (action !== 'edit') return undefined;
    const editable = QUESTIONS.filter(
      (question) => question.name in sofar && !NOT_REVIEWED.includes(question.name) && origins[question.name]?.source !== 'locked',
    );
    const { name } = (await this.promptKeepingAnswers([
      {
        type: 'select',
        name: 'name',
        message: 'Which answer?',
        choices: editable.map((question) => ({
          name: `${question.name} = ${shown(sofar[question.name])}`,
          value: question.name,
        })),
        pageSize: 15,
      } as never,
    ])) as { name: string };
    this.editing = true;
    return name;
  }

  // -- answers of an unfinished run ------------------------------------------

  /** The answers given so far in this run, kept in `.yo-rc.json` until the run finishes. */
  private pending: Record<string, unknown> = {};
  private resumption: Promise<Partial<Answers>> | undefined;
  /** Set while the summary screen's "edit one" asks a question: it is asked even when resumed. */
  private editing = false;

  private readYoRc(): Record<string, unknown> {
    try {
      const parsed = JSON.parse(readFileSync(this.config.path, 'utf8')) as unknown;
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  /** Writes the pending block alone, at once, atomically (a temporary file renamed in the same folder). */
  private writePending(): void {
    if (this.options.dryRun) return;
    const whole = this.readYoRc();
    const namespace = this.rootGeneratorName();
    const ours = { ...((whole[namespace] as Record<string, unknown> | undefined) ?? {}) };
    if (Object.keys(this.pending).length > 0) ours[PENDING_KEY] = this.pending;
    else delete ours[PENDING_KEY];
    whole[namespace] = ours;
    const temporary = `${this.config.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(whole, null, 2)}\n`);
    renameSync(temporary, this.config.path);
  }

  /** A prompt that, when cancelled (Ctrl-C), first says where the answers given so far are kept. */
  private async promptKeepingAnswers(questions: never[]): Promise<Record<string, unknown>> {
    try {
      return (await this.prompt(questions)) as Record<string, unknown>;
    } catch (error) {
      const count = Object.keys(this.pending).length;
      if (count > 0 && !this.options.dryRun) {
        this.streams.stderr.write(
          `\nYour ${count === 1 ? 'answer' : `${count} answers`} so far ${count === 1 ? 'is' : 'are'} kept in ${this.relative(this.config.path)}; the next run offers to resume ${count === 1 ? 'it' : 'them'}.\n`,
        );
      }
      throw error;
    }
  }

  /**
   * A subclass's say on what the code suggests for a question (the audit's:
   * what the tests call), and the choices of a method picker when the module
   * was not imported. Properties, not methods: Yeoman runs every method a
   * generator's own class declares as a task.
   */
  protected refineSuggestion?: (
    question: Question,
    sofar: Partial<Answers>,
    fromCode: Suggestion | undefined,
  ) => Promise<Suggestion | undefined>;
  protected fallbackChoices?: (question: Question, sofar: Partial<Answers>) => { name: string; value: string }[] | undefined;

  /**
   * Whether answers are kept in `.yo-rc.json` as they are given, for the next
   * run to resume. The audit keeps none: cancelled, it leaves nothing behind.
   */
  protected readonly keepsUnfinishedAnswers: boolean = true;

  private savePending(name: string, value: unknown): void {
    if (!this.keepsUnfinishedAnswers) return;
    this.pending[name] = value;
    this.writePending();
  }

  /**
   * The answers an unfinished earlier run left in `.yo-rc.json`, when the
   * user takes them (asked once per run); values that no longer check are dropped.
   */
  private resumedAnswers(): Promise<Partial<Answers>> {
    this.resumption ??= (async () => {
      if (!this.keepsUnfinishedAnswers) return {};
      const namespace = this.rootGeneratorName();
      const block = (this.readYoRc()[namespace] as Record<string, unknown> | undefined)?.[PENDING_KEY];
      if (!block || typeof block !== 'object' || Array.isArray(block)) return {};
      const usable: Record<string, unknown> = {};
      for (const [name, raw] of Object.entries(block as Record<string, unknown>)) {
        const question = questionNamed(name);
        const checked = question ? checkValue(question, raw, block as Partial<Answers>) : undefined;
        if (checked && 'value' in checked) usable[name] = checked.value;
      }
      const count = Object.keys(usable).length;
      if (count === 0 || this.options.yes || !this.canPrompt()) return {};
      const { resume } = (await this.prompt([
        {
          type: 'confirm',
          name: 'resume',
          message: `Resume the ${count === 1 ? 'answer' : `${count} answers`} from your last run?`,
          default: true,
        } as never,
      ])) as { resume: boolean };
      if (!resume) {
        this.writePending();
        return {};
      }
      this.pending = { ...usable };
      return usable as Partial<Answers>;
    })();
    return this.resumption;
  }

  private pythonOption(): string | undefined {
    return this.options.python ?? process.env.CHECKPOINT_TESTS_PYTHON;
  }

  /** A Python the user named that cannot run the checks is their error, never a reason to skip every check. */
  private async refuseExplicitPython(executable: string): Promise<never> {
    const probed = await probePython(executable);
    const why = 'problem' in probed ? probed.problem : 'it was not usable';
    const named = this.options.python === undefined ? 'CHECKPOINT_TESTS_PYTHON' : '--python';
    const shown = executable.length > 200 ? `${executable.slice(0, 200)}…` : executable;
    throw new UsageError(
      `${named} is ${shown}, but ${why}, so your module cannot be imported nor the new suite checked. Name the Python your tests run with (one with pytest: \`python -m pip install pytest\`), or pass --skip-checks to write the suite unchecked; nothing was written.`,
    );
  }

  /** One line a phase (importing the module, checking the suite) when someone watches stderr. */
  private progress(line: string): void {
    if (this.streams.stderr.isTTY || process.env.CHECKPOINT_TESTS_PROGRESS) this.log.info(line);
  }

  /** One prompt, built from the question's declaration and, when possible, from the user's module. */
  protected async ask(question: Question, suggested: unknown, sofar: Partial<Answers>): Promise<unknown> {
    const editing = this.editing;
    this.editing = false;
    if (!editing && !this.options.askAnswered) {
      // The app's first question is asked before the rest resolve: an unfinished run's answer to it counts too.
      const resumed = (await this.resumedAnswers()) as Record<string, unknown>;
      if (resumed[question.name] !== undefined) return resumed[question.name];
    }
    const choices = this.dynamicChoices(question, sofar) ?? this.fallbackChoices?.(question, sofar);
    const validate = async (input: unknown): Promise<string | true> => {
      // A checkbox hands its validator the chosen choice objects, not their values.
      const value = Array.isArray(input)
        ? input.map((item: unknown) => (typeof item === 'object' && item !== null && 'value' in item ? item.value : item))
        : input;
      if (value === TYPE_A_PATH) return true;
      const checked = checkValue(question, value, sofar);
      if ('problem' in checked) return checked.problem.replace(/`/g, '');
      return (await this.checkAtPrompt(question, String(value), sofar)) ?? true;
    };
    const message = `${question.message}`;
    let prompt: Record<string, unknown>;
    if (question.kind === 'enum') {
      prompt = {
        type: 'select',
        choices: question.choices.map((choice) => ({
          name: choiceLabel(choice, question.policy),
          value: choice.value,
          short: choice.value,
        })),
      };
    } else if (question.kind === 'list') {
      const defaults = new Set((suggested as string[] | undefined) ?? []);
      prompt = {
        type: 'checkbox',
        choices: question.choices.map((choice) => ({
          name: choiceLabel(choice, question.policy),
          value: choice.value,
          short: choice.value,
          checked: defaults.has(choice.value),
        })),
      };
    } else if (choices && !(typeof suggested === 'string' && !choices.some((choice) => choice.value === suggested))) {
      prompt = { type: 'select', choices, pageSize: 12 };
    } else {
      prompt = { type: 'input' };
    }
    const answered = await this.promptKeepingAnswers([
      { ...prompt, name: question.name, message, default: suggested, validate } as never,
    ]);
    let value = (answered as Record<string, unknown>)[question.name];
    if (value === TYPE_A_PATH) {
      // A member's method, a property or a module function: typed, and checked as any typed answer.
      const typed = await this.promptKeepingAnswers([
        { type: 'input', name: question.name, message: 'Type it (such as manager.checkpoint.restore or module.find_latest):', validate } as never,
      ]);
      value = (typed as Record<string, unknown>)[question.name];
    }
    if (question.name === 'module' && this.python && !this.introspection) {
      await this.introspectModule({ ...sofar, module: String(value) });
    }
    // Kept at once, so a typo or Ctrl-C later costs only the answer being typed.
    this.savePending(question.name, value);
    return value;
  }

  /**
   * The checks that need the user's module, at the prompt: the module imports,
   * a typed class or method exists, an exception imports; with a "did you
   * mean" when a near name exists. Undefined when the value is fine (or
   * there is no Python to check with).
   */
  private async checkAtPrompt(question: Question, value: string, sofar: Partial<Answers>): Promise<string | undefined> {
    if (!this.python) return undefined;
    const suggestion = (near: string | undefined) => (near ? ` Did you mean ${near}?` : '');
    if (question.name === 'module') {
      const found = await this.introspectModule({ ...sofar, module: value });
      return found.module_error ? `${value} does not import: ${found.module_error}` : undefined;
    }
    const found = await this.introspected(sofar);
    if (!found || found.module_error) return undefined;
    if (question.name === 'className' && value !== '') {
      const names = found.classes.map((cls) => cls.name);
      return names.includes(value)
        ? undefined
        : `${sofar.module} has no class ${value} (it has ${names.join(', ') || 'none'}).${suggestion(didYouMean(value, names))}`;
    }
    if (question.dynamicChoices === 'methods' && value !== NONE) {
      const cls = found.classes.find((candidate) => candidate.name === sofar.className);
      if (sofar.className && !cls) return undefined;
      const callables = cls ? cls.methods : found.functions;
      if (callables.includes(value)) return undefined;
      // A private method, a property, a member's method or a module function: looked up in the driver.
      const bound = boundName({ ...sofar, [question.name]: value }, question.name);
      if (!bound) return undefined;
      const checked = await this.introspectModule(sofar, {
        class: sofar.className || undefined,
        bindings: { [question.name]: { root: bound.root, path: bound.path } },
      });
      // A prompt shows plain text: no Markdown backticks.
      return bindingProblem({ ...sofar, [question.name]: value }, question.name, checked.bindings?.[question.name], callables)?.replace(/`/g, '');
    }
    if (question.dynamicChoices === 'attributes' && value !== NONE) {
      const cls = found.classes.find((candidate) => candidate.name === sofar.className);
      if (!cls || cls.attributes.includes(value)) return undefined;
      // A property, a private attribute or a member's: looked up in the driver.
      const bound = boundName({ ...sofar, [question.name]: value }, question.name);
      if (!bound) return undefined;
      const checked = await this.introspectModule(sofar, {
        class: sofar.className || undefined,
        bindings: { [question.name]: { root: bound.root, path: bound.path } },
      });
      return bindingProblem({ ...sofar, [question.name]: value }, question.name, checked.bindings?.[question.name])?.replace(/`/g, '');
    }
    if (question.importsException) {
      const checked = await this.introspectModule(sofar, { exceptions: [value] });
      const why = checked.exceptions[value];
      if (!why) return undefined;
      const candidates = [...(checked.exception_classes ?? []), ...COMMON_BUILTIN_EXCEPTIONS];
      return `${value} does not import as an exception: ${why}.${suggestion(didYouMean(value, candidates))}`;
    }
    return undefined;
  }

  /**
   * Imports the user's module once, in the run's one Python process. A
   * project may have pytest in several Pythons and the module's own
   * dependencies (torch) in only one: a quick probe that imports nothing
   * chooses the first that can find the module and its needs; that one
   * imports it, formats the suite and checks it.
   */
  private async introspectModule(answers: Partial<Answers>, extra: Partial<IntrospectRequest> = {}): Promise<Introspection> {
    const before = this.introspectedFor;
    this.introspectedFor = `${answers.module}\0${answers.pythonRoot ?? '.'}`;
    const request: IntrospectRequest = {
      paths: this.importRoots(answers),
      module: answers.module,
      needs: answers.format === 'torch' ? ['torch'] : [],
      ...extra,
    };
    const choice = `${this.introspectedFor}\0${request.needs!.join(',')}`;
    if (this.chosenFor !== choice && this.python) {
      // The Python in use is asked first, in its driver (no new process); another starts only when it lacks something.
      const missing = await missingImports(this.python, request, this.projectRoot);
      if (missing === undefined || missing.length > 0) {
        const lacking = this.python;
        const needs = [...new Set([...(request.needs ?? []), ...(missing ?? [])])];
        this.python = (await this.pythons?.choose({ ...request, needs }, lacking)) ?? this.python;
        if (this.python !== lacking) closeDriver(lacking, this.projectRoot);
      }
      mark('chose the Python for the module');
      this.chosenFor = choice;
      prestartFormatter(this.python!, this.projectRoot);
    }
    if (before !== this.introspectedFor) this.progress(`Importing ${answers.module} with ${this.python!.executable}…`);
    this.introspection = await introspect(this.python!, request, this.projectRoot);
    // A Python can find the module yet lack what it imports (torch): another one may have it.
    if (this.introspection.module_error && /No module named/.test(this.introspection.module_error)) {
      for (const other of ((await this.pythons?.all()) ?? []).filter((python) => pythonProgram(python) !== pythonProgram(this.python!))) {
        const found = await introspect(other, request, this.projectRoot);
        if (found.module_error) continue;
        this.python = other;
        this.introspection = found;
        break;
      }
    }
    return this.introspection;
  }

  /** The introspection of the module answered so far (imported once per module and root), or undefined without one. */
  private async introspected(sofar: Partial<Answers>): Promise<Introspection | undefined> {
    if (!sofar.module || !this.python) return undefined;
    const key = `${sofar.module}\0${sofar.pythonRoot ?? '.'}`;
    return this.introspection && this.introspectedFor === key ? this.introspection : this.introspectModule(sofar);
  }

  /** What the user's module holds, importing it once the module is answered (never without a Python). */
  protected async moduleFacts(sofar: Partial<Answers>): Promise<ModuleFacts | undefined> {
    const found = await this.introspected(sofar);
    if (!found || found.module_error) return undefined;
    const cls = found.classes.find((candidate) => candidate.name === sofar.className);
    return { imports: found.imports, callables: cls ? cls.methods : found.functions, attributes: cls?.attributes ?? [] };
  }

  /** Classes, methods or attributes of the user's module, offered instead of free text. */
  private dynamicChoices(question: Question, sofar: Partial<Answers>): { name: string; value: string }[] | undefined {
    const found = this.introspection;
    if (!found || found.module_error || !question.dynamicChoices) return undefined;
    const cls = found.classes.find((candidate) => candidate.name === sofar.className);
    const named = (names: string[]) => names.map((name) => ({ name, value: name }));
    switch (question.dynamicChoices) {
      case 'classes':
        return found.classes.length === 0
          ? undefined
          : [...named(found.classes.map((c) => c.name)), { name: '(module-level functions)', value: '' }];
      case 'methods':
        return [
          ...named(cls ? cls.methods : found.functions),
          { name: `${NONE}: my code has no such op`, value: NONE },
          { name: 'another: a member\'s method, a property or a module function (type it)', value: TYPE_A_PATH },
        ];
      case 'attributes':
        return cls && cls.attributes.length > 0
          ? [...named(cls.attributes), { name: `${NONE}: nothing records it`, value: NONE }]
          : undefined;
    }
  }

  /**
   * Imports the user's module with the Python that has pytest and checks
   * that the class, the methods and the exceptions named in the answers exist.
   */
  private async checkAgainstPython(answers: Answers): Promise<void> {
    if (this.options.skipChecks) return;
    if (!this.python) {
      this.log.info(
        `No Python with pytest was found${this.pythonOption() ? ` at ${this.pythonOption()}` : ' on PATH or in a project virtualenv'}, so ${answers.module} was not imported and the new suite will not be collected. Pass --python PATH to name the interpreter your tests run with.`,
      );
      return;
    }
    const exceptionQuestions = QUESTIONS.filter(
      (question) => question.importsException && isAsked(question, answers) && answers[question.name],
    );
    // An answer may list several exceptions (corruptError): each must import.
    const exceptions = [...new Set(exceptionQuestions.flatMap((question) => exceptionNames(String(answers[question.name]))))];
    // A module that did not import (it timed out, say) is not imported again to ask about exceptions.
    const failed = this.introspection?.module_error && this.introspectedFor === `${answers.module}\0${answers.pythonRoot ?? '.'}`;
    const found = failed
      ? this.introspection!
      : await this.introspectModule(answers, {
          exceptions,
          expression: answers.className ? answers.constructorExpression : undefined,
          expression_locals: savesObjects(answers) ? [...OBJECT_NAMES] : undefined,
          class: answers.className || undefined,
          bindings: bindingRequest(answers),
        });
    const problems: string[] = [];
    if (found.module_error) {
      throw new UsageError(
        `The module \`${answers.module}\` (answer \`module\`) does not import with ${this.python.executable} and ${cut(this.importRoots(answers)[0]!)} on sys.path: ${cut(found.module_error, 2000)}. Check the module path and \`pythonRoot\` (the folder that must be on sys.path), or pass --python with the interpreter your tests run with; nothing was written.`,
      );
    }
    for (const [needed, why] of Object.entries(found.missing_needs)) {
      throw new UsageError(
        `The answers say checkpoints are ${answers.format} files, but \`${needed}\` does not import with ${this.python.executable}: ${why}. Install it where your tests run, or pass --python with the interpreter that has it; nothing was written.`,
      );
    }
    const cls = found.classes.find((candidate) => candidate.name === answers.className);
    if (answers.className && !cls) {
      const known = found.classes.map((candidate) => candidate.name);
      problems.push(
        `\`className\` is "${answers.className}", but ${answers.module} defines ${known.length > 0 ? `only ${known.join(', ')}` : 'no class'} (leave it empty to bind module-level functions)`,
      );
    }
    // Every bound name (ops, restoreOp, the resumed-from attribute, the backoff target) and the constructor's names.
    if (!answers.className || cls) {
      const checked = bindingProblems(answers, found);
      problems.push(...checked.problems);
      for (const note of checked.notes) this.log.info(note);
    }
    for (const question of exceptionQuestions) {
      const names = exceptionNames(String(answers[question.name]));
      for (const name of names) {
        const why = found.exceptions[name];
        const said = names.length > 1 ? `names "${name}"` : `is "${name}"`;
        if (why) problems.push(`\`${question.name}\` ${said}, but it does not import as an exception: ${why}`);
      }
    }
    // A manager built without the folder must take it at every call: save's signature says where.
    const saveFact = found.bindings?.saveOp;
    if (cls && !/\bcheckpoint_dir\b/.test(answers.constructorExpression) && saveFact?.parameters && !saveFact.varargs) {
      if (!saveFact.parameters.some((parameter) => isFolderParameter(parameter.name))) {
        problems.push(
          `\`constructorExpression\` is ${quoteValue(answers.constructorExpression)}, which does not give the manager \`checkpoint_dir\`, and \`saveOp\` (${answers.saveOp}(${saveFact.parameters.map((parameter) => parameter.name).join(', ')})) takes no folder either: pass \`checkpoint_dir\` to the constructor, or bind a save whose folder parameter is named like model_dir, save_dir or checkpoint_dir`,
        );
      }
    }
    if (found.expression_error) {
      problems.push(
        `\`constructorExpression\` is ${quoteValue(answers.constructorExpression)}, which is not a Python expression: ${cut(found.expression_error)}`,
      );
    }
    // The manager must build: the probe builds it once in a temporary folder (its save and load only inform).
    if (problems.length === 0 && cls) {
      const report = await this.probed(answers);
      if (report?.error?.startsWith(BUILDING_STEP)) {
        problems.push(
          `\`constructorExpression\` is ${quoteValue(answers.constructorExpression)}, but building it for an empty temporary folder failed: ${cut(report.error.slice(BUILDING_STEP.length + 2))} (check its arguments, or what the constructor needs from its environment)`,
        );
      }
    }
    if (problems.length > 0) {
      throw new UsageError(
        `The answers do not match ${answers.module}: ${joinProblems(problems)}. Fix the answers (in the answers file, the options or .yo-rc.json) and run again; nothing was written.`,
      );
    }
    if (this.probeNote) this.log.info(this.probeNote);
  }

  /**
   * While node renders and writes the suite (and the formatter runs black on
   * it), the run's Python imports what `pytest --setup-only` will (pytest,
   * and Hypothesis when a generated case uses it): the check finds them loaded.
   */
  private warmForCheck(): void {
    if (!this.python || this.options.skipChecks || this.options.dryRun) return;
    const generated = generatedCases(this.answers);
    const modules = ['pytest', ...(generated.has('C8') || generated.has('S1') ? ['hypothesis'] : [])];
    warmImports(this.python, modules, this.projectRoot);
  }

  // -- writing -----------------------------------------------------------------

  /** The test files of the families this generator writes (none whose cases are all left out). */
  private filesToWrite(): TestFile[] {
    const families = this.ownFamilies === 'chosen' ? this.answers.categories : this.ownFamilies;
    const generated = generatedCases(this.answers);
    return FAMILIES.filter((family) => families.includes(family.name)).flatMap((family) =>
      testFilesWritten(family, this.answers, generated),
    );
  }

  private teamTemplatesAsked(): boolean {
    const options = this.options as unknown as Record<string, unknown>;
    return this.options.teamTemplatesAsked ?? (options.templatesDir ?? options['templates-dir']) !== undefined;
  }

  /** The team templates this run rendered with (shared by the generators of one run). */
  private get teamTemplatesUsed(): Set<string> {
    let used = TEAM_TEMPLATES_USED.get(this.env);
    if (!used) TEAM_TEMPLATES_USED.set(this.env, (used = new Set()));
    return used;
  }

  /**
   * The project's team templates folder, if this run may read it. Team
   * templates run JavaScript: a --dry-run, which promises to change nothing,
   * reads them only when its command line names the folder (--templates-dir).
   */
  private teamTemplatesFolder(): string | undefined {
    if (!this.answers.templatesDir) return undefined;
    if (this.options.dryRun && !this.teamTemplatesAsked()) return undefined;
    return path.resolve(this.projectRoot, this.answers.templatesDir);
  }

  /** The files this run writes, rendered: the shared ones (unless composed) and the families' tests. */
  private async plannedOutputs(): Promise<Output[]> {
    // What the checks found each bound name to be (a property is read, a function gets the folder); none under --skip-checks.
    const checked = this.options.skipChecks ? undefined : this.introspection;
    const views = SUITE_VIEWS.get(this.answers) ?? new Map<Introspection | undefined, SuiteView>();
    SUITE_VIEWS.set(this.answers, views);
    const view =
      views.get(checked) ?? buildSuiteView(this.answers, PACKAGE_VERSION, renderedFacts(checked), checked?.expression_names);
    views.set(checked, view);
    const roots: TemplateRoots = {
      builtIn: TEMPLATES_ROOT,
      override: this.teamTemplatesFolder(),
      project: this.projectRoot,
      used: this.teamTemplatesUsed,
    };
    const inSuite = (file: string) => this.destinationPath(this.answers.outputDir, file);
    const rendered = (template: string, target: string, userOwned = false): Output => ({
      target,
      content: renderTemplate(template, view, roots),
      userOwned,
    });
    const outputs: Output[] = [];
    if (!this.composed) {
      outputs.push(
        rendered('common/conftest.py.ejs', inSuite('conftest.py')),
        rendered('common/checkpoint_adapter.py.ejs', inSuite(ADAPTER_FILE), true),
        rendered('common/README.md.ejs', inSuite('README.md')),
      );
      if (this.answers.ciRecipe === 'github') {
        outputs.push(rendered('ci/github-workflow.yml.ejs', this.destinationPath(GITHUB_WORKFLOW)));
        const preCommit = this.destinationPath(PRE_COMMIT_CONFIG);
        const existing = this.fs.exists(preCommit) ? this.fs.read(preCommit) : undefined;
        const merged = withPreCommitHook(existing, view.ci.preCommitHook);
        // The user's own file, merged: formatted their way (see format.ts); ours is already final.
        const content = existing === undefined ? merged : await formatWithPrettier(merged, preCommit);
        outputs.push({ target: preCommit, content, userOwned: false });
      }
    }
    for (const { template, file } of this.filesToWrite()) outputs.push(rendered(template, inSuite(file)));
    // Python goes through black; the other files are rendered in their final form (format.ts).
    for (const output of outputs) {
      if (output.target.endsWith('.md')) output.content = alignMarkdownTables(output.content);
    }
    const python = this.python;
    if (python?.hasBlack) {
      await Promise.all(
        outputs
          .filter((output) => output.target.endsWith('.py'))
          .map(async (output) => {
            output.content = await formatWithBlack(python, output.content, output.target, this.projectRoot);
          }),
      );
    }
    return outputs;
  }

  protected async writeSuite(): Promise<void> {
    mark('answers resolved and checked');
    if (!this.composed) this.queueTransformStream({}, finalFormTransform());
    const outputs = await this.plannedOutputs();
    const force = Boolean(this.options.force);
    const { keptAdapter, upgradeDraft, missing } = this.adapterUpgrade(outputs, force);
    if (upgradeDraft) outputs.push(upgradeDraft);
    const overwriteGenerated = force || Boolean(this.options.overwriteGenerated);
    const record = this.runRecord.files;
    const kept: string[] = [];
    /** Differing files, by why they differ. */
    const edited: string[] = [];
    const changed: string[] = [];
    /** Written over without asking: --overwrite-generated, or what an interrupted earlier write left. */
    const rewrite = new Set<string>();
    for (const output of outputs) {
      const onDisk = this.fs.exists(output.target) ? this.fs.read(output.target) : undefined;
      if (output.userOwned && onDisk !== undefined && !force) {
        if (onDisk !== output.content) kept.push(this.relative(output.target));
        continue;
      }
      if (onDisk === undefined) this.runRecord.planned.created += 1;
      else if (onDisk !== output.content) this.runRecord.planned.changed += 1;
      if (onDisk === undefined || onDisk === output.content) continue;
      // A strict beginning of the new content is what a write cut short left (older versions wrote in place).
      if (output.content.startsWith(onDisk) || (!output.userOwned && overwriteGenerated)) {
        rewrite.add(output.target);
        continue;
      }
      if (force || this.canPromptForConflicts()) continue;
      const recorded = record[this.recordKey(output.target)];
      if (recorded !== undefined && recorded === sha256(onDisk)) changed.push(this.relative(output.target));
      else edited.push(this.relative(output.target));
    }
    if (edited.length + changed.length > 0) throw this.differingFilesError(edited, changed);
    if (!this.composed) this.removeStaleFiles(upgradeDraft ? [upgradeDraft.target] : []);
    for (const output of outputs) {
      if (output.userOwned && this.fs.exists(output.target) && !force) continue;
      this.fs.write(output.target, output.content);
      if (rewrite.has(output.target)) this.skipConflicter(output.target);
      if (output.target !== this.destinationPath(PRE_COMMIT_CONFIG)) record[this.recordKey(output.target)] = sha256(output.content);
    }
    const byPath = Object.entries(record).sort(([a], [b]) => comparePaths(a, b));
    this.config.set('files', Object.fromEntries(byPath));
    for (const file of kept) {
      this.log.info(
        `Kept your ${file}: it is yours and differs from what the answers would write now; pass --force to rewrite it.`,
      );
    }
    if (keptAdapter && upgradeDraft) {
      this.log.conflict(
        `Your ${this.relative(keptAdapter.target)} was written by an earlier version of checkpoint-tests: it does not define ${missing.join(', ')}, which the new suite uses, so pytest cannot import the suite until it does. The adapter your answers would write now ${this.options.dryRun ? 'would be written' : 'is'} beside it as ${this.relative(upgradeDraft.target)}: copy those definitions from it into yours (keeping your edits), or pass --force to rewrite yours from your answers.`,
      );
    }
  }

  /**
   * The user's adapter, when it is kept (it exists and there is no --force),
   * and, when it lacks names the rest of the new suite uses, the current
   * adapter as a draft to copy them from (`checkpoint_adapter.py.new`).
   */
  private adapterUpgrade(
    outputs: readonly Output[],
    force: boolean,
  ): { keptAdapter?: Output; upgradeDraft?: Output; missing: string[] } {
    const keptAdapter = outputs.find((output) => output.userOwned && output.target.endsWith(ADAPTER_FILE));
    if (!keptAdapter || force || !this.fs.exists(keptAdapter.target)) return { missing: [] };
    const others = outputs.filter((output) => output !== keptAdapter && output.target.endsWith('.py'));
    const missing = missingAdapterNames(
      this.fs.read(keptAdapter.target),
      keptAdapter.content,
      others.map((output) => output.content),
    );
    if (missing.length === 0) return { keptAdapter, missing };
    return {
      keptAdapter,
      missing,
      upgradeDraft: { target: `${keptAdapter.target}${ADAPTER_DRAFT_SUFFIX}`, content: keptAdapter.content, userOwned: false },
    };
  }

  /** The key of a file in the record of written files: its project-relative path, with forward slashes. */
  private recordKey(target: string): string {
    return path.relative(this.projectRoot, target).split(path.sep).join('/');
  }

  /** Lets the conflicter write a file without asking (it still writes nothing under --dry-run). */
  private skipConflicter(target: string): void {
    const file = (this.env as unknown as { sharedFs: { get(file: string): { conflicter?: string } } }).sharedFs.get(target);
    file.conflicter = 'force';
  }

  /**
   * Files an earlier run wrote that the suite no longer has (a family no
   * longer chosen, the CI recipe dropped): removed when unchanged since,
   * named to the user when edited.
   */
  private removeStaleFiles(alsoWritten: readonly string[]): void {
    const record = this.runRecord.files;
    const generated = generatedCases(this.answers);
    const inSuite = (file: string) => this.recordKey(this.destinationPath(this.answers.outputDir, file));
    const current = new Set([
      ...alsoWritten.map((target) => this.recordKey(target)),
      inSuite('conftest.py'),
      inSuite(ADAPTER_FILE),
      inSuite('README.md'),
      ...(this.answers.ciRecipe === 'github' ? [this.recordKey(this.destinationPath(GITHUB_WORKFLOW))] : []),
      ...FAMILIES.filter((family) => this.answers.categories.includes(family.name))
        .flatMap((family) => testFilesWritten(family, this.answers, generated))
        .map(({ file }) => inSuite(file)),
    ]);
    for (const key of Object.keys(record)) {
      if (current.has(key)) continue;
      const target = this.destinationPath(key);
      const hash = record[key];
      delete record[key];
      if (!existsSync(target)) continue;
      if (sha256(readFileSync(target, 'utf8')) === hash) {
        this.fs.delete(target);
        this.skipConflicter(target);
        this.runRecord.planned.removed += 1;
        this.log.info(
          `${this.options.dryRun ? 'Would remove' : 'Removed'} ${key}: checkpoint-tests wrote it in an earlier run, these answers no longer generate it, and it was not edited since.`,
        );
      } else {
        this.log.info(
          `Kept ${key}: checkpoint-tests wrote it in an earlier run and these answers no longer generate it, but it was edited since; delete it yourself if you no longer need it.`,
        );
      }
    }
  }

  /** Why the run stops when files differ and no one can be asked: which answers changed, which files, and the flags. */
  private differingFilesError(edited: readonly string[], changed: readonly string[]): UsageError {
    const previous = this.runRecord.previous;
    const answerChanges = Object.keys(this.answers)
      .filter((name) => name in previous && JSON.stringify(previous[name]) !== JSON.stringify(this.answers[name as keyof Answers]))
      .map((name) => `\`${name}\` was ${cutText(JSON.stringify(previous[name]), 80)}, now ${cutText(JSON.stringify(this.answers[name as keyof Answers]), 80)}`);
    const versionChange =
      previous.generatorVersion !== undefined && previous.generatorVersion !== PACKAGE_VERSION
        ? `checkpoint-tests was ${String(previous.generatorVersion)}, now ${PACKAGE_VERSION}`
        : undefined;
    const causes = [...answerChanges, ...(versionChange ? [versionChange] : [])];
    const parts: string[] = [];
    if (causes.length > 0) parts.push(`These answers changed since the last run (.yo-rc.json): ${joinProblems(causes)}.`);
    if (changed.length > 0) {
      parts.push(
        `So checkpoint-tests would rewrite ${changed.join(', ')} (written by an earlier run and not edited since).`,
      );
    }
    if (edited.length > 0) {
      parts.push(
        `${edited.join(', ')} ${edited.length === 1 ? 'differs' : 'differ'} from what checkpoint-tests would write now and ${edited.length === 1 ? 'was' : 'were'} not written by it as ${edited.length === 1 ? 'it stands' : 'they stand'} (edited by hand, or written by another version).`,
      );
    }
    return new UsageError(
      `The suite folder ${this.answers.outputDir} holds files that differ from what checkpoint-tests would write now. ${parts.join(' ')} Nothing was written. Pass --overwrite-generated to rewrite every generated file (your ${ADAPTER_FILE} is kept), run in a terminal to review each difference, pass --force to overwrite everything including the adapter, or choose another \`outputDir\`.`,
    );
  }

  /** One line naming the team templates used (they ran as JavaScript), or those a dry run left unread. */
  private announceTeamTemplates(): void {
    const used = [...this.teamTemplatesUsed].map((file) => this.relative(file)).sort();
    if (used.length > 0) {
      this.log.info(
        `Rendered with your team's templates, which run as JavaScript with your rights: ${cut(used.join(', '), 2000)}.`,
      );
    } else if (this.answers.templatesDir && !this.teamTemplatesFolder() && existsSync(this.destinationPath(this.answers.templatesDir))) {
      this.log.info(
        `--dry-run rendered the built-in templates: the team templates in ${cut(this.answers.templatesDir)} run as JavaScript, so a dry run reads them only when you also pass --templates-dir with that folder.`,
      );
    }
  }

  /** The conflicter asks about changed files only when someone can answer. */
  private canPromptForConflicts(): boolean {
    return this.canPrompt() || Boolean(this.options.dryRun);
  }

  private relative(target: string): string {
    return path.relative(this.destinationRoot(), target) || target;
  }

  // -- after writing ---------------------------------------------------------

  protected async report(): Promise<void> {
    if (this.composed) return;
    // Piped output keeps one line a case (for grep); a terminal gets a table that fits it.
    const { stdout } = this.streams;
    this.log(coverageTable(decideCases(this.answers), stdout.isTTY ? stdout.columns : undefined));
    this.announceTeamTemplates();
    if (this.options.dryRun) this.log(dryRunSummary(this.runRecord.planned));
    if (!this.python || this.options.skipChecks || this.options.dryRun) return;
    const suite = this.destinationPath(this.answers.outputDir);
    mark('suite written');
    this.progress(`Checking the suite with ${this.python.executable} -m pytest --setup-only…`);
    const check = await checkSuite(this.python, suite, this.projectRoot);
    closeDrivers();
    const runIt = runCommand(this.answers, this.python.executable);
    if (!check.ok) {
      // The suite is written (the user fixes the adapter in place), but the run did not succeed.
      throw new UsageError(
        `pytest could not ${check.collected === undefined ? 'collect' : 'set up'} the new suite in ${this.answers.outputDir}: ${check.problem}. Fix the adapter (${path.posix.join(this.answers.outputDir, ADAPTER_FILE)}) or your answers, then run ${runIt}.`,
      );
    }
    this.log.ok(
      `pytest collected ${check.collected} tests in ${this.answers.outputDir} and set up every fixture, with ${this.python.executable}. Run them with: ${runIt}`,
    );
  }
}
