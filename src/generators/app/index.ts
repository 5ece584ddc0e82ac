/**
 * `yo checkpoint-tests`: asks every question, writes the shared files (conftest
 * and adapter) and composes one sub-generator per chosen case family.
 */
import { generatorPath, TEMPLATES_ROOT } from '../../lib/paths.js';
import { SuiteGenerator } from '../../lib/suite-generator.js';

export default class AppGenerator extends SuiteGenerator {
  protected readonly ownFamilies = 'chosen' as const;

  constructor(args: string[], options: ConstructorParameters<typeof SuiteGenerator>[1]) {
    super(args, options);
    this.sourceRoot(TEMPLATES_ROOT);
  }

  async prompting(): Promise<void> {
    await this.resolve();
    for (const family of this.answers.categories) {
      await this.composeWith(generatorPath(family), this.handOver() as never);
    }
  }

  async writing(): Promise<void> {
    await this.writeSuite();
  }

  async end(): Promise<void> {
    await this.report();
  }
}
