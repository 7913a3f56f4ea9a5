/**
 * `/api/rules/*` passes through to the rules service (`RULES_URL`, same path) for analysts and
 * admins, with the person's own token: the rules service verifies it itself with the same key
 * (`AUTH_JWT_SECRET`), so a call without a valid token is refused there too. Bodies and answers
 * are streamed both ways; a rules service that does not answer is a 502 `ApiError`.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AuthTokens } from '@fenghuo/kit';
import { AuthError, bearerToken, sendAuthError } from '@fenghuo/kit';
import type { NextFunction, Request, Response } from 'express';
import { GatewayError } from './gateway-error.ts';

const FORWARDED_REQUEST_HEADERS = [
  'content-type',
  'content-length',
  'accept',
  'accept-encoding',
  'if-none-match',
];
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

export interface RulesProxyOptions {
  readonly rulesUrl: string;
  readonly tokens: Pick<AuthTokens, 'verify'>;
  /** A refused call (401, 403), e.g. to audit `access_denied`. */
  readonly onRefused?: (err: AuthError, req: Request) => void;
  /** @defaultValue `30000` */
  readonly timeoutMs?: number;
}

export function rulesProxy(opts: RulesProxyOptions) {
  const base = new URL(opts.rulesUrl);
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = bearerToken(req.headers.authorization);
    try {
      if (token === undefined)
        throw new AuthError('unauthorized', 'missing "Authorization: Bearer <token>" header');
      const { user } = await opts.tokens.verify(token);
      if (user.role !== 'analyst' && user.role !== 'admin') {
        req.user = user;
        throw new AuthError('forbidden', 'only analysts and admins reach the rules service');
      }
      req.user = user;
    } catch (err) {
      if (!(err instanceof AuthError)) return next(err);
      opts.onRefused?.(err, req);
      return sendAuthError(req, res, err);
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'x-request-id': String(req.id),
    };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const v = req.headers[name as keyof IncomingHttpHeaders];
      if (typeof v === 'string') headers[name] = v;
    }
    const target = new URL(req.originalUrl, base);
    const upstream = send(
      target,
      { method: req.method, headers, timeout: opts.timeoutMs ?? 30_000 },
      (answer) => {
        res.status(answer.statusCode ?? 502);
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, value);
        }
        answer.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('rules service timed out')));
    upstream.on('error', (err) => {
      if (res.headersSent) return void res.destroy(err);
      next(
        new GatewayError(502, 'rules_unavailable', `the rules service at ${base.origin} did not answer`, {
          cause: err,
        }),
      );
    });
    req.pipe(upstream);
  };
}
