import type { UserIdentity } from '@fenghuo/contracts';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { ConfigError } from '../errors.ts';
import { AuthError } from './auth-error.ts';
import { DEV_AUTH_SECRET, resolveAuthSecret } from './secret.ts';
import { AuthTokens, TOKEN_AUDIENCE, TOKEN_ISSUER } from './tokens.ts';

const secret = new TextEncoder().encode('k'.repeat(40));
const operator: UserIdentity = {
  username: 'li.na',
  role: 'operator',
  region: { kind: 'station', id: 'station-03' },
};

async function refusal(p: Promise<unknown>): Promise<AuthError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('AuthTokens', () => {
  it('verifies what it issued: the same identity, the expiry it announced', async () => {
    const clock = new ManualClock(Date.parse('2026-11-27T08:00:00Z'));
    const tokens = new AuthTokens({ secret, ttlSec: 600, clock });
    const issued = await tokens.issue(operator);
    expect(issued.expiresAt).toBe('2026-11-27T08:10:00.000Z');
    const verified = await tokens.verify(issued.token);
    expect(verified.user).toEqual(operator);
    expect(verified.expiresAtMs).toBe(Date.parse(issued.expiresAt));
    const officer: UserIdentity = { username: 'wang.wei', role: 'officer', unitId: 'unit-017' };
    expect((await tokens.verify((await tokens.issue(officer)).token)).user).toEqual(officer);
  });

  it('refuses an expired token as token_expired (401)', async () => {
    const clock = new ManualClock(Date.parse('2026-11-27T08:00:00Z'));
    const tokens = new AuthTokens({ secret, ttlSec: 60, clockToleranceSec: 0, clock });
    const { token } = await tokens.issue(operator);
    clock.advance(61_000);
    const err = await refusal(tokens.verify(token));
    expect(err.code).toBe('token_expired');
    expect(err.status).toBe(401);
  });

  it('refuses tokens signed with another key, tampered, unsigned or for another audience', async () => {
    const tokens = new AuthTokens({ secret });
    const other = new AuthTokens({ secret: new TextEncoder().encode('x'.repeat(40)) });
    const forged = (await other.issue({ ...operator, role: 'supervisor' })).token;
    expect((await refusal(tokens.verify(forged))).code).toBe('unauthorized');

    const good = (await tokens.issue(operator)).token;
    const [h, p, s] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const raised = Buffer.from(JSON.stringify({ ...claims, role: 'supervisor' })).toString('base64url');
    expect((await refusal(tokens.verify(`${h}.${raised}.${s}`))).code).toBe('unauthorized');

    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect((await refusal(tokens.verify(none))).code).toBe('unauthorized');

    const elsewhere = await new SignJWT({ role: 'operator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('li.na')
      .setIssuer(TOKEN_ISSUER)
      .setAudience('somebody-else')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    expect((await refusal(tokens.verify(elsewhere))).code).toBe('unauthorized');

    for (const junk of ['', 'a.b.c', 'x'.repeat(5000), good.slice(0, -2)]) {
      expect((await refusal(tokens.verify(junk))).status).toBe(401);
    }
  });

  it('refuses a well-signed token whose claims are not an identity', async () => {
    const tokens = new AuthTokens({ secret });
    const bad = await new SignJWT({ role: 'emperor' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('li.na')
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    expect((await refusal(tokens.verify(bad))).code).toBe('unauthorized');
  });
});

describe('resolveAuthSecret', () => {
  it('uses the variable when set, the public development key only outside production', () => {
    const value = 's'.repeat(32);
    expect(new TextDecoder().decode(resolveAuthSecret({ authJwtSecret: value }, {}))).toBe(value);
    expect(new TextDecoder().decode(resolveAuthSecret({ authJwtSecret: '' }, { NODE_ENV: 'test' }))).toBe(
      DEV_AUTH_SECRET,
    );
  });

  it('stops a production service without a key, or with a short one, naming AUTH_JWT_SECRET', () => {
    expect(() => resolveAuthSecret({ authJwtSecret: '' }, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => resolveAuthSecret({ authJwtSecret: 'short' }, {})).toThrow(/AUTH_JWT_SECRET/);
  });
});
