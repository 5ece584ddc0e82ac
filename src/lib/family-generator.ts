/**
 * The generator of one case family (`yo checkpoint-tests:<family>`): its
 * own test files; run alone it also writes the shared conftest and adapter,
 * and asks only the target, binding and its family's questions.
 */
import { TEMPLATES_ROOT } from './paths.js';
import type { Category } from './question-kit.js';
import { SuiteGenerator } from './suite-generator.js';

export function familyGenerator(family: Category): typeof SuiteGenerator {
  return class FamilyGenerator extends SuiteGenerator {
    protected readonly ownFamilies = [family] as const;

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
  };
}
