/**
 * The ingest HTTP application, built from its dependencies so tests can pass real or fake ones:
 * request ids and access logs (pino-http, no bodies), latency metrics, the event routes, the
 * OsmAnd route, the ops routes and one error handler producing `ApiError` bodies.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessLogger } from '@fenghuo/kit';
import express, { type Express, type Router } from 'express';
import type { LevelWithSilent, Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { EventGate } from './event-gate.ts';
import { eventRoutes } from './event-routes.ts';
import { errorHandler } from './http-errors.ts';
import { unavailable } from './ingest-error.ts';
import { type IngestDeps, type RequestArrival, shedError } from './ingest-events.ts';
import type { KeyStore } from './key-store.ts';
import type { IngestMetrics } from './metrics.ts';
import { osmandRoutes } from './osmand-route.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface AppOptions {
  /**
   * Requests being worked on at once; beyond this ingest answers 503 `overloaded` at once, so an
   * overload shows up as quick refusals instead of ever-growing latency.
   */
  readonly maxInFlightRequests: number;
  readonly bodyLimitBytes: number;
  readonly maxEventsPerRequest: number;
  readonly signatureToleranceSec: number;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set when the request is taken: when, and how many others were in progress. */
    arrival?: RequestArrival;
  }
}

export interface AppDeps extends IngestDeps {
  /** The event gate: it also decides, on arrival, whether the request would wait past its budget. */
  readonly gate: IngestDeps['gate'] & Pick<EventGate, 'admit'>;
  readonly logger: Logger;
  readonly keys: Pick<KeyStore, 'authenticate' | 'unitOfDevice'>;
  /** Per source, counted in events. */
  readonly sourceLimiter: RateLimiter;
  /** Per phone, counted in positions. */
  readonly deviceLimiter: RateLimiter;
  readonly metrics: IngestMetrics;
  /** `/healthz`, `/readyz`, `/metrics` (from `@fenghuo/kit`'s `createOpsRouter`). */
  readonly ops?: Router;
  readonly now?: () => number;
}

/**
 * The access log's level for an answered request: errors and 5xx at error, 4xx at warn, the rest at
 * info, except accepted position reports. Every phone reports every few seconds (1,000 units make
 * about 100 a second), so a line for each would bury everything else; they are counted in
 * `ingest_request_duration_seconds` and logged at debug, and a refused one still at warn.
 */
export function accessLogLevel(url: string, status: number, failed: boolean): LevelWithSilent {
  if (failed || status >= 500) return 'error';
  if (status >= 400) return 'warn';
  const path = url.split('?')[0];
  return path === '/osmand' || path === '/v1/positions' ? 'debug' : 'info';
}

function routeLabel(req: express.Request): string {
  const path = req.path;
  if (path.startsWith('/v1/') || path === '/osmand') return path;
  return 'other';
}

export function createApp(deps: AppDeps, opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(
    pinoHttp<IncomingMessage, ServerResponse, never>({
      // The serializers below keep requests and responses small: redaction looks inside errors only.
      logger: accessLogger(deps.logger),
      genReqId: (req: IncomingMessage) => {
        const given = req.headers['x-request-id'];
        return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
      },
      // Positions and events are personal data: log who and where, never bodies or query strings.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (req, res, err): LevelWithSilent =>
        accessLogLevel(req.url ?? '', res.statusCode, err !== undefined),
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
      },
    }),
  );
  app.use((req, res, next) => {
    res.setHeader('X-Request-Id', String(req.id));
    const end = deps.metrics.latency.startTimer();
    res.once('finish', () => end({ route: routeLabel(req), status: String(res.statusCode) }));
    next();
  });

  if (deps.ops) app.use(deps.ops);
  let inFlight = 0;
  app.use((req, res, next) => {
    if (inFlight >= opts.maxInFlightRequests) {
      next(
        unavailable(
          'overloaded',
          `ingest is at its limit of ${opts.maxInFlightRequests} requests in progress; retry shortly`,
        ),
      );
      return;
    }
    // Shed early: the requests in progress and the gate's queue would keep this one past the budget.
    const refused = deps.gate.admit(inFlight);
    if (refused) {
      next(shedError(refused));
      return;
    }
    req.arrival = { at: performance.now(), inProgress: inFlight };
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
    });
    next();
  });
  app.use(
    eventRoutes(
      { ...deps, rateLimiter: deps.sourceLimiter },
      {
        bodyLimitBytes: opts.bodyLimitBytes,
        maxEventsPerRequest: opts.maxEventsPerRequest,
        signatureToleranceSec: opts.signatureToleranceSec,
      },
    ),
  );
  app.use(
    osmandRoutes({ ...deps, rateLimiter: deps.deviceLimiter }, { bodyLimitBytes: opts.bodyLimitBytes }),
  );

  app.use((req, _res, next) => {
    next(Object.assign(new Error(`no route ${req.method} ${req.path}`), { status: 404 }));
  });
  app.use(
    errorHandler(opts.bodyLimitBytes, (err, req) => {
      deps.metrics.rejected.inc({ route: routeLabel(req), code: err.code });
      if (err.status >= 500) req.log?.error({ err: err.cause ?? err, code: err.code }, err.message);
    }),
  );
  return app;
}
