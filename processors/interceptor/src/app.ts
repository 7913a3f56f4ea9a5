/**
 * The interceptor's HTTP app: the ops endpoints (`/healthz`, `/readyz`, `/metrics`) and the settings
 * dry run, `POST /api/interception/dry-run` (people reach it through the gateway). It takes its
 * dependencies, so tests run it with their own. Every error answer is an `ApiError` naming the
 * field and the reason.
 */
import { randomUUID } from 'node:crypto';
import { type ApiError, Codecs, type FieldError, type UserRole } from '@fenghuo/contracts';
import { createOpsRouter, FenghuoError, type Logger, type OpsOptions } from '@fenghuo/kit';
import { type AuthError, type AuthTokens, requireUser } from '@fenghuo/kit/auth';
import express, { type NextFunction, type Request, type Response } from 'express';
import { type DryRunDeps, runDryRun } from './dry-run.ts';

/** Roles that may try interception settings: analysts tune them; supervisors and admins oversee. */
export const DRY_RUN_ROLES: readonly UserRole[] = ['analyst', 'supervisor', 'admin'];

export interface InterceptorAppOptions {
  readonly ops: OpsOptions;
  readonly dryRun: DryRunDeps;
  /** Verifies people's tokens (the gateway's, with the shared key: the kit's auth helper). */
  readonly tokens: Pick<AuthTokens, 'verify'>;
  /** Called for each refused caller (the service audits it as `access_denied`). */
  readonly onRefused?: (err: AuthError, req: Request) => void;
  readonly logger: Logger;
  /**
   * Largest request body.
   * @defaultValue 2 MiB
   */
  readonly bodyLimitBytes?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly FieldError[],
  ) {
    super(message);
  }
}

function send(res: Response, requestId: string, err: HttpError): void {
  const body: ApiError = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: [...err.details] } : {}),
      requestId,
    },
  };
  res.status(err.status).json(body);
}

export function createInterceptorApp(opts: InterceptorAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createOpsRouter(opts.ops));
  const limit = opts.bodyLimitBytes ?? 2 * 1024 * 1024;
  const log = opts.logger.child({ component: 'dry-run-api' });

  app.post(
    '/api/interception/dry-run',
    (req: Request, res: Response, next: NextFunction) => {
      res.locals.requestId = (req.get('x-request-id') ?? randomUUID()).slice(0, 128);
      next();
    },
    // Who calls, before reading the body.
    requireUser(opts.tokens, {
      roles: DRY_RUN_ROLES,
      ...(opts.onRefused ? { onRefused: opts.onRefused } : {}),
    }),
    express.json({ limit, strict: true }),
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        if (!req.is('application/json')) {
          throw new HttpError(415, 'unsupported_media_type', 'send the request as application/json');
        }
        const decoded = Codecs.InterceptionDryRunRequest.validate(req.body);
        if (!decoded.ok) {
          throw new HttpError(
            400,
            'validation_failed',
            `${decoded.errors.length} field${decoded.errors.length === 1 ? ' is' : 's are'} invalid`,
            decoded.errors.map((e) => ({ path: e.path, reason: e.message })),
          );
        }
        const started = performance.now();
        const answer = await runDryRun(decoded.value, opts.dryRun);
        log.info(
          {
            requestId: res.locals.requestId,
            user: req.user?.username,
            items: answer.results.length,
            ms: Math.round(performance.now() - started),
          },
          'dry run',
        );
        res.json(answer);
      } catch (err) {
        next(err);
      }
    },
  );

  app.use((_req: Request, _res: Response, next: NextFunction) => {
    next(new HttpError(404, 'not_found', 'no such route'));
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = String(res.locals.requestId ?? req.get('x-request-id') ?? randomUUID());
    let mapped: HttpError;
    const e = err as { status?: number; type?: string; message?: string };
    if (err instanceof HttpError) mapped = err;
    else if (e?.type === 'entity.too.large')
      mapped = new HttpError(413, 'body_too_large', `body exceeds ${limit} bytes`);
    else if (e?.type === 'entity.parse.failed')
      mapped = new HttpError(400, 'malformed_json', `the body is not JSON: ${e.message ?? ''}`.trim());
    else if (err instanceof FenghuoError && err.code === 'SETTINGS_UNUSABLE')
      mapped = new HttpError(422, 'settings_unusable', err.message, [
        { path: 'draft.rings', reason: err.message },
      ]);
    else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
      mapped = new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
    else {
      log.error({ err, requestId }, 'dry run failed');
      mapped = new HttpError(500, 'internal', 'internal error');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (!req.readableEnded) res.setHeader('Connection', 'close');
    send(res, requestId, mapped);
  });
  return app;
}
