/**
 * The one way checkpoint-tests runs a child process: bounded in time (said
 * as "timed out after N s"), in output (the cut is said), started in a
 * process group of its own and that whole group killed on timeout, when the
 * child exits (what it left running in the background), and when node exits
 * or is stopped by SIGINT, SIGTERM or SIGHUP. A child that dies by a signal
 * is named by the signal (SIGSEGV), never by a made-up exit code.
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Bytes of stdout (and of stderr) kept from one child; the rest is counted and said. */
export const DEFAULT_OUTPUT_CAP = 8 * 1024 * 1024;

/** How long a child's pipes may stay open after it exited (held by a background process it started). */
const LINGER_MS = 300;

/** Where output beyond the cap went. */
export class CappedText {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly cap: number) {}

  add(chunk: Buffer): void {
    const room = this.cap - this.kept;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(room, 0));
  }

  get cut(): boolean {
    return this.dropped > 0;
  }

  toString(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.cut ? `${text}\n[output cut: ${this.dropped} more bytes were not kept]` : text;
  }
}

// -- every live process group, killed when node goes ---------------------------

const live = new Set<ChildProcess>();
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Kills the child's whole process group (it and what it started), at once. */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

function killAll(): void {
  for (const child of live) killGroup(child);
}

function onStopSignal(signal: NodeJS.Signals): void {
  killAll();
  process.stderr.write(`\ncheckpoint-tests: stopped by ${signal}; its Python processes were stopped too.\n`);
  process.exit(128 + (constants.signals[signal] ?? 0));
}

function track(child: ChildProcess): void {
  if (live.size === 0) {
    process.on('exit', killAll);
    for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);
  }
  live.add(child);
}

function untrack(child: ChildProcess): void {
  if (!live.delete(child) || live.size > 0) return;
  process.off('exit', killAll);
  for (const signal of STOP_SIGNALS) process.off(signal, onStopSignal);
}

/**
 * Starts `command` in a process group of its own, tracked until it exits:
 * its group is killed when node exits or is stopped. When the child exits,
 * what it left in its group is killed too.
 */
export function spawnInGroup(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdio?: StdioOptions } = {},
): ChildProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: options.stdio ?? ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid !== undefined) {
    track(child);
    child.once('exit', () => {
      killGroup(child);
      untrack(child);
    });
  }
  return child;
}

// -- how a child ended, in words -------------------------------------------------

export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The time limit, in seconds, when the child was stopped for passing it. */
  timedOutAfter?: number;
  /** Why the child could not be started (ENOENT, EACCES). */
  startError?: string;
}

export function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/** "timed out after 60 s", "was killed by SIGSEGV", "exited with code 3", "could not start (ENOENT)". */
export function describeEnd(end: ChildEnd): string {
  if (end.timedOutAfter !== undefined) return `timed out after ${end.timedOutAfter} s`;
  if (end.startError) return `could not start (${end.startError})`;
  if (end.signal) return `was killed by ${end.signal}`;
  return `exited with code ${end.code}`;
}

// -- one bounded run --------------------------------------------------------------

export interface BoundedResult extends ChildEnd {
  stdout: string;
  stderr: string;
  /** describeEnd of this result. */
  ended: string;
}

export interface BoundedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs: number;
  /** Bytes kept of stdout and of stderr each (default DEFAULT_OUTPUT_CAP). */
  outputCap?: number;
}

/**
 * Runs a command to its end, bounded: the result comes at the latest when
 * the timeout passes (the group is killed then), and soon after the child
 * exits even if a process it left behind still holds its pipes.
 */
export function runBounded(command: string, args: readonly string[], options: BoundedOptions): Promise<BoundedResult> {
  return new Promise((resolve) => {
    const cap = options.outputCap ?? DEFAULT_OUTPUT_CAP;
    const stdout = new CappedText(cap);
    const stderr = new CappedText(cap);
    const end: ChildEnd = { code: null, signal: null };
    let settled = false;
    let linger: NodeJS.Timeout | undefined;
    const child = spawnInGroup(command, args, { cwd: options.cwd, env: options.env });
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(linger);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({ ...end, stdout: stdout.toString(), stderr: stderr.toString(), ended: describeEnd(end) });
    };
    const timer = setTimeout(() => {
      end.timedOutAfter = seconds(options.timeoutMs);
      killGroup(child);
      // The exit event finishes; this is for a child that cannot even be reaped.
      linger = setTimeout(finish, LINGER_MS);
    }, options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.add(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      end.startError = error.code ?? error.message;
      finish();
    });
    child.on('exit', (code, signal) => {
      end.code = code;
      end.signal = signal;
      // Output still in the pipes arrives before 'close'; a background process holding them does not stall us.
      linger ??= setTimeout(finish, LINGER_MS);
    });
    child.on('close', finish);
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
  });
}
