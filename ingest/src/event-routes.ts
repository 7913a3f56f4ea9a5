/**
 * `POST /v1/fraud-indicators | incidents | sightings | positions`: one event, a JSON array or
 * NDJSON. Authenticate → read the body (size limit) → check the signature → parse → rate limit →
 * validate every event (all or nothing) → dedupe and produce → `202 {accepted, duplicates}`.
 */
import express, { type Request, type Response, Router } from 'express';
import { authenticate } from './auth.ts';
import { parseBody } from './body-parser.ts';
import { IngestError } from './ingest-error.ts';
import { type IngestDeps, ingestEvents } from './ingest-events.ts';
import type { KeyStore } from './key-store.ts';
import { type EventKind, KIND_PATH, KIND_TOPIC } from './kinds.ts';
import type { IngestMetrics } from './metrics.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { SIGNATURE_HEADER, verifySignature } from './signature.ts';
import { validateBatch } from './validate-batch.ts';

export interface EventRouteOptions {
  readonly bodyLimitBytes: number;
  readonly maxEventsPerRequest: number;
  readonly signatureToleranceSec: number;
}

export interface EventRouteDeps extends IngestDeps {
  readonly keys: Pick<KeyStore, 'authenticate'>;
  readonly rateLimiter: RateLimiter;
  readonly metrics: IngestMetrics;
  readonly now?: () => number;
}

export const EVENT_ROUTES = KIND_PATH;

export function eventRoutes(deps: EventRouteDeps, opts: EventRouteOptions): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const raw = express.raw({ type: () => true, limit: opts.bodyLimitBytes });

  for (const [kind, path] of Object.entries(EVENT_ROUTES) as [EventKind, string][]) {
    router.post(path, authenticate(deps.keys, kind), raw, async (req: Request, res: Response) => {
      const principal = req.principal!;
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

      const signature = req.headers[SIGNATURE_HEADER];
      if (signature !== undefined || principal.requireSignature) {
        const header = Array.isArray(signature) ? signature.join(',') : (signature ?? '');
        if (header === '')
          throw new IngestError(
            401,
            'signature_required',
            `source "${principal.source}" must sign requests (X-Signature)`,
          );
        const check = verifySignature(header, principal.signingKey, body, now(), opts.signatureToleranceSec);
        if (!check.ok)
          throw new IngestError(401, 'invalid_signature', `X-Signature rejected: ${check.reason}`);
      }

      const parsed = parseBody(body, req.headers['content-type'], opts.maxEventsPerRequest);

      const limit = deps.rateLimiter.take(principal.source, parsed.items.length, now());
      if (!limit.allowed) {
        throw new IngestError(429, 'rate_limited', `source "${principal.source}" is over its rate limit`, {
          retryAfterSec: limit.retryAfterSec,
        });
      }

      const checked = validateBatch(
        kind,
        parsed.items,
        { source: principal.source, receivedAt: new Date(now()).toISOString() },
        parsed.batch,
      );
      if (!checked.ok) {
        deps.metrics.events.inc({ kind, outcome: 'rejected' }, checked.rejected);
        throw new IngestError(
          400,
          'validation_failed',
          `${checked.rejected} of ${parsed.items.length} event(s) rejected; nothing from this request was written`,
          { details: checked.errors },
        );
      }

      const result = await ingestEvents(kind, principal.source, checked.events, deps, {
        correlationId: req.id === undefined ? undefined : String(req.id),
        arrival: req.arrival,
      });
      deps.metrics.events.inc({ kind, outcome: 'accepted' }, result.accepted);
      if (result.duplicates > 0) deps.metrics.events.inc({ kind, outcome: 'duplicate' }, result.duplicates);
      req.log?.debug({ source: principal.source, topic: KIND_TOPIC[kind], ...result }, 'ingested');
      res.status(202).json(result);
    });
  }
  return router;
}
