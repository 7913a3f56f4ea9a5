/**
 * Optional HMAC body signatures: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * `"<t>.<raw body>"`, keyed by the source's signing key (hex SHA-256 of its API key, see
 * api-keys.ts). A timestamp outside ±`toleranceSec` of now is rejected, so a captured request
 * cannot be replayed later; a replay inside the window carries the same event ids and is
 * acknowledged as duplicates, never produced twice.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function sign(signingKey: string, body: Buffer | string, unixSec: number): string {
  const mac = createHmac('sha256', signingKey).update(`${unixSec}.`).update(body).digest('hex');
  return `t=${unixSec},v1=${mac}`;
}

export function verifySignature(
  header: string,
  signingKey: string,
  body: Buffer,
  nowMs: number,
  toleranceSec: number,
): SignatureCheck {
  let t: string | undefined;
  const macs: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') t = value;
    else if (name === 'v1') macs.push(value);
  }
  if (t === undefined || !/^\d{1,12}$/.test(t))
    return { ok: false, reason: 'missing or malformed t=<unix seconds>' };
  if (macs.length === 0) return { ok: false, reason: 'missing v1=<hex HMAC-SHA256>' };
  const skew = Math.abs(nowMs / 1000 - Number(t));
  if (skew > toleranceSec) {
    return {
      ok: false,
      reason: `timestamp is ${Math.round(skew)} s away from now (tolerance ${toleranceSec} s)`,
    };
  }
  const expected = createHmac('sha256', signingKey).update(`${t}.`).update(body).digest();
  for (const mac of macs) {
    if (!/^[0-9a-f]{64}$/i.test(mac)) continue;
    if (timingSafeEqual(Buffer.from(mac, 'hex'), expected)) return { ok: true };
  }
  return { ok: false, reason: 'signature does not match the body' };
}
