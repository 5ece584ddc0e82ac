/**
 * The generator of one case family (`yo checkpoint-tests:<family>`): its
 * own test files; run alone it also writes the shared conftest and adapter,
 * and asks only the target, binding and its family's questions.
 */
import { generatorPath, TEMPLATES_ROOT } from './paths.js';
import type { Category } from './question-kit.js';
import { SuiteGenerator } from './suite-generator.js';

const made = new Map<Category, typeof SuiteGenerator>();

/**
 * The generator class of `family`, one a family: generators/<family>/ exports it, the CLI registers
 * it, and the audit generator composes it as a class (no module to find and import).
 */
export function familyGenerator(family: Category): typeof SuiteGenerator {
  let generator = made.get(family);
  if (!generator) made.set(family, (generator = newFamilyGenerator(family)));
  return generator;
}

/** The family's generator in the composed form yeoman-generator's composeWith takes. */
export function composableFamily(family: Category): { Generator: typeof SuiteGenerator; path: string } {
  return { Generator: familyGenerator(family), path: generatorPath(family) };
}

function newFamilyGenerator(family: Category): typeof SuiteGenerator {
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
