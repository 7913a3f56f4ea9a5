/**
 * API keys: `fh_<id>_<secret>`, 32 random bytes of secret. Only the SHA-256 of the whole key is
 * stored (keys are random, so a fast hash is enough; no password hashing needed). The id is public
 * and names the key in `keys list` and logs.
 *
 * The HMAC signing key of a source is the hex SHA-256 of its API key: the client derives it from
 * the key it holds, and the server needs nothing but the stored hash to verify.
 */
import { createHash, randomBytes } from 'node:crypto';

const KEY_PATTERN = /^fh_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  readonly id: string;
  /** Shown once, never stored. */
  readonly key: string;
  readonly hash: string;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(): NewKey {
  const id = randomBytes(4).toString('hex');
  const key = `fh_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashKey(key) };
}

/** The key id when `key` has the shape of one of our keys (checked before hashing). */
export function keyIdOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** The HMAC key a client holding `key` signs with: hex SHA-256 of the key, same as the stored hash. */
export function signingKeyOf(key: string): string {
  return hashKey(key);
}
