/**
 * The built-in templates compiled to JavaScript at build time, so a run
 * calls no EJS compiler (its parsing and `new Function` were a tenth of a
 * cold run). This file is a placeholder: `npm run build` (scripts/bundle.mjs)
 * puts one entry per file under templates/ in its place inside the bundle
 * (lib/bundle.cjs) only, since EJS's functions use `with`, which an ES module
 * may not. Without the bundle (lib/ imported module by module, as some tests
 * do), every template is compiled when rendered, as before.
 */

/** A built-in template as EJS compiles it (`client: true`), with a hash of the text it was compiled from. */
export interface PrecompiledTemplate {
  /** The SHA-1 of the template's text at build time: a template edited since is compiled afresh. */
  sha1: string;
  /** EJS's compiled function, given the template's path and text for its error messages. */
  compiled: (
    file: string,
    text: string,
  ) => (
    locals: object,
    escape: (text: string) => string,
    include: (name: string, data?: object) => string,
    rethrow?: unknown,
  ) => string;
}

/** By path under templates/, with `/` separators. */
export const PRECOMPILED: Record<string, PrecompiledTemplate> = {};
