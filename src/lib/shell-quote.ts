/**
 * The one place a value becomes part of a command line or a YAML scalar.
 * Every command the tool prints or writes (the CI `run:` line, the pre-commit
 * `entry:`, the "run them with" hint, the suite README) is built from words
 * quoted here, so an answer such as `$(touch pwned)` stays one literal word.
 */
import { UsageError, quoteValue } from './errors.js';

/** Characters that mean nothing to a POSIX shell (nor to Python's shlex, which pre-commit uses). */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One shell word, POSIX single-quote style: plain words as they are, anything
 * else inside '…' with each ' written as '\''. Inside single quotes a POSIX
 * shell expands nothing: no $, no backquote, no backslash escapes.
 */
export function shellWord(word: string): string {
  if (word.includes('\0')) {
    throw new UsageError(
      `${quoteValue(word)} holds a NUL character, which no command line can carry. Choose a value without it.`,
    );
  }
  if (PLAIN_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A command line from words, each quoted by `shellWord`. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}

/** Characters a YAML double-quoted scalar must not hold raw: controls, DEL, C1, line and paragraph separators, BOM, non-characters. */
// eslint-disable-next-line no-control-regex
const YAML_UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * A string as one YAML quoted scalar on a single line: single-quoted when it
 * holds more double quotes than single ones (as Prettier writes it), else
 * double-quoted. JSON's string syntax is YAML's double-quoted one; what JSON
 * leaves raw but YAML cannot print is written as a \uXXXX escape, which both
 * read the same.
 */
export function yamlScalar(text: string): string {
  // Prettier's choice of quotes: the one the text holds fewer of, double on a tie. Single quotes
  // escape nothing but themselves (written twice), so they serve only printable text.
  const doubles = text.split('"').length - 1;
  const singles = text.split("'").length - 1;
  if (doubles > singles && text.search(YAML_UNPRINTABLE) === -1 && !text.includes('\\')) {
    return `'${text.replaceAll("'", "''")}'`;
  }
  return JSON.stringify(text).replace(
    YAML_UNPRINTABLE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
