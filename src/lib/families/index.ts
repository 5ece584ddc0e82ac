/**
 * The case families, in the order the suite lists them. A new family is a
 * file beside this one (questions, cases, view, test files) and a line here.
 */
import type { Family } from '../question-kit.js';
import { concurrencyFamily } from './concurrency.js';
import { resumeFamily } from './resume.js';

export const FAMILIES: readonly Family[] = [resumeFamily, concurrencyFamily];
