/**
 * Sources, their hashed API keys and the event kinds each may send, plus the phones (device ids)
 * registered to units, in one JSON file (default `.local/ingest/keys.json`, mode 0600).
 *
 * The `keys` CLI changes the file (read-modify-write under a lock file, atomic rename); a running
 * ingest re-reads it when its modification time changes, so a revoked key stops working within
 * about a second without a restart.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FenghuoError, withFileLockSync } from '@fenghuo/kit';
import { generateKey, hashKey, keyIdOf } from './api-keys.ts';
import { type EventKind, isEventKind } from './kinds.ts';

export interface KeyRecord {
  readonly id: string;
  /** SHA-256 (hex) of the key. */
  readonly hash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
  /** Issued by `npm start` for the demo; replaced at each start. */
  readonly demo?: boolean;
}

export interface SourceRecord {
  readonly kinds: EventKind[];
  /** Requests must carry a valid HMAC signature. */
  readonly requireSignature: boolean;
  readonly createdAt: string;
  readonly keys: KeyRecord[];
}

export interface DeviceRecord {
  readonly unitId: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

export interface KeyFile {
  readonly version: 1;
  sources: Record<string, SourceRecord>;
  devices: Record<string, DeviceRecord>;
}

/** What a valid key proves: who is calling and what they may send. */
export interface Principal {
  readonly source: string;
  readonly keyId: string;
  readonly kinds: ReadonlySet<EventKind>;
  readonly requireSignature: boolean;
  /** The stored hash, which is also the HMAC signing key. */
  readonly signingKey: string;
}

const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,47}$/;
const DEVICE_ID = /^[^\s]{1,128}$/;

/** A key file or a key-store request is not valid (a bad source name, a malformed file). */
export class KeyStoreError extends FenghuoError {
  constructor(message: string) {
    super(message, { code: 'KEY_STORE_INVALID' });
  }
}

function emptyFile(): KeyFile {
  return { version: 1, sources: {}, devices: {} };
}

function readKeyFile(path: string): KeyFile {
  if (!existsSync(path)) return emptyFile();
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KeyStoreError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const file = data as Partial<KeyFile>;
  if (typeof data !== 'object' || data === null || file.version !== 1) {
    throw new KeyStoreError(`${path}: expected {"version":1,...}`);
  }
  const sources = file.sources ?? {};
  for (const [name, s] of Object.entries(sources)) {
    if (!Array.isArray(s.kinds) || !s.kinds.every((k) => isEventKind(k)) || !Array.isArray(s.keys)) {
      throw new KeyStoreError(`${path}: source "${name}" is malformed`);
    }
  }
  return { version: 1, sources, devices: file.devices ?? {} };
}

