#!/usr/bin/env node
// Runs the compiled CLI (src/lib/cli.ts); `npm run build` makes lib/.

// NO_COLOR (https://no-color.org, any non-empty value) turns every colour off: Node's own
// styling honours it, but chalk (Yeoman's log, the conflicter, the spinner) reads only
// FORCE_COLOR, once, when it loads; so this runs before the CLI is imported. An explicit
// FORCE_COLOR still wins, as it does in Node.
if (process.env.NO_COLOR && !process.env.FORCE_COLOR) process.env.FORCE_COLOR = '0';

// A reader that stops early (`checkpoint-tests --help | head`) is no error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

// V8 flags for a short run (see lib/cached-bundle.js), set before the bundle loads.
const { tuneForShortRun } = await import('../lib/cached-bundle.js');
tuneForShortRun();
const { main } = await import('../lib/cli.js');
process.exitCode = await main(process.argv.slice(2));
