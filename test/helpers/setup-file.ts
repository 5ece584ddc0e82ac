/**
 * Run before every test file (vitest's `setupFiles`). The files share workers
 * (`isolate: false` in vitest.config.ts), and yeoman-test's runs move the
 * working directory into a temporary folder of their own: each file starts in
 * the repository's root, as it would in a worker of its own.
 */
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { closeDrivers } from '../../lib/python.js';

process.chdir(fileURLToPath(new URL('../..', import.meta.url)));

// A generator run without main() (yeoman-test's) leaves its Python drivers idle, as under `yo`
// until it exits: they end with the file, not when vitest stops the worker.
afterAll(() => closeDrivers());
