/**
 * The options every suite generator takes besides one per question, declared
 * once: the generators register them and `--help` prints them (help.ts), so
 * the CLI can print its help without loading a generator.
 */
export const RUN_OPTIONS = {
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
  'all-questions': {
    type: Boolean,
    description: 'ask every question in turn instead of only what your code does not show (then a summary to confirm)',
  },
  'skip-checks': {
    type: Boolean,
    description: 'do not import your module or run pytest on the new suite (nothing is verified)',
  },
  'overwrite-generated': {
    type: Boolean,
    description: 'rewrite every generated file that differs (changed answers), but keep your adapter; --force rewrites it too',
  },
} as const;
