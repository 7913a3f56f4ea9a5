/**
 * The public report form's spam guard without a captcha service: the page is served with a token
 * `v1.<cellId>.<issuedAtMs>.<nonce>.<signature>` (HMAC-SHA256 under a key derived from the
 * gateway's signing secret, so every instance issues and checks the same tokens). A submission
 * must carry a token of its own cell that is at least `minAgeSec` old (people take seconds to fill
 * in a form; scripts do not) and at most `maxAgeSec`, and each token is spent once (a Redis claim).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface FormTokenOptions {
  /** A submission sooner than this after the page was served is refused (429, retry after the rest). @defaultValue 3 */
  readonly minAgeSec?: number;
  /** A token older than this is refused (the page is to be reloaded). @defaultValue 7200 */
  readonly maxAgeSec?: number;
}

export type TokenCheck =
  | { readonly ok: true; readonly nonce: string }
  | { readonly ok: false; readonly reason: 'malformed' | 'forged' | 'other_cell' | 'expired' }
  | { readonly ok: false; readonly reason: 'too_fresh'; readonly retryAfterSec: number };

export class FormTokens {
  private readonly key: Buffer;
  readonly minAgeMs: number;
  readonly maxAgeMs: number;

  constructor(
    secret: Uint8Array,
    private readonly redis: Redis,
    opts: FormTokenOptions = {},
  ) {
    // A key of its own: a form token can never pass as a login token, nor the reverse.
    this.key = createHash('sha256').update('fenghuo grid-report form token\0').update(secret).digest();
    this.minAgeMs = (opts.minAgeSec ?? 3) * 1000;
    this.maxAgeMs = (opts.maxAgeSec ?? 7200) * 1000;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  issue(cellId: string, now: number): string {
    const body = `v1.${cellId}.${now}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  /** Signature, cell and age; does not spend the token (see {@link claim}). */
  check(token: string | undefined, cellId: string, now: number): TokenCheck {
    const parts = (token ?? '').split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') return { ok: false, reason: 'malformed' };
    const [, cell, issued, nonce, signature] = parts as [string, string, string, string, string];
    const expected = Buffer.from(this.sign(parts.slice(0, 4).join('.')));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'forged' };
    if (cell !== cellId) return { ok: false, reason: 'other_cell' };
    const age = now - Number(issued);
    if (!Number.isFinite(age) || age > this.maxAgeMs) return { ok: false, reason: 'expired' };
    if (age < this.minAgeMs) {
      return {
        ok: false,
        reason: 'too_fresh',
        retryAfterSec: Math.max(1, Math.ceil((this.minAgeMs - age) / 1000)),
      };
    }
    return { ok: true, nonce };
  }

  /** Spends a token: `false` when it was spent already (by any instance). */
  async claim(nonce: string): Promise<boolean> {
    const set = await this.redis.set(`gr:ft:${nonce}`, '1', 'PX', this.maxAgeMs, 'NX');
    return set === 'OK';
  }
}
