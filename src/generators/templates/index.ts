/**
 * `checkpoint-tests templates`: copies the built-in templates into the
 * project (default `.checkpoint-tests/templates/`) with VARIABLES.md, and
 * records the folder in .yo-rc.json. Every later run prefers a template found
 * there, file by file. Files already there go through Yeoman's conflicter: an
 * edited template is never replaced without asking (or --force).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Generator from 'yeoman-generator';
import { checkValue } from '../../lib/answers.js';
import { UsageError } from '../../lib/errors.js';
import { formatWithPrettier } from '../../lib/format.js';
import { TEMPLATES_ROOT } from '../../lib/paths.js';
import { optionName, questionNamed } from '../../lib/questions.js';
import { templateVariablesDoc } from '../../lib/view-model.js';
import { commitAtomically } from '../../lib/atomic-write.js';

const QUESTION = questionNamed('templatesDir')!;

function templateFiles(root: string, under = ''): string[] {
  return readdirSync(path.join(root, under), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templateFiles(root, path.join(under, entry.name)) : [path.join(under, entry.name)],
  );
}

export default class TemplatesGenerator extends Generator {
  private folder!: string;

  constructor(args: string[], options: ConstructorParameters<typeof Generator>[1]) {
    super(args, options, { customInstallTask: true });
    // Written like every file of checkpoint-tests: whole, through a temporary file.
    this.setFeatures({ customCommitTask: () => commitAtomically(this.env as never, this.destinationRoot()) });
    this.option(optionName(QUESTION.name), { type: String, description: QUESTION.help });
  }

  async prompting(): Promise<void> {
    const given = (this.options as Record<string, unknown>)[QUESTION.name] ?? this.config.get(QUESTION.name);
    const value = given ?? QUESTION.default({});
    const checked = checkValue(QUESTION, value);
    if ('problem' in checked) {
      throw new UsageError(`${checked.problem}. Pass --${optionName(QUESTION.name)} with a folder inside the project.`);
    }
    this.folder = String(checked.value);
    this.config.set(QUESTION.name, this.folder);
  }

  async writing(): Promise<void> {
    for (const file of templateFiles(TEMPLATES_ROOT)) {
      this.fs.copy(path.join(TEMPLATES_ROOT, file), this.destinationPath(this.folder, file));
    }
    const variables = this.destinationPath(this.folder, 'VARIABLES.md');
    this.fs.write(variables, await formatWithPrettier(templateVariablesDoc(), variables));
  }

  end(): void {
    this.log.ok(
      `Templates copied to ${this.folder}. Edit any of them: the next \`npx checkpoint-tests\` uses yours, file by file (VARIABLES.md lists what each receives). They are code: EJS runs the JavaScript in them with your rights, so review them as code.`,
    );
  }
}
