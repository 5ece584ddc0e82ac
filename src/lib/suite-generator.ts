/**
 * The run loop every checkpoint-tests generator shares: options derived from
 * the question declarations, answers resolved from every source and checked
 * in one place, the user's module checked by importing it, files rendered
 * and formatted before Yeoman's conflicter sees them, and pytest run on the
 * result.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TerminalAdapter } from '@yeoman/adapter';
import Generator, { type BaseOptions } from 'yeoman-generator';
import {
  answersFromOptions,
  checkAnswerMapping,
  checkValue,
  loadAnswersFile,
  loadPreset,
  resolveAnswers,
} from './answers.js';
import { decideCases, generatedCases } from './cases.js';
import { formatWithPrettier, prettierTransform } from './format.js';
import { UsageError, joinProblems } from './errors.js';
import { type Introspection, type IntrospectRequest, type PythonInfo, checkSuite, findPythons, formatWithBlack, introspect } from './python.js';
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
} from './questions.js';
import { FAMILIES } from './families/index.js';
import { type TestFile, testFilesWritten } from './question-kit.js';
import { renderTemplate, type TemplateRoots } from './render.js';
import { TEMPLATES_ROOT } from './paths.js';
import { GITHUB_WORKFLOW, PRE_COMMIT_CONFIG, withPreCommitHook } from './ci-recipe.js';
import { coverageTable } from './report.js';
import { buildSuiteView } from './view-model.js';

export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The file a user owns: written once, never overwritten without --force. */
export const ADAPTER_FILE = 'checkpoint_adapter.py';

/** Options every generator takes besides one per question. */
const RUN_OPTIONS = {
  answers: { type: String, description: 'JSON or YAML file answering the questions (for CI: no prompts)' },
  yes: { type: Boolean, alias: 'y', description: 'take the default for every question not answered otherwise' },
  python: {
    type: String,
    description: 'Python with pytest to import your module and check the suite (default: the first found)',
  },
  preset: {
    type: String,
    description: "a team's answers file ({answers, locked}) merged under yours; locked answers cannot change",
  },
  'skip-checks': {
    type: Boolean,
    description: 'do not import your module or run pytest on the new suite (nothing is verified)',
  },
} as const;

interface Output {
  /** Absolute path of the file. */
  target: string;
  content: string;
  /** The user owns it (the adapter): never overwritten without --force. */
  userOwned: boolean;
}

export interface SuiteOptions {
  /** Set by the app generator when it composes a family: answers are already resolved. */
  resolvedAnswers?: Answers;
  /** The Python the app generator found to import the module, for formatting and checks. */
  resolvedPython?: PythonInfo;
}

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
  };

export abstract class SuiteGenerator extends Generator<Record<string, unknown>, RunOptions> {
  /** The families this generator writes; the app generator writes whichever were chosen. */
  protected abstract readonly ownFamilies: readonly Category[] | 'chosen';

  protected answers!: Answers;
  /** The Python that imports the user's module; undefined when none was found. */
  protected python: PythonInfo | undefined;
  private pythons: PythonInfo[] = [];
  private introspection: Introspection | undefined;
  /** The module and sys.path root `introspection` was made for. */
  private introspectedFor: string | undefined;
  private composed = false;

  constructor(args: string[], options: RunOptions) {
    super(args, options);
    for (const question of QUESTIONS) {
      this.option(optionName(question.name), { type: String, description: question.help });
    }
    for (const [name, spec] of Object.entries(RUN_OPTIONS)) this.option(name, spec);
  }

  /** What a family generator composed by the app generator is handed. */
  protected handOver(): RunOptions {
    const { force, dryRun, skipChecks } = this.options;
    return { resolvedAnswers: this.answers, resolvedPython: this.python, force, dryRun, skipChecks } as RunOptions;
  }

  /** Answers resolved by the app generator, when this generator was composed by it. */
  private get handedAnswers(): Answers | undefined {
    return this.options.resolvedAnswers;
  }

