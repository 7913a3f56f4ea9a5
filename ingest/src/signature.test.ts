import { describe, expect, it } from 'vitest';
import { generateKey, signingKeyOf } from './api-keys.ts';
import { sign, verifySignature } from './signature.ts';

describe('HMAC signatures', () => {
  const { key, hash } = generateKey();
  const body = Buffer.from('{"eventId":"e1"}');
  const now = 1_764_232_200_000;

  it('accepts a signature made with the key-derived signing key, verified with the stored hash', () => {
    expect(signingKeyOf(key)).toBe(hash);
    const header = sign(signingKeyOf(key), body, now / 1000);
    expect(verifySignature(header, hash, body, now, 300)).toEqual({ ok: true });
  });

  it('rejects a changed body, a wrong key, an old timestamp and malformed headers', () => {
    const header = sign(hash, body, now / 1000);
    expect(verifySignature(header, hash, Buffer.from('{"eventId":"e2"}'), now, 300).ok).toBe(false);
    expect(verifySignature(header, generateKey().hash, body, now, 300).ok).toBe(false);
    const late = verifySignature(header, hash, body, now + 301_000, 300);
    expect(late).toEqual({ ok: false, reason: expect.stringContaining('tolerance') });
    expect(verifySignature('v1=abc', hash, body, now, 300).ok).toBe(false);
    expect(verifySignature(`t=${now / 1000}`, hash, body, now, 300).ok).toBe(false);
    expect(verifySignature(`t=${now / 1000},v1=zz`, hash, body, now, 300).ok).toBe(false);
  });
});