function writeKeyFile(path: string, file: KeyFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export interface AddKeyOptions {
  readonly kinds: readonly EventKind[];
  readonly requireSignature?: boolean;
  readonly demo?: boolean;
}

export interface AddedKey {
  readonly source: string;
  readonly id: string;
  readonly key: string;
  readonly kinds: readonly EventKind[];
}

export class KeyStore {
  private file: KeyFile = emptyFile();
  private byHash = new Map<string, Principal>();
  private mtimeMs = -1;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** The JSON file. */
    readonly path: string,
  ) {
    this.reload();
  }

  /** Re-reads the file when it changed since the last read. Returns true when it did. */
  reload(): boolean {
    let mtime = 0;
    try {
      mtime = statSync(this.path).mtimeMs;
    } catch {
      mtime = 0;
    }
    if (mtime === this.mtimeMs) return false;
    this.mtimeMs = mtime;
    this.file = readKeyFile(this.path);
    this.index();
    return true;
  }

  /** Polls the file for changes every `intervalMs` (the timer does not keep the process alive). */
  watch(intervalMs = 1_000, onError: (err: unknown) => void = () => {}): void {
    this.stopWatching();
    this.timer = setInterval(() => {
      try {
        this.reload();
      } catch (err) {
        onError(err); // keep serving the last good copy
      }
    }, intervalMs);
    this.timer.unref();
  }

  stopWatching(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private index(): void {
    const map = new Map<string, Principal>();
    for (const [source, s] of Object.entries(this.file.sources)) {
      const kinds = new Set(s.kinds);
      for (const k of s.keys) {
        if (k.revokedAt !== undefined) continue;
        map.set(k.hash, {
          source,
          keyId: k.id,
          kinds,
          requireSignature: s.requireSignature,
          signingKey: k.hash,
        });
      }
    }
    this.byHash = map;
  }

  /** The principal of a live key, or undefined for an unknown, malformed or revoked one. */
  authenticate(key: string): Principal | undefined {
    if (keyIdOf(key) === undefined) return undefined;
    return this.byHash.get(hashKey(key));
  }

  /** The unit a live device id is registered to. */
  unitOfDevice(deviceId: string): string | undefined {
    const d = Object.hasOwn(this.file.devices, deviceId) ? this.file.devices[deviceId] : undefined;
    return d === undefined || d.revokedAt !== undefined ? undefined : d.unitId;
  }

  snapshot(): KeyFile {
    return structuredClone(this.file);
  }

  private mutate<T>(fn: (file: KeyFile) => T): T {
    // Held only for a read-modify-write of a small file; the sync lock keeps this API synchronous.
    mkdirSync(dirname(this.path), { recursive: true });
    return withFileLockSync(`${this.path}.lock`, () => {
      const file = readKeyFile(this.path);
      const out = fn(file);
      writeKeyFile(this.path, file);
      this.mtimeMs = -1;
      this.reload();
      return out;
    });
  }

  /** Creates the source when new (or updates its kinds) and issues a key, returned once. */
  addKey(source: string, opts: AddKeyOptions): AddedKey {
    if (!SOURCE_NAME.test(source)) {
      throw new KeyStoreError(
        `source name "${source}" must match ${SOURCE_NAME} (lower case, digits, . _ -)`,
      );
    }
    if (opts.kinds.length === 0) throw new KeyStoreError('a source needs at least one kind');
    const fresh = generateKey();
    const now = new Date().toISOString();
    this.mutate((file) => {
      const prev = Object.hasOwn(file.sources, source) ? file.sources[source] : undefined;
      file.sources[source] = {
        kinds: [...opts.kinds],
        requireSignature: opts.requireSignature ?? prev?.requireSignature ?? false,
        createdAt: prev?.createdAt ?? now,
        keys: [
          ...(prev?.keys ?? []),
          { id: fresh.id, hash: fresh.hash, createdAt: now, ...(opts.demo ? { demo: true } : {}) },
        ],
      };
    });
    return { source, id: fresh.id, key: fresh.key, kinds: opts.kinds };
  }

  /** Revokes one key by id, or every key of a source by name. Returns the revoked key ids. */
  revoke(target: {
    readonly keyId?: string;
    readonly source?: string;
    readonly demoOnly?: boolean;
  }): string[] {
    return this.mutate((file) => {
      const revoked: string[] = [];
      const now = new Date().toISOString();
      for (const [name, s] of Object.entries(file.sources)) {
        if (target.source !== undefined && name !== target.source) continue;
        s.keys.forEach((k, i) => {
          if (k.revokedAt !== undefined) return;
          if (target.keyId !== undefined && k.id !== target.keyId) return;
          if (target.demoOnly && !k.demo) return;
          s.keys[i] = { ...k, revokedAt: now };
          revoked.push(k.id);
        });
      }
      return revoked;
    });
  }

  addDevice(deviceId: string, unitId: string): void {
    if (!DEVICE_ID.test(deviceId) || deviceId === '__proto__')
      throw new KeyStoreError(`device id "${deviceId}" must be 1-128 non-space characters`);
    if (!DEVICE_ID.test(unitId))
      throw new KeyStoreError(`unit id "${unitId}" must be 1-128 non-space characters`);
    this.mutate((file) => {
      file.devices[deviceId] = { unitId, createdAt: new Date().toISOString() };
    });
  }

  revokeDevice(deviceId: string): boolean {
    return this.mutate((file) => {
      const d = Object.hasOwn(file.devices, deviceId) ? file.devices[deviceId] : undefined;
      if (d === undefined || d.revokedAt !== undefined) return false;
      file.devices[deviceId] = { ...d, revokedAt: new Date().toISOString() };
      return true;
    });
  }
}
