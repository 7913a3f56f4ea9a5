/**
 * People's tokens: short-lived HS256 JWTs (`jose`) carrying a {@link UserIdentity}. The gateway
 * issues them at login and refresh; the gateway's sockets, the rules service and the interceptor's
 * API verify them with the same key ({@link resolveAuthSecret}). Claims: `sub` (username), `role`,
 * and `region`, `unitId`, `gridCellId` when the person has them; `iss` and `aud` fixed; `iat`, `exp`.
 */
import { randomUUID } from 'node:crypto';
import { codec, UserIdentity } from '@fenghuo/contracts';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type Clock, systemClock } from '../clock.ts';
import { AuthError } from './auth-error.ts';

const identityCodec = codec('UserIdentity', UserIdentity);

/** Issuer of every token. */
export const TOKEN_ISSUER = 'fenghuo-gateway';
/** Audience of every token: any Fenghuo service that serves people. */
export const TOKEN_AUDIENCE = 'fenghuo';

export interface AuthTokensOptions {
  /** The key, from {@link resolveAuthSecret}. */
  readonly secret: Uint8Array;
  /**
   * Lifetime of an issued token, in seconds.
   * @defaultValue `900` (15 minutes)
   */
  readonly ttlSec?: number;
  /**
   * Accepted clock difference between the issuer and a verifier, in seconds.
   * @defaultValue `5`
   */
  readonly clockToleranceSec?: number;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
}

export interface IssuedToken {
  readonly token: string;
  /** RFC 3339. */
  readonly expiresAt: string;
}

export interface VerifiedToken {
  readonly user: UserIdentity;
  /** Milliseconds since the epoch. */
  readonly expiresAtMs: number;
  /** The token's id (`jti`), for audit entries. */
  readonly tokenId: string;
}

export class AuthTokens {
  readonly ttlSec: number;
  private readonly clock: Clock;

  constructor(private readonly opts: AuthTokensOptions) {
    if (opts.secret.byteLength === 0) throw new Error('AuthTokens: empty secret');
    this.ttlSec = opts.ttlSec ?? 900;
    this.clock = opts.clock ?? systemClock;
  }

  /** Signs a token for `user`, valid for `ttlSec` from now. */
  async issue(user: UserIdentity): Promise<IssuedToken> {
    const checked = identityCodec.validate(user);
    if (!checked.ok) throw new Error(`AuthTokens.issue: not a UserIdentity: ${checked.errors[0]?.message}`);
    const nowSec = Math.floor(this.clock.now() / 1000);
    const exp = nowSec + this.ttlSec;
    const claims: JWTPayload = {
      role: user.role,
      ...(user.region ? { region: user.region } : {}),
      ...(user.unitId ? { unitId: user.unitId } : {}),
      ...(user.gridCellId ? { gridCellId: user.gridCellId } : {}),
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.username)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(nowSec)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.opts.secret);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /**
   * The identity a token proves. Throws {@link AuthError}: `token_expired` for an expired token,
   * `unauthorized` for anything else (forged, malformed, another issuer or audience, claims that
   * are not a valid identity).
   */
  async verify(token: string): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token === '' || token.length > 4096) {
      throw new AuthError('unauthorized', 'missing or malformed token');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.opts.secret, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        clockTolerance: this.opts.clockToleranceSec ?? 5,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new AuthError('token_expired', 'token expired', err);
      throw new AuthError('unauthorized', 'invalid token', err);
    }
    const user = identityCodec.validate({
      username: payload.sub,
      role: payload.role,
      ...(payload.region === undefined ? {} : { region: payload.region }),
      ...(payload.unitId === undefined ? {} : { unitId: payload.unitId }),
      ...(payload.gridCellId === undefined ? {} : { gridCellId: payload.gridCellId }),
    });
    if (!user.ok) throw new AuthError('unauthorized', 'token claims are not a valid identity');
    return {
      user: user.value,
      expiresAtMs: (payload.exp as number) * 1000,
      tokenId: typeof payload.jti === 'string' ? payload.jti : '',
    };
  }
}