  /** Whether there is a person at a terminal (or a test adapter) to answer prompts. */
  protected canPrompt(): boolean {
    const adapter = this.env.adapter as unknown as { actualAdapter?: unknown };
    const actual = adapter.actualAdapter ?? adapter;
    const isTerminal = actual instanceof TerminalAdapter || actual?.constructor?.name === 'TerminalAdapter';
    return isTerminal ? Boolean(process.stdin.isTTY && process.stdout.isTTY) : true;
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
    const options = answersFromOptions(this.options as unknown as Record<string, unknown>);
    const file = this.options.answers ? loadAnswersFile(this.options.answers, this.env.cwd) : {};
    const stored = checkAnswerMapping(
      this.config.getAll() as Record<string, unknown>,
      `The stored answers in ${this.config.path}`,
      'Fix or remove them there (or pass --ask-answered to answer again); nothing was written.',
      'stored',
    );
    const presetFile = this.options.preset ?? (this.config.get('preset') as string | undefined);
    const preset = presetFile ? loadPreset(presetFile, this.env.cwd) : undefined;
    if (!this.options.skipChecks) {
      this.pythons = await findPythons(this.projectRoot, this.pythonOption());
      this.python = this.pythons[0];
    }
    const interactive = this.canPrompt();
    const answers = await resolveAnswers(
      { options, file, stored, preset },
      {
        inScope: (question) => this.inScope(question),
        yes: Boolean(this.options.yes),
        askAnswered: Boolean(this.options.askAnswered),
        ask: interactive ? (question, suggested, sofar) => this.ask(question, suggested, sofar) : undefined,
        facts: (sofar) => this.moduleFacts(sofar),
      },
    );
    if (this.ownFamilies !== 'chosen') {
      const chosen = new Set<Category>([...(stored.categories ?? []), ...this.ownFamilies]);
      answers.categories = [...chosen];
    }
    await this.checkAgainstPython(answers);
    this.answers = answers;
    this.config.set({ ...answers, generatorVersion: PACKAGE_VERSION, ...(preset ? { preset: preset.file } : {}) });
  }

  private pythonOption(): string | undefined {
    return this.options.python ?? process.env.CHECKPOINT_TESTS_PYTHON;
  }

