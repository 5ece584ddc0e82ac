/**
 * `checkpoint-tests audit PATH`: reads existing pytest files with Python's own
 * `ast`, reports what they cover and what is wrong with them (a terminal
 * table, a Markdown report shaped like the team's shared audit, `--json` for
 * CI), then offers the case families they miss, preselected, and writes them
 * into the suite's output folder (`outputDir`), never among the user's own
 * tests. Everything, the report included, is written at the end through the
 * one atomic commit: cancelled at a question, the audit leaves nothing.
 * `--from-audit FILE.md` preselects the families a written audit asks for.
 * `--fail-on gaps|issues` gates a CI job.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type AuditAsks,
  type FamilySelection,
  asksSummary,
  readAuditDocument,
  selectFamilies,
} from '../../lib/audit/from-audit.js';
import type { OpBinding } from '../../lib/audit/coverage.js';
import { type AuditFacts, filesToAudit, readFacts } from '../../lib/audit/read.js';
import {
  type AuditReport,
  buildReport,
  casesCoveredUnder,
  markdownReport,
  terminalReport,
} from '../../lib/audit/report.js';
import { UsageError } from '../../lib/errors.js';
import { TEMPLATES_ROOT } from '../../lib/paths.js';
import { composableFamily } from '../../lib/family-generator.js';
import { pythonSearch } from '../../lib/python.js';
import { isInside, resolveInProject } from '../../lib/project-path.js';
import type { Suggestion } from '../../lib/answers.js';
import { inferMethod } from '../../lib/infer.js';
import type { Answers, AnswerName, Question } from '../../lib/question-kit.js';
import { NONE, OPS } from '../../lib/question-kit.js';
import { SuiteGenerator } from '../../lib/suite-generator.js';
import { CATEGORIES, optionName } from '../../lib/questions.js';
import { FAMILIES } from '../../lib/families/index.js';

const GATES = ['gaps', 'issues'] as const;
type Gate = (typeof GATES)[number];

interface AuditOptions {
  path?: string;
  auditPath?: string;
  json?: boolean;
  failOn?: string;
  fromAudit?: string;
  report?: string;
  python?: string;
  yes?: boolean;
  skipChecks?: boolean;
}

export default class AuditGenerator extends SuiteGenerator {
  protected readonly ownFamilies = 'chosen' as const;
  protected override readonly keepsUnfinishedAnswers = false;
  private audit: AuditReport | undefined;
  private facts: AuditFacts | undefined;
  private asks: AuditAsks | undefined;
  private selection: FamilySelection | undefined;
  private writes = false;

  constructor(args: string[], options: ConstructorParameters<typeof SuiteGenerator>[1]) {
    super(args, options);
    this.sourceRoot(TEMPLATES_ROOT);
    this.refineSuggestion = this.#suggestOp;
    this.fallbackChoices = this.#testsMethods;
    this.argument('path', {
      type: String,
      required: false,
      description: 'the pytest file, or folder of them, to audit',
    });
    this.option('json', { type: Boolean, description: 'print the audit as JSON on stdout (for CI); writes nothing else' });
    this.option('fail-on', {
      type: String,
      description: 'exit 1 when the audit finds "gaps" (missing catalogue cases) or "issues" (findings); both: gaps,issues',
    });
    this.option('from-audit', {
      type: String,
      description: 'a Markdown audit whose missing coverage and recommendations preselect the families to write',
    });
    this.option('report', {
      type: String,
      description: 'where to write the Markdown report (default: <file>.audit.md beside the audited file)',
    });
  }

  get #auditOptions(): AuditOptions {
    return this.options as unknown as AuditOptions;
  }

  #gates(): Gate[] {
    const raw = this.#auditOptions.failOn;
    if (raw === undefined) return [];
    const gates = String(raw).split(',').map((gate) => gate.trim()).filter(Boolean);
    const wrong = gates.filter((gate) => !(GATES as readonly string[]).includes(gate));
    if (wrong.length > 0 || gates.length === 0) {
      throw new UsageError(
        `--fail-on is "${raw}", but it must be gaps, issues, or gaps,issues: "gaps" fails when catalogue cases are missing, "issues" when the audit finds problems in the tests.`,
      );
    }
    return gates as Gate[];
  }

  async prompting(): Promise<void> {
    const options = this.#auditOptions;
    const gates = this.#gates();
    const target = options.path ?? options.auditPath;
    if (!target && !options.fromAudit) {
      throw new UsageError(
        'checkpoint-tests audit needs a pytest file or a folder of them (checkpoint-tests audit tests/test_checkpoints.py), or --from-audit FILE.md to choose families from a written audit.',
      );
    }
    await this.claimProject();
    const cwd = this.destinationRoot();
    if (options.fromAudit) this.asks = readAuditDocument(path.resolve(cwd, options.fromAudit));
    let files: string[] = [];
    if (target) {
      files = filesToAudit(target, cwd);
      const python = await pythonSearch(cwd, options.python ?? process.env.CHECKPOINT_TESTS_PYTHON).first();
      if (!python) {
        throw new UsageError(
          `checkpoint-tests audit reads tests with Python's own parser, run by a Python that has pytest, and none was found${options.python ? ` at ${options.python}` : ' on PATH or in a project virtualenv'}. Pass --python PATH with the interpreter your tests run with.`,
        );
      }
      this.facts = await readFacts(python, files, cwd, { fixtures: true });
      this.audit = buildReport(target, this.facts, cwd);
    }
    this.selection = selectFamilies(this.audit?.preselected ?? [], this.asks);
    this.#print(files);
    if (options.json) return this.#gate(gates);
    await this.#offerFamilies();
    if (!this.writes) this.#gate(gates);
  }

  /** The report (terminal table or JSON on stdout) and the Markdown file. */
  #print(files: readonly string[]): void {
    const options = this.#auditOptions;
    const selection = this.selection!;
    if (options.json) {
      const shown = {
        ...(this.audit ? { audit: this.audit } : {}),
        ...(this.asks ? { fromAudit: this.asks } : {}),
        selection,
      };
      this.streams.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    } else {
      const parts = [
        ...(this.audit ? [terminalReport(this.audit)] : []),
        ...(this.asks ? [asksSummary(this.asks, `The audit ${options.fromAudit}`)] : []),
        selectionSummary(selection),
      ];
      this.streams.stdout.write(`${parts.join('\n\n')}\n`);
    }
    if (!this.audit || (options.json && !options.report)) return;
    const destination = this.#reportDestination(files);
    if (!destination) return;
    const shown = path.relative(this.destinationRoot(), destination) || destination;
    const content = markdownReport(this.audit);
    const onDisk = existsSync(destination) ? readFileSync(destination, 'utf8') : undefined;
    if (onDisk !== undefined && onDisk !== content && !this.options.force && !this.canPrompt() && !this.options.dryRun) {
      this.log.info(
        `Kept ${shown}: it already exists and differs from this audit's report; run in a terminal to review the difference, pass --force to replace it, or --report another file.`,
      );
      return;
    }
    // Through Yeoman's file system: the conflicter asks before replacing a file, and --dry-run writes nothing.
    this.fs.write(destination, content);
    if (!options.json) this.log.info(`Markdown report${this.options.dryRun ? ' (not written: --dry-run)' : ''}: ${shown}`);
  }

  /**
   * Where the Markdown report goes: --report (inside the project, never one
   * of the audited files), else beside the audited file or in the audited
   * folder; undefined (said why) when that default lies outside the project.
   */
  #reportDestination(files: readonly string[]): string | undefined {
    const options = this.#auditOptions;
    const root = this.destinationRoot();
    if (options.report !== undefined) {
      const destination = resolveInProject(root, String(options.report), { what: '--report', kind: 'file' });
      if (files.some((file) => path.resolve(root, file) === destination) || destination.endsWith('.py')) {
        throw new UsageError(
          `--report is "${options.report}", which is ${files.some((file) => path.resolve(root, file) === destination) ? 'one of the audited test files' : 'a Python file'}: the report would replace it. Pass a Markdown file, such as --report checkpoint-tests.audit.md; nothing was written.`,
        );
      }
      return destination;
    }
    const target = options.path ?? options.auditPath ?? '.';
    const single = files.length === 1 && target.endsWith('.py');
    const destination = single
      ? files[0]!.replace(/\.py$/, '.audit.md')
      : path.join(path.resolve(root, target), 'checkpoint-tests.audit.md');
    if (!isInside(root, path.resolve(root, destination))) {
      this.log.info(
        `The Markdown report was not written: its place beside the audited tests (${destination}) is outside the project (${root}), and checkpoint-tests writes only inside it. Pass --report FILE.md to write it in the project.`,
      );
      return undefined;
    }
    return resolveInProject(root, path.relative(root, path.resolve(root, destination)), { what: 'The report path', kind: 'file' });
  }

  /** The missing families this version can write, preselected, offered after the report; the chosen ones are written. */
  async #offerFamilies(): Promise<void> {
    const offered = this.selection!.available.filter((name) => CATEGORIES.includes(name as never));
    if (offered.length === 0) return;
    let chosen: string[];
    if (this.canPrompt() && !this.options.yes) {
      const answered = (await this.prompt([
        {
          type: 'checkbox',
          name: 'families',
          message: 'Write the missing case families as new files in the suite folder (outputDir, tests/checkpoint by default)?',
          default: offered,
          choices: FAMILIES.map((family) => ({
            name: `${family.name}: ${family.help}`,
            value: family.name,
            checked: offered.includes(family.name),
          })),
        } as never,
      ])) as { families: string[] };
      chosen = answered.families ?? [];
    } else if (this.options.yes) {
      chosen = offered;
    } else {
      this.log.info(
        `To write the missing families (${offered.join(', ')}), run again in a terminal, or add --yes to write them as preselected.`,
      );
      return;
    }
    if (chosen.length === 0) return;
    this.#bindFromTests(chosen);
    this.writes = true;
    await this.resolve();
    this.#creditUnderAnswers();
    for (const family of this.answers.categories) {
      await this.composeWith(composableFamily(family) as never, this.handOver() as never);
    }
  }

  /** Answers the tests already give (module, class, ops, where to write), unless given otherwise. */
  #bindFromTests(chosen: string[]): void {
    const options = this.options as unknown as Record<string, unknown>;
    const stored = this.config.getAll() as Record<string, unknown>;
    const given = (name: string) => options[name] !== undefined || options[optionName(name as never)] !== undefined;
    // What the tests say fills only answers not given on the command line nor stored by an earlier run.
    const set = (name: string, value: string | string[] | undefined, overStored = false) => {
      if (value !== undefined && !given(name) && (overStored || stored[name] === undefined)) options[name] = value;
    };
    set('start', 'audit', true);
    set('auditPath', this.#auditOptions.path ?? this.#auditOptions.auditPath ?? this.#auditOptions.fromAudit, true);
    set('categories', chosen, true);
    // Cases the tests fully cover are not written again; partly covered ones are.
    const covered = (this.audit?.coverage ?? [])
      .filter((family) => chosen.includes(family.family))
      .flatMap((family) => family.covered);
    this.#coveredCasesGiven = given('coveredCases');
    set('coveredCases', covered, true);
    const binding = this.audit?.binding;
    if (binding) {
      set('module', binding.module);
      set('className', binding.className);
      // The ops are not taken as given: each is suggested (see inferred) and picked from the class.
    }
    // outputDir is left to its answer (default tests/checkpoint): the new files never go among the user's tests.
  }

  /**
   * The cases the existing tests cover, once the ops are bound: a test is
   * credited a case only when it calls the method the suite binds the case's
   * op to (a test of `load_checkpoint(agent)` covers no R1 when resume is
   * `handle_checkpoint_resume`). The rest are written.
   */
  #creditUnderAnswers(): void {
    if (!this.facts || !this.audit) return;
    if (this.#coveredCasesGiven) return;
    const answers = this.answers as unknown as Record<string, unknown>;
    const binding: OpBinding = {};
    for (const op of OPS) {
      const method = answers[`${op}Op`];
      if (typeof method === 'string') binding[op] = method;
    }
    const chosen = FAMILIES.filter((family) => this.answers.categories.includes(family.name));
    const ids = new Set(chosen.flatMap((family) => family.cases.map((spec) => spec.id)));
    const covered = casesCoveredUnder(this.facts, binding).filter((id) => ids.has(id));
    this.answers.coveredCases = covered;
    this.config.set('coveredCases', covered);
  }

  /** Whether --covered-cases was given: the user's word then stands. */
  #coveredCasesGiven = false;

  /**
   * An op's suggestion after an audit: a method of the bound class, the
   * best-named (as the main generator infers it), asked as a picker when the
   * tests call another method of the class for the op. With no import of the
   * module to read the class from, the methods the tests call stand for it.
   */
  readonly #suggestOp = async (
    question: Question,
    sofar: Partial<Answers>,
    fromCode: Suggestion | undefined,
  ): Promise<Suggestion | undefined> => {
    const binding = this.audit?.binding;
    const op = OPS.find((candidate) => `${candidate}Op` === question.name);
    if (!binding || !op) return fromCode;
    const fromTests = binding.ops[op];
    const facts = await this.moduleFacts(sofar);
    if (facts && fromCode) {
      if (!fromTests || !facts.callables.includes(fromTests) || fromTests === fromCode.value) {
        return fromTests === fromCode.value ? { ...fromCode, why: `your tests call it, and ${fromCode.why}` } : fromCode;
      }
      // Both are methods of the class: the best-named is suggested, and the question asked.
      return {
        value: fromCode.value === NONE ? fromTests : fromCode.value,
        certain: false,
        why: fromCode.value === NONE ? `your tests call ${fromTests}` : `your tests call ${fromTests}, but ${fromCode.value} names it better`,
      };
    }
    if (binding.methods.length === 0) return fromCode;
    const taken = Object.entries(sofar)
      .filter(([key, value]) => key !== question.name && key.endsWith('Op') && typeof value === 'string')
      .map(([, value]) => value as string);
    const fromMethods = inferMethod(question.name as AnswerName, binding.methods, taken);
    return {
      value: fromMethods.value,
      certain: false,
      why:
        fromMethods.value === NONE
          ? 'your tests call no method for it, and the module was not imported to look'
          : `your tests call ${fromMethods.value}; the module was not imported to check it`,
    };
  };

  /** With no import of the module (no class to list), a method picker offers the methods the tests call. */
  readonly #testsMethods = (question: Question): { name: string; value: string }[] | undefined => {
    const methods = this.audit?.binding.methods ?? [];
    if (question.dynamicChoices !== 'methods' || methods.length === 0) return undefined;
    return [
      ...methods.map((name) => ({ name: `${name} (your tests call it)`, value: name })),
      { name: `${NONE}: my code has no such op`, value: NONE },
    ];
  };

  async writing(): Promise<void> {
    if (this.writes) await this.writeSuite();
  }

  async end(): Promise<void> {
    if (!this.writes) return;
    await super.report();
    this.#gate(this.#gates());
  }

  /** Exit code 1 when a --fail-on gate trips (through the CLI's error path, one paragraph). */
  #gate(gates: readonly Gate[]): void {
    const report = this.audit;
    if (!report) return;
    const tripped: string[] = [];
    if (gates.includes('issues') && report.findings.length > 0) {
      tripped.push(`${report.findings.length} issue${report.findings.length === 1 ? '' : 's'} (${[...new Set(report.findings.map((finding) => finding.kind))].join(', ')})`);
    }
    const missing = report.coverage.flatMap((family) => [...family.partial.map((p) => p.id), ...family.missing.map((m) => m.id)]);
    if (gates.includes('gaps') && missing.length > 0) {
      tripped.push(`${missing.length} catalogue case${missing.length === 1 ? '' : 's'} not covered (${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', ...' : ''})`);
    }
    if (tripped.length > 0) {
      throw new UsageError(
        `the audit of ${report.target} found ${tripped.join(' and ')}, and --fail-on ${gates.join(',')} makes that a failure. The report above says where; fix them or fill the gaps (checkpoint-tests audit ${report.target} --yes).`,
        1,
      );
    }
  }
}

function selectionSummary(selection: FamilySelection): string {
  if (selection.preselected.length === 0) return 'Every case family of the catalogue is covered: nothing to write.';
  const lines = [`Families preselected to fill the gaps: ${selection.preselected.join(', ')}.`];
  if (selection.available.length > 0) lines.push(`  can be written now: ${selection.available.join(', ')}`);
  if (selection.unavailable.length > 0) {
    lines.push(`  not available in this version: ${selection.unavailable.join(', ')} (reported, not written)`);
  }
  return lines.join('\n');
}
