/**
 * The case families, in the order the suite lists them. A new family is a
 * file beside this one (questions, cases, view, test files) and a line here.
 */
import type { Family } from '../question-kit.js';
import { artifactFamily } from './artifact.js';
import { concurrencyFamily } from './concurrency.js';
import { corruptionFamily } from './corruption.js';
import { faultsFamily } from './faults.js';
import { pathsFamily } from './paths.js';
import { performanceFamily } from './performance.js';
import { resumeFamily } from './resume.js';
import { retentionFamily } from './retention.js';
import { statefulFamily } from './stateful.js';
import { versioningFamily } from './versioning.js';

export const FAMILIES: readonly Family[] = [
  resumeFamily,
  corruptionFamily,
  versioningFamily,
  artifactFamily,
  concurrencyFamily,
  retentionFamily,
  faultsFamily,
  pathsFamily,
  performanceFamily,
  statefulFamily,
];
