import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLockTimeoutError, processAlive, withFileLock, withFileLockSync } from './file-lock.ts';

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'fh-lock-')), 'thing.lock');
/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('withFileLock', () => {
  it('runs critical sections one at a time and removes the lock afterwards', async () => {
    const path = lockPath();
    const trace: string[] = [];
    const section = (name: string) =>
      withFileLock(path, async () => {
        trace.push(`${name} in`);
        expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
        await new Promise((r) => setImmediate(r));
        trace.push(`${name} out`);
      });
    await Promise.all([section('a'), section('b'), section('c')]);
    for (let i = 0; i < trace.length; i += 2) expect(trace[i + 1]).toBe(trace[i]!.replace('in', 'out'));
    expect(existsSync(path)).toBe(false);
  });

  it('releases the lock when the section throws', async () => {
    const path = lockPath();
    await expect(withFileLock(path, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose holder died', async () => {
    const path = lockPath();
    writeFileSync(path, String(deadPid()));
    expect(await withFileLock(path, () => 'mine')).toBe('mine');
  });

  it('takes over an empty lock file older than a few seconds, but not a fresh one', async () => {
    const path = lockPath();
    writeFileSync(path, '');
    await expect(withFileLock(path, () => 'x', { timeoutMs: 100 })).rejects.toBeInstanceOf(
      FileLockTimeoutError,
    );
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(path, old, old);
    expect(await withFileLock(path, () => 'mine')).toBe('mine');
  });

  it('gives up after the time-out while a live process holds it, naming the holder', async () => {
    const path = lockPath();
    writeFileSync(path, String(process.ppid)); // the test runner's parent: alive
    const waited: number[] = [];
    const err = await withFileLock(path, () => 'never', {
      timeoutMs: 150,
      onWait: (pid) => waited.push(pid),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileLockTimeoutError);
    expect(err).toMatchObject({ code: 'FILE_LOCK_TIMEOUT', retriable: true, holderPid: process.ppid });
    expect(waited).toEqual([process.ppid]);
    expect(readFileSync(path, 'utf8')).toBe(String(process.ppid)); // not ours to remove
  });
});

describe('withFileLockSync', () => {
  it('holds the lock for a synchronous section and honours stale and live holders', () => {
    const path = lockPath();
    expect(withFileLockSync(path, () => readFileSync(path, 'utf8'))).toBe(String(process.pid));
    expect(existsSync(path)).toBe(false);
    writeFileSync(path, String(deadPid()));
    expect(withFileLockSync(path, () => 1)).toBe(1);
    writeFileSync(path, String(process.ppid));
    expect(() => withFileLockSync(path, () => 1, { timeoutMs: 60 })).toThrow(FileLockTimeoutError);
  });
});

describe('processAlive', () => {
  it('tells live processes from dead ones and nonsense', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(deadPid())).toBe(false);
    expect(processAlive(0)).toBe(false);
    expect(processAlive(-5)).toBe(false);
  });
});
