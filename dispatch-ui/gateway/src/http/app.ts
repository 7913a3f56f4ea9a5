/**
 * The gateway's HTTP application, built from its dependencies: request ids and access logs (no
 * bodies), `/healthz` `/readyz` `/metrics`, login and refresh, the rules pass-through, the console's
 * static files, and one error handler answering `ApiError` bodies.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Codecs } from '@fenghuo/contracts';
import { bearerToken, type Logger } from '@fenghuo/kit';
import express, { type Express, type Request, type Router } from 'express';
import type { LevelWithSilent } from 'pino';
import { pinoHttp } from 'pino-http';
import { type LoginDeps, login, refresh } from '../people/login.ts';
import type { PeopleWriter } from '../people/writer.ts';
import { type CityRoutesOptions, cityRoutes } from './city-routes.ts';
import { consoleRoutes } from './console-static.ts';
import { errorHandler, GatewayError } from './gateway-error.ts';
import { type ResidentContactDeps, residentContactRoutes } from './resident-contact.ts';
import { rulesProxy } from './rules-proxy.ts';

export interface AppDeps extends LoginDeps {
  readonly logger: Logger;
  readonly writer: PeopleWriter;
  /** `/healthz`, `/readyz`, `/metrics`. */
  readonly ops: Router;
  /** The city pack for `/api/city/*` (the console's basemap); without it those routes are absent. */
  readonly city?: Omit<CityRoutesOptions, 'tokens'>;
  /** The live state and the contact store behind `/api/residents/:id/contact`; without them it is absent. */
  readonly residents?: Pick<ResidentContactDeps, 'state' | 'contacts'>;
}

export interface AppOptions {
  readonly rulesUrl: string;
  readonly consoleDir: string;
  readonly trustProxy: boolean;
}

function addressOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function createApp(deps: AppDeps, opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', opts.trustProxy);

  app.use(
    pinoHttp<IncomingMessage, ServerResponse, never>({
      logger: deps.logger,
      genReqId: (req: IncomingMessage) => {
        const given = req.headers['x-request-id'];
        return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err): LevelWithSilent =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
      },
    }),
  );
  app.use((req, res, next) => {
    res.setHeader('X-Request-Id', String(req.id));
    next();
  });
  app.use(deps.ops);

  const json = express.json({ limit: '16kb', type: () => true });
  const ctxOf = (req: Request) => ({ address: addressOf(req), requestId: String(req.id) });

  app.post('/api/auth/login', json, async (req, res) => {
    const checked = Codecs.LoginRequest.validate(req.body);
    if (!checked.ok) {
      throw new GatewayError(400, 'validation_failed', 'expected {"username","password"}', {
        details: checked.errors.map((e) => ({ path: e.path, reason: e.message })),
      });
    }
    res.json(await login(checked.value, ctxOf(req), deps));
  });

  app.post('/api/auth/refresh', async (req, res) => {
    res.json(await refresh(bearerToken(req.headers.authorization), ctxOf(req), deps));
  });

  app.use(
    '/api/rules',
    rulesProxy({
      rulesUrl: opts.rulesUrl,
      tokens: deps.tokens,
      onRefused: (err, req) => {
        if (err.status !== 403 || req.user === undefined) return;
        deps.writer
          .audit({
            action: 'access_denied',
            result: 'denied',
            user: req.user,
            address: addressOf(req),
            target: { kind: 'route', id: `${req.method} /api/rules` },
            correlationId: String(req.id),
          })
          .catch((e: unknown) => req.log.error({ err: e }, 'audit of a refused rules call failed'));
      },
    }),
  );

  if (deps.city) app.use(cityRoutes({ ...deps.city, tokens: deps.tokens }));
  if (deps.residents) {
    app.use(
      residentContactRoutes(
        { ...deps.residents, tokens: deps.tokens, users: deps.users, writer: deps.writer },
        addressOf,
      ),
    );
  }

  app.use(consoleRoutes(opts.consoleDir));

  app.use((req, _res, next) => {
    next(new GatewayError(404, 'not_found', `no route ${req.method} ${req.path}`));
  });
  app.use(
    errorHandler((err, req) => {
      if (err.status >= 500) req.log?.error({ err: err.cause ?? err, code: err.code }, err.message);
    }),
  );
  return app;
}
