/**
 * `POST /api/auth/login` and `POST /api/auth/refresh` as functions of their dependencies. A login
 * checks the limits, then the password (an unknown user costs a real scrypt check too, so timing
 * tells nothing), issues a token and audits the outcome; a refresh renews a still-valid token of a
 * user who is still allowed in, with the same identity as now in the users file. Both look at the
 * users file first (a stat; it is read again only when it changed), so a user just added, disabled
 * or given a new password with `npm run users` counts at once, not at the next poll.
 */
import type { LoginRequest, LoginResponse, UserIdentity } from '@fenghuo/contracts';
import { AuthError, type AuthTokens } from '@fenghuo/kit';
import { GatewayError } from '../http/gateway-error.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { decoyHash, verifyPassword } from '../users/password.ts';
import { identityOf, type UserStore } from '../users/user-store.ts';
import type { LoginLimiter } from './login-limiter.ts';
import type { PeopleWriter } from './writer.ts';

export interface LoginDeps {
  readonly users: Pick<UserStore, 'get' | 'reload'>;
  readonly tokens: AuthTokens;
  readonly limiter: LoginLimiter;
  readonly writer: PeopleWriter;
  readonly metrics: GatewayMetrics;
}

export interface RequestContext {
  readonly address: string;
  readonly requestId?: string;
}

export async function login(req: LoginRequest, ctx: RequestContext, deps: LoginDeps): Promise<LoginResponse> {
  const base = { address: ctx.address, ...(ctx.requestId ? { correlationId: ctx.requestId } : {}) };
  const limit = await deps.limiter.check(req.username, ctx.address);
  if (!limit.allowed) {
    deps.metrics.logins.inc({ result: 'rate_limited' });
    await deps.writer.audit({
      ...base,
      action: 'login_failed',
      result: 'denied',
      user: { username: req.username },
      details: { reason: 'rate_limited' },
    });
    throw new GatewayError(429, 'too_many_attempts', 'too many failed logins; try again later', {
      retryAfterSec: limit.retryAfterSec,
    });
  }
  freshUsers(deps.users);
  const record = deps.users.get(req.username);
  const ok = await verifyPassword(req.password, record?.passwordHash ?? (await decoyHash()));
  if (!ok || record === undefined) {
    await deps.limiter.failed(req.username, ctx.address);
    deps.metrics.logins.inc({ result: 'wrong_password' });
    await deps.writer.audit({
      ...base,
      action: 'login_failed',
      result: 'denied',
      user: { username: req.username },
      details: { reason: record === undefined ? 'unknown_or_disabled_user' : 'wrong_password' },
    });
    throw new GatewayError(401, 'unauthorized', 'wrong username or password');
  }
  await deps.limiter.succeeded(req.username);
  const user = identityOf(req.username, record);
  const issued = await deps.tokens.issue(user);
  // Accountability first: a login that cannot be audited is not granted.
  await deps.writer.audit({ ...base, action: 'login', result: 'ok', user });
  deps.metrics.logins.inc({ result: 'ok' });
  return { token: issued.token, expiresAt: issued.expiresAt, user };
}

export async function refresh(
  token: string | undefined,
  ctx: RequestContext,
  deps: LoginDeps,
): Promise<LoginResponse> {
  if (token === undefined)
    throw new AuthError('unauthorized', 'missing "Authorization: Bearer <token>" header');
  const { user: claimed } = await deps.tokens.verify(token);
  freshUsers(deps.users);
  const record = deps.users.get(claimed.username);
  const current: UserIdentity | undefined = record ? identityOf(claimed.username, record) : undefined;
  if (current === undefined || JSON.stringify(current) !== JSON.stringify(claimed)) {
    await deps.writer.audit({
      address: ctx.address,
      action: 'token_refresh',
      result: 'denied',
      user: claimed,
      details: { reason: current === undefined ? 'user_disabled' : 'user_changed' },
    });
    throw new AuthError('unauthorized', 'user disabled or changed: log in again');
  }
  const issued = await deps.tokens.issue(current);
  await deps.writer.audit({ address: ctx.address, action: 'token_refresh', result: 'ok', user: current });
  return { token: issued.token, expiresAt: issued.expiresAt, user: current };
}

/**
 * Re-reads the users file if it changed. A file that cannot be read now (being replaced by hand,
 * say) leaves the last good copy in use; the gateway's poll of the file reports the error.
 */
function freshUsers(users: Pick<UserStore, 'reload'>): void {
  try {
    users.reload();
  } catch {
    // the last good copy stays; see the doc comment
  }
}
