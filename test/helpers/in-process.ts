/**
 * Runs the CLI's `main` in this process, with its own folder and captured
 * streams: what `node bin/checkpoint-tests.js` would print and exit with,
 * without a cold Node start per run (half a second of CPU each). Tests of
 * what only a real process shows (signals, colours, a terminal, environment
 * variables, runs at once) spawn the bin with `runCli` instead; fuzz-answers
 * checks that the two agree.
 */
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli.js';
import { type CliResult, stripAnsi } from './cli-process.js';

/** A stream that collects what is written to it (no terminal: no colours, no TTY). */
function collector(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** `checkpoint-tests ...args` in `cwd`, in-process; stdin is an empty, closed pipe as in CI. */
export async function runInProcess(args: readonly string[], cwd: string): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(args, {
    cwd,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout.stream,
    stderr: stderr.stream,
  });
  // Let the streams deliver what was written before reading them.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: stripAnsi(stdout.text()), stderr: stripAnsi(stderr.text()) };
}
