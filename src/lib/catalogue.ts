/**
 * The whole case catalogue of CASES.md (every family, built or not), for the
 * audit: which case ids exist, which family each belongs to, and whether this
 * version of checkpoint-tests can generate that family. A family is
 * "available" when `FAMILIES` holds one whose cases carry its letter, so a
 * family added later (under any name) shows up here without an edit.
 */
import { FAMILIES } from './families/index.js';
import type { Family } from './question-kit.js';

export interface CatalogueFamily {
  /** The case-id letter of CASES.md (R, A, C...). */
  letter: string;
  /** The family's name: the generator's when built, else the catalogue's. */
  name: string;
  /** The heading of CASES.md. */
  title: string;
  /** How a recommendation names it: "<testing> Testing". */
  testing: string;
  /** The family module that generates it, when this version has one. */
  implementation?: Family;
  cases: readonly { id: string; title: string }[];
}

const CATALOGUE: readonly { letter: string; name: string; title: string; testing: string; cases: [string, string][] }[] = [
  {
    letter: 'R',
    name: 'resume',
    title: 'resume',
    testing: 'Resume',
    cases: [
      ['R1', 'resume("latest") loads the newest checkpoint'],
      ['R2', 'nothing to resume gives None'],
      ['R3', 'an explicit path loads exactly that file'],
      ['R4', 'a missing explicit path raises or gives None'],
      ['R5', 'newest by step, not by name'],
      ['R6', 'newest by step, not by mtime'],
      ['R7', 'stray files are ignored'],
      ['R8', 'round trip of every key and value'],
      ['R9', 'step zero is written and found'],
      ['R10', 'saving creates a missing nested directory'],
      ['R11', 'resumed training continues exactly'],
      ['R12', 'resume(None) follows the policy'],
      ['R13', 'the same step saved twice'],
      ['R14', 'the run records where it resumed from'],
    ],
  },
  {
    letter: 'A',
    name: 'artifact',
    title: 'artifacts and the tracker',
    testing: 'Artifact and Network Failure',
    cases: [
      ['A1', 'one artifact logged with name, file, aliases'],
      ['A2', 'tracker inactive: False and no tracker call'],
      ['A3', 'file missing: False, nothing uploaded'],
      ['A4', "tracker and network errors (CommError, ConnectionError, TimeoutError...)"],
      ['A5', 'KeyboardInterrupt and SystemExit propagate'],
      ['A6', 'retries of transient failures'],
      ['A7', 'metadata and aliases passed through unchanged'],
    ],
  },
  {
    letter: 'C',
    name: 'corruption',
    title: 'corruption',
    testing: 'Corruption',
    cases: [
      ['C1', 'truncated file'],
      ['C2', 'empty file'],
      ['C3', 'random bytes'],
      ['C4', 'a valid file holding the wrong type'],
      ['C5', 'missing required keys'],
      ['C6', 'wrong value types in required keys'],
      ['C7', 'unknown future format version'],
      ['C8', 'any truncation or flipped byte (hypothesis)'],
      ['C9', 'a failed load leaves live objects untouched'],
    ],
  },
  {
    letter: 'K',
    name: 'concurrency',
    title: 'concurrency',
    testing: 'Concurrent Access',
    cases: [
      ['K1', 'concurrent writers, threads'],
      ['K2', 'concurrent writers, processes'],
      ['K3', 'a reader during writes never sees a partial file'],
      ['K4', 'a crash mid-save leaves the previous checkpoint'],
      ['K5', 'the same step twice at once'],
      ['K6', 'distributed ranks'],
    ],
  },
  {
    letter: 'T',
    name: 'retention',
    title: 'retention',
    testing: 'Retention',
    cases: [
      ['T1', 'exactly the N newest by step remain'],
      ['T2', 'the resumed-from and best checkpoints survive'],
      ['T3', 'retention touches only checkpoints'],
      ['T4', 'retention applies to checkpoints of earlier runs'],
    ],
  },
  {
    letter: 'F',
    name: 'storage',
    title: 'storage faults',
    testing: 'Storage Fault',
    cases: [
      ['F1', 'disk full, permission and cross-device errors at each phase of a save'],
      ['F2', 'a read-only checkpoint directory'],
    ],
  },
  {
    letter: 'S',
    name: 'stateful',
    title: 'model-based stateful test',
    testing: 'Stateful Model-Based',
    cases: [['S1', 'random operation sequences agree with a model (hypothesis)']],
  },
  {
    letter: 'P',
    name: 'performance',
    title: 'performance and memory',
    testing: 'Performance and Memory',
    cases: [
      ['P1', 'large save and load throughput'],
      ['P2', 'peak memory during save'],
    ],
  },
  {
    letter: 'V',
    name: 'versioning',
    title: 'versioning and migration',
    testing: 'Versioning and Migration',
    cases: [
      ['V1', 'every checkpoint records a format version'],
      ['V2', 'an older version migrates'],
      ['V3', 'a newer unknown version fails clearly'],
    ],
  },
  {
    letter: 'X',
    name: 'paths',
    title: 'paths and platforms',
    testing: 'Cross-Platform Path',
    cases: [
      ['X1', 'spaces and non-ASCII characters in paths'],
      ['X2', 'str and pathlib.Path both accepted'],
    ],
  },
];

function letterOf(id: string): string {
  return id.replace(/\d+$/, '');
}

/** The catalogue's families, each tied to the family module that generates it, if any. */
export function catalogueFamilies(families: readonly Family[] = FAMILIES): CatalogueFamily[] {
  return CATALOGUE.map((entry) => {
    const implementation = families.find((family) => family.cases.some((spec) => letterOf(spec.id) === entry.letter));
    return {
      letter: entry.letter,
      name: implementation?.name ?? entry.name,
      title: entry.title,
      testing: entry.testing,
      ...(implementation ? { implementation } : {}),
      cases: entry.cases.map(([id, title]) => ({ id, title })),
    };
  });
}

export function familyOfCase(id: string, families = catalogueFamilies()): CatalogueFamily | undefined {
  return families.find((family) => family.letter === letterOf(id));
}

export const ALL_CASE_IDS: readonly string[] = CATALOGUE.flatMap((entry) => entry.cases.map(([id]) => id));
