/**
 * The 32-byte keys that protect residents' data (the contact store's AES-256-GCM key, the HMAC key
 * of account pseudonyms), kept outside the repository: a base64 value in the environment, else a
 * key file (mode 0600) under `.local/keys/`, which is git-ignored. Outside production a missing key
 * file is created with a fresh random key on first start, so every service of one machine (ingest
 * and the gateway) shares it without setup; in production a service without a key does not start.
 * A key has an id (a fingerprint, not the key) that is stored beside every ciphertext.
 */
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';

/** Length of every key, in bytes (AES-256, HMAC-SHA-256). */
export const SECRET_KEY_BYTES = 32;

export interface SecretKey {
  /** The key bytes. Never logged. */
  readonly bytes: Buffer;
  /** A fingerprint of the key (16 hex characters), stored beside what it protects. */
  readonly id: string;
  /** Where it came from: the variable's name, or the key file's path. */
  readonly origin: string;
}

export interface LoadSecretKeyOptions {
  /** The environment variable holding the key in base64 (named in errors). */
  readonly env: string;
  /** Its value; empty when unset. */
  readonly value: string;
  /** The key file's variable (named in errors). */
  readonly fileEnv: string;
  /** The key file, read when `value` is empty. */
  readonly file: string;
  /** Separates the fingerprints of keys of different purposes. */
  readonly purpose: string;
  /** @defaultValue `process.env` (only `NODE_ENV` is read) */
  readonly processEnv?: NodeJS.ProcessEnv;
}

/** The fingerprint of a key: the first 16 hex characters of SHA-256(purpose, key). */
export function keyId(purpose: string, bytes: Buffer): string {
  return createHash('sha256')
    .update(`fenghuo-key-id\u0000${purpose}\u0000`)
    .update(bytes)
    .digest('hex')
    .slice(0, 16);
}

function decodeKey(text: string, variable: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (bytes.length !== SECRET_KEY_BYTES) {
    throw new ConfigError([
      {
        variable,
        reason: `must be ${SECRET_KEY_BYTES} bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${bytes.length} bytes`,
      },
    ]);
  }
  return bytes;
}

/**
 * The key from `value` (base64) when set, else from `file`. Outside production a missing file is
 * created with a random key (mode 0600; a file made at the same moment by another service wins).
 * Throws a {@link ConfigError} naming the variable for a malformed key, or for a missing one in
 * production (`NODE_ENV=production`).
 */
export function loadSecretKey(opts: LoadSecretKeyOptions): SecretKey {
  const env = opts.processEnv ?? process.env;
  if (opts.value !== '') {
    const bytes = decodeKey(opts.value, opts.env);
    return { bytes, id: keyId(opts.purpose, bytes), origin: opts.env };
  }
  const path = resolve(opts.file);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError([{ variable: opts.fileEnv, reason: `cannot read ${path}: ${String(err)}` }]);
    }
  }
  if (text === undefined) {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError([
        {
          variable: opts.env,
          reason: `required when NODE_ENV=production: set it (base64, ${SECRET_KEY_BYTES} bytes) or provide the key file ${path} (${opts.fileEnv})`,
        },
      ]);
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Written aside, then linked into place: a service reading at the same moment never sees a
    // half-written file, and when two create it at once the first link wins.
    const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(aside, `${randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    try {
      linkSync(aside, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(aside);
    }
    text = readFileSync(path, 'utf8');
  }
  const bytes = decodeKey(text, opts.fileEnv);
  return { bytes, id: keyId(opts.purpose, bytes), origin: path };
}