  /** One prompt, built from the question's declaration and, when possible, from the user's module. */
  protected async ask(question: Question, suggested: unknown, sofar: Partial<Answers>): Promise<unknown> {
    const choices = this.dynamicChoices(question, sofar);
    const validate = async (input: unknown): Promise<string | true> => {
      // A checkbox hands its validator the chosen choice objects, not their values.
      const value = Array.isArray(input)
        ? input.map((item: unknown) => (typeof item === 'object' && item !== null && 'value' in item ? item.value : item))
        : input;
      const checked = checkValue(question, value, sofar);
      if ('problem' in checked) return checked.problem.replace(/`/g, '');
      if (question.name === 'module' && this.python) {
        const found = await this.introspectModule({ ...sofar, module: String(value) });
        if (found.module_error) return `${String(value)} does not import: ${found.module_error}`;
      }
      return true;
    };
    const message = `${question.message}`;
    let prompt: Record<string, unknown>;
    if (question.kind === 'enum') {
      prompt = {
        type: 'select',
        choices: question.choices.map((choice) => ({ name: `${choice.value}: ${choice.help}`, value: choice.value })),
      };
    } else if (question.kind === 'list') {
      const defaults = new Set((suggested as string[] | undefined) ?? []);
      prompt = {
        type: 'checkbox',
        choices: question.choices.map((choice) => ({
          name: `${choice.value}: ${choice.help}`,
          value: choice.value,
          checked: defaults.has(choice.value),
        })),
      };
    } else if (choices) {
      prompt = { type: 'select', choices };
    } else {
      prompt = { type: 'input' };
    }
    const answered = await this.prompt([
      { ...prompt, name: question.name, message, default: suggested, validate } as never,
    ]);
    const value = (answered as Record<string, unknown>)[question.name];
    if (question.name === 'module' && this.python && !this.introspection) {
      await this.introspectModule({ ...sofar, module: String(value) });
    }
    return value;
  }

  /**
   * Imports the user's module with each Python that has pytest until one
   * succeeds (a project may have pytest in several, and the module's own
   * dependencies, such as torch, in only one); that one checks the suite later.
   */
  private async introspectModule(answers: Partial<Answers>, extra: Partial<IntrospectRequest> = {}): Promise<Introspection> {
    this.introspectedFor = `${answers.module}\0${answers.pythonRoot ?? '.'}`;
    let first: Introspection | undefined;
    for (const python of this.pythons) {
      const found = await introspect(
        python,
        {
          paths: this.importRoots(answers),
          module: answers.module,
          needs: answers.format === 'torch' ? ['torch'] : [],
          ...extra,
        },
        this.projectRoot,
      );
      first ??= found;
      if (!found.module_error && Object.keys(found.missing_needs).length === 0) {
        this.python = python;
        this.introspection = found;
        return found;
      }
    }
    this.introspection = first;
    return first!;
  }

  /** What the user's module holds, importing it once the module is answered (never without a Python). */
  private async moduleFacts(sofar: Partial<Answers>): Promise<ModuleFacts | undefined> {
    if (!sofar.module || this.pythons.length === 0) return undefined;
    const key = `${sofar.module}\0${sofar.pythonRoot ?? '.'}`;
    const found =
      this.introspection && this.introspectedFor === key ? this.introspection : await this.introspectModule(sofar);
    if (found.module_error) return undefined;
    const cls = found.classes.find((candidate) => candidate.name === sofar.className);
    return { imports: found.imports, callables: cls ? cls.methods : found.functions };
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
        return [...named(cls ? cls.methods : found.functions), { name: `${NONE}: my code has no such op`, value: NONE }];
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
    const found = await this.introspectModule(answers, {
      exceptions,
      expression: answers.className ? answers.constructorExpression : undefined,
    });
    const problems: string[] = [];
    if (found.module_error) {
      throw new UsageError(
        `The module \`${answers.module}\` (answer \`module\`) does not import with ${this.pythons.map((python) => python.executable).join(' or ')} and ${this.importRoots(answers)[0]} on sys.path: ${found.module_error}. Check the module path and \`pythonRoot\` (the folder that must be on sys.path), or pass --python with the interpreter your tests run with; nothing was written.`,
      );
    }
    for (const [needed, why] of Object.entries(found.missing_needs)) {
      throw new UsageError(
        `The answers say checkpoints are ${answers.format} files, but \`${needed}\` does not import with ${this.pythons.map((python) => python.executable).join(' or ')}: ${why}. Install it where your tests run, or pass --python with the interpreter that has it; nothing was written.`,
      );
    }
    const cls = found.classes.find((candidate) => candidate.name === answers.className);
    if (answers.className && !cls) {
      const known = found.classes.map((candidate) => candidate.name);
      problems.push(
        `\`className\` is "${answers.className}", but ${answers.module} defines ${known.length > 0 ? `only ${known.join(', ')}` : 'no class'} (leave it empty to bind module-level functions)`,
      );
    }
    const callables = cls ? cls.methods : found.functions;
    if (!answers.className || cls) {
      for (const op of OPS) {
        const method = answers[`${op}Op`];
        if (method && method !== NONE && !callables.includes(method)) {
          problems.push(
            `\`${op}Op\` is "${method}", but ${answers.className || answers.module} has no such ${answers.className ? 'method' : 'function'} (it has ${callables.join(', ') || 'none'}; answer "${NONE}" if your code lacks the op)`,
          );
        }
      }
    }
    for (const question of exceptionQuestions) {
      const names = exceptionNames(String(answers[question.name]));
      for (const name of names) {
        const why = found.exceptions[name];
        const said = names.length > 1 ? `names "${name}"` : `is "${name}"`;
        if (why) problems.push(`\`${question.name}\` ${said}, but it does not import as an exception: ${why}`);
      }
    }
    if (found.expression_error) {
      problems.push(
        `\`constructorExpression\` is "${answers.constructorExpression}", which is not a Python expression: ${found.expression_error}`,
      );
    }
    if (problems.length > 0) {
      throw new UsageError(
        `The answers do not match ${answers.module}: ${joinProblems(problems)}. Fix the answers (in the answers file, the options or .yo-rc.json) and run again; nothing was written.`,
      );
    }
  }

