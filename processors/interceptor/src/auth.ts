/**
 * Who may call the dry-run API. The gateway signs people's tokens (HS256 JWTs, see
 * `LoginResponse`); the dry run checks them with {@link TokenVerifier}.
 *
 * SEAM: the kit's shared auth helper (written with the gateway) is not on main yet. Until it lands,
 * `hs256Verifier` checks the signature, expiry and claims itself with the gateway's secret
 * (`INTERCEPTOR_JWT_SECRET`); once it lands, `index.ts` passes the kit's verifier instead and this
 * file keeps only the type and the role rule.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { codec, UserIdentity, type UserRole } from '@fenghuo/contracts';

const identityCodec = codec('UserIdentity', UserIdentity);

/** Resolves the identity a bearer token carries, or undefined when the token is not valid now. */
export type TokenVerifier = (token: string) => Promise<UserIdentity | undefined>;

/** Roles that may try interception settings: analysts tune them; supervisors and admins oversee. */
export const DRY_RUN_ROLES: readonly UserRole[] = ['analyst', 'supervisor', 'admin'];

const b64url = (buf: Buffer) => buf.toString('base64url');

/**
 * Verifies `header.payload.signature` HS256 tokens: the signature with `secret`, `exp` (seconds)
 * against `now`, and the identity in the `user` claim (or `sub` + `role`).
 */
export function hs256Verifier(secret: string, now: () => number = Date.now): TokenVerifier {
  const key = Buffer.from(secret, 'utf8');
  return async (token) => {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [head, body, sig] = parts as [string, string, string];
    let header: { alg?: unknown };
    let claims: { exp?: unknown; user?: unknown; sub?: unknown; role?: unknown; region?: unknown };
    try {
      header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as typeof header;
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return undefined;
    }
    if (header.alg !== 'HS256') return undefined;
    const expected = createHmac('sha256', key).update(`${head}.${body}`).digest();
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now()) return undefined;
    const identity = claims.user ?? {
      username: claims.sub,
      role: claims.role,
      ...(claims.region ? { region: claims.region } : {}),
    };
    return identityCodec.is(identity) ? identity : undefined;
  };
}

/** A token the gateway would issue (tests, demos). */
export function signHs256(secret: string, user: UserIdentity, expiresAtMs: number): string {
  const head = b64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
  const body = b64url(
    Buffer.from(JSON.stringify({ sub: user.username, user, exp: Math.floor(expiresAtMs / 1000) })),
  );
  const sig = b64url(createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${head}.${body}`).digest());
  return `${head}.${body}.${sig}`;
}
