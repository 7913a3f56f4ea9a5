/**
 * One lock file per resource, shared by every process on the machine: the key store's
 * read-modify-write, `infra:up`/`infra:down`, anything else that must not run twice at once.
 *
 * The lock is `<path>` created with O_EXCL holding the owner's pid. A lock whose owner died (or is a
 * zombie) is stale and taken over; an empty lock file older than a few seconds is stale too (its
 * owner died between creating and writing it). Waiting polls; the sync variant blocks the thread,
 * for short critical sections in synchronous APIs.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { FenghuoError } from './errors.ts';

export interface FileLockOptions {
  /**
   * Give up after this long.
   * @defaultValue `5000`
   */
  readonly timeoutMs?: number;
  /**
   * Time between attempts while another process holds the lock.
   * @defaultValue `50`
   */
  readonly pollMs?: number;
  /** Called once when the lock is held by another live process and we start waiting. */
  readonly onWait?: (holderPid: number) => void;
}

/** The lock stayed held by another live process for the whole time-out. */
export class FileLockTimeoutError extends FenghuoError {
  constructor(
    readonly lockPath: string,
    readonly holderPid: number,
    timeoutMs: number,
  ) {
    super(`${lockPath} is held by pid ${holderPid} (waited ${timeoutMs} ms); is it stuck?`, {
      code: 'FILE_LOCK_TIMEOUT',
      retriable: true,
      context: { lockPath, holderPid },
    });
  }
}

/** Alive and not a zombie. On systems without /proc, `kill(pid, 0)` is all we have. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return stat.slice(close + 2, close + 3) !== 'Z';
  } catch {
    return true;
  }
}

const EMPTY_LOCK_GRACE_MS = 5_000;

type Attempt = { readonly acquired: true } | { readonly acquired: false; readonly holder: number };

function tryAcquire(lockPath: string): Attempt {
  for (;;) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return { acquired: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let text: string;
    let ageMs: number;
    try {
      text = readFileSync(lockPath, 'utf8').trim();
      ageMs = Date.now() - statSync(lockPath).mtimeMs;
    } catch {
      continue; // released between our two calls: try again
    }
    const holder = Number(text);
    if (text === '' || !Number.isInteger(holder) || holder <= 0) {
      // Being written right now, or its writer died before writing: only the latter is stale.
      if (ageMs < EMPTY_LOCK_GRACE_MS) return { acquired: false, holder: 0 };
    } else if (processAlive(holder)) {
      return { acquired: false, holder };
    }
    rmSync(lockPath, { force: true }); // stale
  }
}

function release(lockPath: string): void {
  try {
    if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) rmSync(lockPath, { force: true });
  } catch {
    // already gone
  }
}

/** Runs `fn` while holding the lock file `lockPath` (waiting for it up to `timeoutMs`). */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T> | T,
  opts: FileLockOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const attempt = tryAcquire(lockPath);
    if (attempt.acquired) break;
    if (Date.now() > deadline) throw new FileLockTimeoutError(lockPath, attempt.holder, timeoutMs);
    if (!announced && attempt.holder > 0) opts.onWait?.(attempt.holder);
    announced ||= attempt.holder > 0;
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 50));
  }
  try {
    return await fn();
  } finally {
    release(lockPath);
  }
}

/** {@link withFileLock} for synchronous critical sections: blocks the thread while waiting. */
export function withFileLockSync<T>(lockPath: string, fn: () => T, opts: FileLockOptions = {}): T {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const attempt = tryAcquire(lockPath);
    if (attempt.acquired) break;
    if (Date.now() > deadline) throw new FileLockTimeoutError(lockPath, attempt.holder, timeoutMs);
    if (!announced && attempt.holder > 0) opts.onWait?.(attempt.holder);
    announced ||= attempt.holder > 0;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, opts.pollMs ?? 20);
  }
  try {
    return fn();
  } finally {
    release(lockPath);
  }
}