  // -- writing -----------------------------------------------------------------

  /** The test files of the families this generator writes (none whose cases are all left out). */
  private filesToWrite(): TestFile[] {
    if (this.ownFamilies === 'chosen') return [];
    const generated = generatedCases(this.answers);
    return FAMILIES.filter((family) => this.ownFamilies.includes(family.name)).flatMap((family) =>
      testFilesWritten(family, this.answers, generated),
    );
  }

  /** The files this run writes, rendered: the shared ones (unless composed) and the families' tests. */
  private async plannedOutputs(): Promise<Output[]> {
    const view = buildSuiteView(this.answers, PACKAGE_VERSION);
    const roots: TemplateRoots = {
      builtIn: TEMPLATES_ROOT,
      override: this.answers.templatesDir ? path.resolve(this.projectRoot, this.answers.templatesDir) : undefined,
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
        outputs.push({ target: preCommit, content: withPreCommitHook(existing, view.ci.preCommitHook), userOwned: false });
      }
    }
    for (const { template, file } of this.filesToWrite()) outputs.push(rendered(template, inSuite(file)));
    await Promise.all(
      outputs.map(async (output) => {
        output.content = output.target.endsWith('.py')
          ? this.python?.hasBlack
            ? await formatWithBlack(this.python, output.content, output.target, this.projectRoot)
            : output.content
          : await formatWithPrettier(output.content, output.target);
      }),
    );
    return outputs;
  }

  protected async writeSuite(): Promise<void> {
    if (!this.composed) this.queueTransformStream({}, prettierTransform());
    const outputs = await this.plannedOutputs();
    const force = Boolean(this.options.force);
    const kept: string[] = [];
    const edited: string[] = [];
    for (const output of outputs) {
      const onDisk = this.fs.exists(output.target) ? this.fs.read(output.target) : undefined;
      if (output.userOwned && onDisk !== undefined && !force) {
        if (onDisk !== output.content) kept.push(this.relative(output.target));
        continue;
      }
      if (onDisk !== undefined && onDisk !== output.content && !force && !this.canPromptForConflicts()) {
        edited.push(this.relative(output.target));
      }
    }
    if (edited.length > 0) {
      throw new UsageError(
        `The suite folder ${this.answers.outputDir} holds ${edited.length === 1 ? 'a file that differs' : 'files that differ'} from what checkpoint-tests would write now (edited by hand, or written by another version): ${edited.join(', ')}. Nothing was written. Run in a terminal to review each difference, pass --force to overwrite, or choose another \`outputDir\`.`,
      );
    }
    for (const output of outputs) {
      if (output.userOwned && this.fs.exists(output.target) && !force) continue;
      this.fs.write(output.target, output.content);
    }
    for (const file of kept) {
      this.log.info(
        `Kept your ${file}: it is yours and differs from what the answers would write now; pass --force to rewrite it.`,
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
    this.log(coverageTable(decideCases(this.answers)));
    if (!this.python || this.options.skipChecks || this.options.dryRun) return;
    const suite = this.destinationPath(this.answers.outputDir);
    const check = await checkSuite(this.python, suite, this.projectRoot);
    if (check.ok) {
      this.log.ok(
        `pytest collected ${check.collected} tests in ${this.answers.outputDir} and set up every fixture. Run them with: python -m pytest ${this.answers.outputDir}`,
      );
    } else {
      this.log.error(
        `pytest could not ${check.collected === undefined ? 'collect' : 'set up'} the new suite in ${this.answers.outputDir}: ${check.problem}. Fix the adapter (${path.posix.join(this.answers.outputDir, ADAPTER_FILE)}) or your answers, then run python -m pytest ${this.answers.outputDir}.`,
      );
    }
  }
}
