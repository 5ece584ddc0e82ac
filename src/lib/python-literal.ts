/**
 * Python source literals for values that come from answers. Templates print
 * every user-supplied string through `pyString`, never raw, so a quote, a
 * backslash or a non-ASCII letter cannot break the generated code.
 */

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A character pyString escapes or counts (quotes, backslash, controls, surrogates, line separators). */
const NEEDS_CARE = /["'\\\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]/;

/**
 * A Python `str` literal equal to `value`, quoted as black would quote it:
 * double quotes, unless that needs more escaped quotes than single quotes.
 */
export function pyString(value: string): string {
  // Most strings need no escape and no choice of quote: printed as they are, in double quotes.
  if (!NEEDS_CARE.test(value)) return `"${value}"`;
  const doubles = [...value].filter((char) => char === '"').length;
  const singles = [...value].filter((char) => char === "'").length;
  const quote = doubles > singles ? "'" : '"';
  let out = quote;
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === quote) out += `\\${char}`;
    else if (char === '"' || char === "'") out += char;
    else if (ESCAPES[char]) out += ESCAPES[char];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (code === 0x2028 || code === 0x2029 || code === 0x85) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}${quote}`;
}

/** A Python list of strings, one item a line with a trailing comma (black keeps it so). */
export function pyStringList(values: readonly string[], indent = ''): string {
  return `[\n${values.map((value) => `${indent}    ${pyString(value)},\n`).join('')}${indent}]`;
}

const LINE_LENGTH = 88;

/**
 * A `def` line laid out as black lays it out: on one line when it fits,
 * else the parameters on one indented line, else one parameter a line.
 */
export function pyDef(name: string, params: readonly string[], indent = ''): string {
  const oneLine = `${indent}def ${name}(${params.join(', ')}):`;
  if (oneLine.length <= LINE_LENGTH) return oneLine;
  const inner = `${indent}    ${params.join(', ')}`;
  if (inner.length <= LINE_LENGTH) return `${indent}def ${name}(\n${inner}\n${indent}):`;
  return `${indent}def ${name}(\n${params.map((param) => `${indent}    ${param},\n`).join('')}${indent}):`;
}

/**
 * `return <expression>` at `indent`, laid out as black lays out a simple call
 * that does not fit: its arguments on one indented line. Longer argument
 * lists are left to black (run when the user has it).
 */
export function pyReturn(expression: string, indent: string): string {
  const oneLine = `${indent}return ${expression}`;
  const open = expression.indexOf('(');
  if (oneLine.length <= LINE_LENGTH || open < 0 || !expression.endsWith(')')) return oneLine;
  const args = `${indent}    ${expression.slice(open + 1, -1).trim()}`;
  if (args.length > LINE_LENGTH || args.trimEnd().endsWith(',')) return oneLine;
  return `${indent}return ${expression.slice(0, open + 1)}\n${args}\n${indent})`;
}

/** `head(arguments)` at `indent`, one argument a line when it does not fit, as black lays it out. */
export function pyCall(head: string, args: readonly string[], indent: string): string {
  const oneLine = `${indent}${head}(${args.join(', ')})`;
  if (oneLine.length <= LINE_LENGTH) return oneLine;
  const inner = `${indent}    ${args.join(', ')}`;
  if (inner.length <= LINE_LENGTH) return `${indent}${head}(\n${inner}\n${indent})`;
  return `${indent}${head}(\n${args.map((arg) => `${indent}    ${arg},\n`).join('')}${indent})`;
}

/** `text` broken into lines of at most `width` characters, at spaces. */
export function wrap(text: string, width = 76): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return line ? [...lines, line] : lines;
}

/**
 * `name = (a, b)` at `indent`, laid out as black lays it out: on one line when
 * it fits (a one-item tuple keeps its `,` by `oneItemSuffix`), else one item a
 * line with a trailing comma.
 */
export function pyCollection(name: string, open: string, close: string, items: string[], oneItemSuffix = '', indent = ''): string[] {
  const inline = `${indent}${name} = ${open}${items.join(', ')}${items.length === 1 ? oneItemSuffix : ''}${close}`;
  if (inline.length <= LINE_LENGTH || items.length === 0) return [inline];
  return [`${indent}${name} = ${open}`, ...items.map((item) => `${indent}    ${item},`), `${indent}${close}`];
}

/**
 * isort's order for two names or import lines: by the lower-cased text, compared by code point
 * (isort's default, `case_sensitive = false`). Not `localeCompare`: a locale's collation differs
 * between machines, and loading ICU's costs 10 ms of a run.
 */
export function isortCompare(a: string, b: string): number {
  const [left, right] = [a.toLowerCase(), b.toLowerCase()];
  return left < right ? -1 : left > right ? 1 : 0;
}
