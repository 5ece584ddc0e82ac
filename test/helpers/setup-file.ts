/**
 * Run before every test file (vitest's `setupFiles`). The files share workers
 * (`isolate: false` in vitest.config.ts), and yeoman-test's runs move the
 * working directory into a temporary folder of their own: each file starts in
 * the repository's root, as it would in a worker of its own.
 */
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('../..', import.meta.url)));
