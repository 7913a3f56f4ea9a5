/**
 * Express middleware for services that serve people behind the gateway (the rules service, the
 * interceptor's API): `Authorization: Bearer <token>` → `req.user`, or a 401 `ApiError` (with
 * `WWW-Authenticate`) for a missing, forged or expired token, a 403 when the role is not allowed.
 */
import type { UserIdentity, UserRole } from '@fenghuo/contracts';
import type { NextFunction, Request, Response } from 'express';
import { AuthError } from './auth-error.ts';
import type { AuthTokens } from './tokens.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in person, set by {@link requireUser}. */
    user?: UserIdentity;
  }
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export interface RequireUserOptions {
  /** Roles allowed through; others get 403. @defaultValue every role */
  readonly roles?: readonly UserRole[];
  /** Called for each refusal (e.g. to write an `access_denied` audit event). */
  readonly onRefused?: (err: AuthError, req: Request) => void;
}

/** Sends a refusal as an `ApiError` body. */
export function sendAuthError(req: Request, res: Response, err: AuthError): void {
  if (err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="fenghuo"');
  const id = (req as { id?: unknown }).id;
  res.status(err.status).json(err.toBody(id === undefined ? undefined : String(id)));
}

export function requireUser(tokens: Pick<AuthTokens, 'verify'>, opts: RequireUserOptions = {}) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const token = bearerToken(req.headers.authorization);
      if (token === undefined) {
        throw new AuthError('unauthorized', 'missing "Authorization: Bearer <token>" header');
      }
      const { user } = await tokens.verify(token);
      if (opts.roles !== undefined && !opts.roles.includes(user.role)) {
        throw new AuthError('forbidden', `role ${user.role} may not use this`);
      }
      req.user = user;
    } catch (err) {
      if (!(err instanceof AuthError)) {
        next(err);
        return;
      }
      opts.onRefused?.(err, req);
      sendAuthError(req, res, err);
      return;
    }
    next();
  };
}
