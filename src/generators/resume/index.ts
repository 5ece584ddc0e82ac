/**
 * `yo checkpoint-tests:resume`: the resume cases (R) of the catalogue, in
 * test_resume.py. Run alone it also writes the shared conftest and adapter.
 */
import { TEMPLATES_ROOT } from '../../lib/paths.js';
import { SuiteGenerator } from '../../lib/suite-generator.js';

export default class ResumeGenerator extends SuiteGenerator {
  protected readonly ownFamilies = ['resume'] as const;

  constructor(args: string[], options: ConstructorParameters<typeof SuiteGenerator>[1]) {
    super(args, options);
    this.sourceRoot(TEMPLATES_ROOT);
  }

  async prompting(): Promise<void> {
    await this.resolve();
  }

  async writing(): Promise<void> {
    await this.writeSuite();
  }

  async end(): Promise<void> {
    await this.report();
  }

  protected filesToWrite(): { template: string; file: string }[] {
    return [{ template: 'resume/test_resume.py.ejs', file: 'test_resume.py' }];
  }
}
