/**
 * `yo checkpoint-tests`: asks every question, writes the shared files (conftest
 * and adapter) and the test files of every chosen case family, in one pass
 * (what the family sub-generators would write, without a generator each). Its
 * first question, `start`, can hand the run to the audit generator instead
 * ("fill the gaps of an existing one").
 */
import { answersFromOptions, checkAnswerMapping, loadAnswersFile, resolveAnswers } from '../../lib/answers.js';
import { generatorPath, TEMPLATES_ROOT } from '../../lib/paths.js';
import { SuiteGenerator } from '../../lib/suite-generator.js';

export default class AppGenerator extends SuiteGenerator {
  protected readonly ownFamilies = 'chosen' as const;
  /** Set when the first answer was "audit": the audit generator does the rest. */
  private routedToAudit = false;

  constructor(args: string[], options: ConstructorParameters<typeof SuiteGenerator>[1]) {
    super(args, options);
    this.sourceRoot(TEMPLATES_ROOT);
  }

  async prompting(): Promise<void> {
    if (await this.#startsWithAudit()) return;
    await this.resolve();
  }

  /**
   * The `start` question (and `auditPath` when it is "audit"), answered from
   * the options, the answers file, .yo-rc.json, the prompt, or its default
   * "new" when no one can be asked. Stored like every answer.
   */
  async #startsWithAudit(): Promise<boolean> {
    await this.claimProject();
    const options = this.options as unknown as Record<string, unknown>;
    const given = answersFromOptions(options);
    const file = this.options.answers ? loadAnswersFile(this.options.answers, this.env.cwd) : {};
    const interactive = this.canPrompt();
    const { start, auditPath } = this.config.getAll() as Record<string, unknown>;
    const stored = checkAnswerMapping(
      { ...(start === undefined ? {} : { start }), ...(auditPath === undefined ? {} : { auditPath }) },
      `The stored answers in ${this.config.path}`,
      'Fix or remove them there (or pass --ask-answered to answer again); nothing was written.',
      'stored',
    );
    const first = await resolveAnswers(
      { options: given, file, stored },
      {
        inScope: (question) => question.name === 'start' || question.name === 'auditPath',
        yes: Boolean(this.options.yes) || !interactive,
        askAnswered: Boolean(this.options.askAnswered),
        ask: interactive ? (question, suggested, sofar) => this.ask(question, suggested, sofar) : undefined,
      },
    );
    options.start = first.start;
    if (first.start !== 'audit') return false;
    this.config.set({ start: first.start, auditPath: first.auditPath });
    this.routedToAudit = true;
    const { yes, python, answers, skipChecks, force, dryRun } = this.options;
    await this.composeWith(generatorPath('audit'), {
      ...given,
      auditPath: first.auditPath,
      yes,
      python,
      answers,
      skipChecks,
      force,
      dryRun,
    } as never);
    return true;
  }

  async writing(): Promise<void> {
    if (!this.routedToAudit) await this.writeSuite();
  }

  async end(): Promise<void> {
    if (!this.routedToAudit) await this.report();
  }
}
