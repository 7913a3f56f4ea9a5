/**
 * The gateway's users in one JSON file (default `.local/gateway/users.json`, mode 0600): username,
 * role, region / unit / grid cell, scrypt password hash, and whether the user is disabled.
 *
 * `npm run users` changes the file (read-modify-write under a lock file, atomic rename); a running
 * gateway re-reads it when its modification time changes, so a disabled user cannot log in or
 * refresh a token within a second, on every instance that reads the same file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  codec,
  type Region,
  type UserIdentity,
  UserIdentity as UserIdentitySchema,
  type UserRole,
} from '@fenghuo/contracts';
import { FenghuoError, withFileLockSync } from '@fenghuo/kit';
import { hashPassword } from './password.ts';

const identityCodec = codec('UserIdentity', UserIdentitySchema);

export interface UserRecord {
  readonly role: UserRole;
  readonly region?: Region;
  readonly unitId?: string;
  readonly gridCellId?: string;
  readonly passwordHash: string;
  readonly createdAt: string;
  readonly disabledAt?: string;
  /** Made by `npm start` for the demo; replaced at each start. */
  readonly demo?: boolean;
}

export interface UserFile {
  readonly version: 1;
  users: Record<string, UserRecord>;
}

/** A user file or a request to change it is not valid. */
export class UserStoreError extends FenghuoError {
  constructor(message: string) {
    super(message, { code: 'USER_STORE_INVALID' });
  }
}

function readUserFile(path: string): UserFile {
  if (!existsSync(path)) return { version: 1, users: {} };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserStoreError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const file = data as Partial<UserFile>;
  if (typeof data !== 'object' || data === null || file.version !== 1 || typeof file.users !== 'object') {
    throw new UserStoreError(`${path}: expected {"version":1,"users":{...}}`);
  }
  const users: Record<string, UserRecord> = Object.create(null);
  for (const [name, u] of Object.entries(file.users ?? {})) {
    if (!identityCodec.is(identityOf(name, u)) || typeof u.passwordHash !== 'string') {
      throw new UserStoreError(`${path}: user "${name}" is malformed`);
    }
    users[name] = u;
  }
  return { version: 1, users };
}

function writeUserFile(path: string, file: UserFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** The identity a user record stands for (what tokens carry). */
export function identityOf(
  username: string,
  u: Omit<UserRecord, 'passwordHash' | 'createdAt'>,
): UserIdentity {
  return {
    username,
    role: u.role,
    ...(u.region ? { region: u.region } : {}),
    ...(u.unitId ? { unitId: u.unitId } : {}),
    ...(u.gridCellId ? { gridCellId: u.gridCellId } : {}),
  };
}

/** What a role needs: operators a region, officers a unit, grid workers a cell; nobody what they do not need. */
export function bindingProblem(identity: UserIdentity): string | undefined {
  const { role, region, unitId, gridCellId } = identity;
  if (role === 'operator' && region === undefined)
    return 'an operator needs a region (--station or --district)';
  if (role !== 'operator' && region !== undefined) return `a ${role} has no region (only operators have one)`;
  if (role === 'officer' && unitId === undefined) return 'an officer needs a unit (--unit)';
  if (role !== 'officer' && unitId !== undefined) return `a ${role} has no unit (only officers have one)`;
  if (role === 'grid_worker' && gridCellId === undefined) return 'a grid worker needs a cell (--cell)';
  if (role !== 'grid_worker' && gridCellId !== undefined)
    return `a ${role} has no cell (only grid workers have one)`;
  return undefined;
}

export interface NewUser extends Omit<UserIdentity, 'username'> {
  readonly password: string;
  readonly demo?: boolean;
}

export class UserStore {
  private file: UserFile = { version: 1, users: Object.create(null) };
  /** The file as last read: inode, size and change time (every write renames a new file in). */
  private signature = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly path: string) {
    this.reload();
  }

  /** Re-reads the file when it changed since the last read. Returns true when it did. */
  reload(): boolean {
    // Not the modification time alone: the kernel stamps files with a coarse clock, so two writes
    // a few milliseconds apart can carry the same time. Each write renames a new file in, whose
    // inode differs from the one it replaces.
    let signature = 'absent';
    try {
      const st = statSync(this.path);
      signature = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch {
      signature = 'absent';
    }
    if (signature === this.signature) return false;
    this.file = readUserFile(this.path);
    this.signature = signature;
    return true;
  }

  /** Polls the file every `intervalMs` (the timer does not keep the process alive). */
  watch(intervalMs = 1_000, onError: (err: unknown) => void = () => {}): void {
    this.stopWatching();
    this.timer = setInterval(() => {
      try {
        this.reload();
      } catch (err) {
        onError(err);
      }
    }, intervalMs);
    this.timer.unref();
  }

  stopWatching(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A live (not disabled) user. */
  get(username: string): UserRecord | undefined {
    const u = Object.hasOwn(this.file.users, username) ? this.file.users[username] : undefined;
    return u === undefined || u.disabledAt !== undefined ? undefined : u;
  }

  list(): { username: string; record: UserRecord }[] {
    return Object.entries(this.file.users)
      .map(([username, record]) => ({ username, record }))
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  private mutate<T>(fn: (file: UserFile) => T): T {
    mkdirSync(dirname(this.path), { recursive: true });
    return withFileLockSync(`${this.path}.lock`, () => {
      const file = readUserFile(this.path);
      const out = fn(file);
      writeUserFile(this.path, file);
      this.signature = '';
      this.reload();
      return out;
    });
  }

  /** Adds a user, or replaces one (a new password, role or binding; enabled again). */
  async put(username: string, user: NewUser): Promise<UserIdentity> {
    const identity = identityOf(username, user);
    const checked = identityCodec.validate(identity);
    if (!checked.ok) {
      throw new UserStoreError(
        `invalid user: ${checked.errors.map((e) => `${e.path || 'username'}: ${e.message}`).join('; ')}`,
      );
    }
    const problem = bindingProblem(identity);
    if (problem) throw new UserStoreError(problem);
    if (user.password.length < 8) throw new UserStoreError('a password needs at least 8 characters');
    const passwordHash = await hashPassword(user.password);
    const now = new Date().toISOString();
    this.mutate((file) => {
      const prev = Object.hasOwn(file.users, username) ? file.users[username] : undefined;
      const { username: _name, ...binding } = identity;
      file.users[username] = {
        ...binding,
        passwordHash,
        createdAt: prev?.createdAt ?? now,
        ...(user.demo ? { demo: true } : {}),
      };
    });
    return identity;
  }

  /** Disables a user: no login, no refresh. Returns false when there was no live user of that name. */
  disable(username: string): boolean {
    return this.mutate((file) => {
      const u = Object.hasOwn(file.users, username) ? file.users[username] : undefined;
      if (u === undefined || u.disabledAt !== undefined) return false;
      file.users[username] = { ...u, disabledAt: new Date().toISOString() };
      return true;
    });
  }
}
