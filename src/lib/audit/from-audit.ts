/**
 * `--from-audit FILE.md`: reads a written audit shaped like the one in the
 * team's shared folder (its missing-coverage, needs-testing and
 * recommendation sections; headings may carry emoji mangled by a wrong
 * encoding, such as "‚ùå") and maps each ask to a family of the catalogue.
 */
import { readFileSync } from 'node:fs';
import { type CatalogueFamily, catalogueFamilies } from '../catalogue.js';
import { UsageError } from '../errors.js';

export interface AuditAsk {
  /** The item as the audit words it (markdown emphasis removed). */
  text: string;
  /** The heading it sits under. */
  section: string;
  /** The catalogue family it asks for, by letter and name; none for asks that are not case families. */
  family?: { letter: string; name: string; available: boolean; cases?: string[] };
}

export interface AuditAsks {
  asks: AuditAsk[];
  /** Family names asked for, in catalogue order. */
  families: string[];
  /** Of those, the ones this version can write. */
  available: string[];
  /** Of those, the ones it cannot (yet). */
  unavailable: string[];
}

/** What an ask's words mean, first match wins; `cases` narrows the family when the words do. */
const ASK_MAP: readonly { pattern: RegExp; letter: string; cases?: string[] }[] = [
  { pattern: /corrupt/i, letter: 'C' },
  { pattern: /concurren|simultaneous|parallel|race condition|multiple processes|locking/i, letter: 'K' },
  { pattern: /memory/i, letter: 'P', cases: ['P2'] },
  { pattern: /performance|large[- ]model|large[- ]scale|throughput|benchmark/i, letter: 'P', cases: ['P1'] },
  { pattern: /version|migrat/i, letter: 'V' },
  { pattern: /cross[- ]platform|windows|non-ascii|unicode|path handling/i, letter: 'X' },
  { pattern: /network|wandb|w&b|mlflow|tracker|artifact|upload/i, letter: 'A', cases: ['A4', 'A5', 'A6'] },
  { pattern: /retention|prun|keep[- ]last|cleanup of old/i, letter: 'T' },
  { pattern: /disk[- ]full|storage|permission|read-only|i\/o error/i, letter: 'F' },
  { pattern: /state machine|stateful/i, letter: 'S' },
  { pattern: /resum/i, letter: 'R' },
];

const SECTION = /missing coverage|needs testing|recommendation/i;

function headingLevel(line: string): number {
  return /^(#+)\s/.exec(line)?.[1]!.length ?? 0;
}

function plain(text: string): string {
  return text
    .replace(/\*\*|__|`/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Reads the asks of an audit document; throws a UsageError when it has none of the sections. */
export function readAuditDocument(file: string, families: CatalogueFamily[] = catalogueFamilies()): AuditAsks {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : String((error as Error).message);
    throw new UsageError(
      `The audit document ${file} (--from-audit) cannot be read: ${reason}. Pass the Markdown audit whose missing coverage and recommendations should choose the families.`,
    );
  }
  return parseAuditDocument(text, file, families);
}

export function parseAuditDocument(text: string, label: string, families: CatalogueFamily[] = catalogueFamilies()): AuditAsks {
  const asks: AuditAsk[] = [];
  let section: { title: string; level: number } | undefined;
  let subsection = '';
  let sections = 0;
  for (const raw of text.split(/\r?\n/)) {
    const level = headingLevel(raw);
    if (level > 0) {
      const title = plain(raw.replace(/^#+\s*/, ''));
      if (section && level <= section.level) section = undefined;
      if (!section && SECTION.test(title)) {
        section = { title, level };
        subsection = '';
        sections += 1;
      } else if (section) {
        subsection = title;
      }
      continue;
    }
    if (!section) continue;
    const item = /^\s*(?:[-*+]|\d+\.)\s+(.*)$/.exec(raw);
    if (!item) continue;
    const words = plain(item[1]!);
    // "**Fix Fixture Reference**: replace `mock_wandb_disabled`...": the bold title says what is asked.
    const title = /^\*\*(.+?)\*\*/.exec(item[1]!.trim())?.[1];
    const match = ASK_MAP.find((entry) => entry.pattern.test(title ?? words));
    const family = match ? families.find((candidate) => candidate.letter === match.letter) : undefined;
    asks.push({
      text: words,
      section: subsection ? `${section.title} / ${subsection}` : section.title,
      ...(family
        ? {
            family: {
              letter: family.letter,
              name: family.name,
              available: Boolean(family.implementation),
              ...(match?.cases ? { cases: match.cases } : {}),
            },
          }
        : {}),
    });
  }
  if (sections === 0) {
    throw new UsageError(
      `The audit document ${label} (--from-audit) has no "Missing Coverage", "Needs Testing" or "Recommendations" section, so it asks for no case family. Pass an audit shaped like the one checkpoint-tests audit writes.`,
    );
  }
  const asked = new Set(asks.flatMap((ask) => (ask.family ? [ask.family.letter] : [])));
  const chosen = families.filter((family) => asked.has(family.letter));
  return {
    asks,
    families: chosen.map((family) => family.name),
    available: chosen.filter((family) => family.implementation).map((family) => family.name),
    unavailable: chosen.filter((family) => !family.implementation).map((family) => family.name),
  };
}

/** The families to offer after an audit, preselected: those with gaps and those a written audit asks for. */
export interface FamilySelection {
  /** Every family wanted, in catalogue order, whether this version can write it or not. */
  preselected: string[];
  /** Of those, the ones this version can write (offered, checked). */
  available: string[];
  /** Of those, the ones it cannot: reported as "not available in this version", never dropped. */
  unavailable: string[];
}

export function selectFamilies(
  gaps: readonly string[],
  asks: AuditAsks | undefined,
  families: CatalogueFamily[] = catalogueFamilies(),
): FamilySelection {
  const wanted = new Set([...gaps, ...(asks?.families ?? [])]);
  const chosen = families.filter((family) => wanted.has(family.name));
  return {
    preselected: chosen.map((family) => family.name),
    available: chosen.filter((family) => family.implementation).map((family) => family.name),
    unavailable: chosen.filter((family) => !family.implementation).map((family) => family.name),
  };
}

/** The terminal lines that say what a written audit asks for and what becomes of each ask. */
export function asksSummary(asks: AuditAsks, label: string): string {
  const lines = [`${label} asks for:`];
  for (const ask of asks.asks) {
    const family = ask.family
      ? `${ask.family.name}${ask.family.cases ? ` (${ask.family.cases.join(', ')})` : ''}${ask.family.available ? '' : ', not available in this version'}`
      : 'not a case family (the audit of the file itself checks it)';
    lines.push(`  ${ask.text.length > 70 ? `${ask.text.slice(0, 67)}...` : ask.text}  ->  ${family}`);
  }
  return lines.join('\n');
}
