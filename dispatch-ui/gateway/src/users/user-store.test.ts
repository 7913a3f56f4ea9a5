import { mkdtempSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from './password.ts';
import { UserStore, UserStoreError } from './user-store.ts';

const file = () => join(mkdtempSync(join(tmpdir(), 'users-')), 'users.json');

describe('UserStore', () => {
  it('keeps users with hashed passwords in a 0600 file that another store (another instance) reads', async () => {
    const path = file();
    const a = new UserStore(path);
    const id = await a.put('li.na', {
      role: 'operator',
      region: { kind: 'station', id: 'station-01' },
      password: 'pa55word!',
    });
    expect(id).toEqual({
      username: 'li.na',
      role: 'operator',
      region: { kind: 'station', id: 'station-01' },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const b = new UserStore(path);
    const rec = b.get('li.na')!;
    expect(rec.passwordHash).not.toContain('pa55word');
    expect(await verifyPassword('pa55word!', rec.passwordHash)).toBe(true);
    expect(a.disable('li.na')).toBe(true);
    b.reload();
    expect(b.get('li.na')).toBeUndefined();
    expect(b.list().map((u) => u.username)).toEqual(['li.na']);
  });

  it('sees a change written with the same modification time as the file it replaced', async () => {
    // The kernel stamps files with a coarse clock: two writes a few milliseconds apart can carry the
    // same time, and a reader that compared times alone would miss the second.
    const path = file();
    const writer = new UserStore(path);
    const stamp = new Date('2026-01-01T00:00:00Z');
    await writer.put('first', { role: 'analyst', password: 'pa55word!' });
    utimesSync(path, stamp, stamp);
    const reader = new UserStore(path);
    await writer.put('second', { role: 'analyst', password: 'pa55word!' });
    utimesSync(path, stamp, stamp);
    expect(statSync(path).mtimeMs).toBe(stamp.getTime());
    expect(reader.reload()).toBe(true);
    expect(reader.get('second')).toBeDefined();
    expect(reader.reload()).toBe(false);
  });

  it('refuses bindings a role does not have, missing ones, and short passwords', async () => {
    const s = new UserStore(file());
    await expect(s.put('op', { role: 'operator', password: 'long enough' })).rejects.toThrow(/region/);
    await expect(s.put('off', { role: 'officer', password: 'long enough' })).rejects.toThrow(/unit/);
    await expect(s.put('gw', { role: 'grid_worker', password: 'long enough' })).rejects.toThrow(/cell/);
    await expect(s.put('an', { role: 'analyst', unitId: 'u1', password: 'long enough' })).rejects.toThrow(
      UserStoreError,
    );
    await expect(s.put('an', { role: 'analyst', password: 'short' })).rejects.toThrow(/8 characters/);
    await expect(s.put('with space', { role: 'analyst', password: 'long enough' })).rejects.toThrow(
      UserStoreError,
    );
    expect(s.get('__proto__')).toBeUndefined();
  });
});
