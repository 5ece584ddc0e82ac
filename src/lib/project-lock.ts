/**
 * One checkpoint-tests run at a time in a project: a run takes
 * `.checkpoint-tests.lock` in the project root (created exclusively) before it
 * reads `.yo-rc.json`, and removes it when it ends. A second run waits a
 * little for the first to finish, then stops with a message naming the other
 * run. A lock whose process is gone (a killed run) is taken over.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processIsAlive } from './atomic-write.js';
import { UsageError } from './errors.js';
import { processWide } from './process-wide.js';

export const LOCK_FILE = '.checkpoint-tests.lock';

/** How long a second run waits for the first before it stops (a --skip-checks run takes a few seconds). */
const DEFAULT_WAIT_MS = 20_000;
const POLL_MS = 100;

interface LockOwner {
  pid: number;
  started: string;
  token: string;
}

/** Locks this process holds, by lock path, and the token that proves it (process-wide: main() releases them). */
const held = processWide('held-locks', () => new Map<string, string>());

function readOwner(lock: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(lock, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number' ? (parsed as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the lock; false when another run holds it, 'read-only' when the project folder cannot be written. */
function tryCreate(lock: string, token: string): boolean | 'read-only' {
  try {
    writeFileSync(lock, `${JSON.stringify({ pid: process.pid, started: new Date().toISOString(), token })}\n`, {
      flag: 'wx',
    });
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Nothing can be written there, so no run can race this one; the writes themselves say what is wrong.
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'read-only';
    throw error;
  }
}

/** Sleeps synchronously: the lock is taken while Yeoman constructs the generator, before it reads .yo-rc.json. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes the project's lock, waiting up to `waitMs` for another run to end.
 * Taking it again in the same process is a no-op (a composed generator).
 */
export function lockProject(root: string, waitMs = DEFAULT_WAIT_MS): void {
  const lock = path.join(root, LOCK_FILE);
  if (held.has(lock)) return;
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + waitMs;
  for (;;) {
    const created = tryCreate(lock, token);
    if (created === 'read-only') return;
    if (created) break;
    const owner = readOwner(lock);
    // A lock of a process that is gone (or of this process, from an earlier run in it) is stale.
    if (owner === undefined || owner.pid === process.pid || !processIsAlive(owner.pid)) {
      // Move the stale lock aside (atomic: only one taker succeeds), then create ours.
      const aside = `${lock}.stale-${token}`;
      try {
        if (owner === undefined && Date.now() < deadline - waitMs + 1_000) {
          // An unreadable lock may be one being written this instant: give it a moment.
          sleepSync(POLL_MS);
          continue;
        }
        renameSync(lock, aside);
        rmSync(aside, { force: true });
      } catch {
        // Another run took it over first: wait for that one like any other.
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw new UsageError(
        `Another checkpoint-tests run (process ${owner.pid}, started ${owner.started}) is writing in this project, and it did not finish within ${Math.round(waitMs / 1000)} s. Wait for it to end and run again; if no such run is going on, delete ${lock}. Nothing was written.`,
      );
    }
    sleepSync(POLL_MS);
  }
  held.set(lock, token);
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    process.once('exit', unlockAll);
  }
}

let exitHandlerInstalled = false;

/** Removes the lock if this process holds it. */
export function unlockProject(root: string): void {
  const lock = path.join(root, LOCK_FILE);
  const token = held.get(lock);
  if (token === undefined) return;
  held.delete(lock);
  if (readOwner(lock)?.token === token) rmSync(lock, { force: true });
}

/** Removes every lock this process holds: the run is over (main() returned, or node exits). */
export function unlockAll(): void {
  for (const heldLock of [...held.keys()]) unlockProject(path.dirname(heldLock));
}
