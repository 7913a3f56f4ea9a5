/**
 * Residents' own account numbers (a transfer's `payerAccount`) are personal data: ingest replaces
 * each with a keyed pseudonym before anything is written, so Kafka, Redis state and logs only see
 * `acct:` and 32 hex characters (the first 128 bits of HMAC-SHA-256 under the account-hash key).
 * The same account always gives the same pseudonym under the same key, so per-account state and
 * rules keep working; without the key nobody can tell which account it was, even by trying every
 * account number. Payees' accounts are NOT pseudonymised (deny lists match them): they are masked
 * where they are shown or logged (`maskAccount`).
 */
import { createHmac } from 'node:crypto';
import type { SecretKey } from './secret-key.ts';

export const ACCOUNT_PSEUDONYM_PREFIX = 'acct:';

/** Whether a value has the shape of a pseudonym (`acct:` and 32 lower-case hex characters). */
export function isAccountPseudonym(value: string): boolean {
  return /^acct:[0-9a-f]{32}$/.test(value);
}

/**
 * The pseudonym of an account: spaces and dashes are ignored, so `6222 0202 0011 2233 445` and
 * `6222020200112233445` give the same one.
 */
export function pseudonymiseAccount(key: SecretKey, account: string): string {
  const canonical = account.replace(/[\s-]/g, '');
  const mac = createHmac('sha256', key.bytes).update(canonical, 'utf8').digest('hex');
  return `${ACCOUNT_PSEUDONYM_PREFIX}${mac.slice(0, 32)}`;
}
