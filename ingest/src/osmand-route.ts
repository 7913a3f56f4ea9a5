/**
 * `GET|POST /osmand`: positions from officers' phones (Traccar Client, OsmAnd protocol). The device
 * id is the credential (as in Traccar): it must be registered to a unit (`npm run keys -- device add`).
 * Answers a plain 200 on success, like a Traccar server.
 */
import express, { type Request, type Response, Router } from 'express';
import { isJson } from './body-parser.ts';
import { IngestError } from './ingest-error.ts';
import { type IngestDeps, ingestEvents } from './ingest-events.ts';
import type { KeyStore } from './key-store.ts';
import type { IngestMetrics } from './metrics.ts';
import { type PhoneReportResult, parseOsmAndParams, parseTraccarJson, toUnitPosition } from './osmand.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { validateBatch } from './validate-batch.ts';

/** The `source` stamped on phone positions. */
export const OSMAND_SOURCE = 'osmand';

export interface OsmAndRouteDeps extends IngestDeps {
  readonly keys: Pick<KeyStore, 'unitOfDevice'>;
  readonly rateLimiter: RateLimiter;
  readonly metrics: IngestMetrics;
  readonly now?: () => number;
}

function firstValues(query: Request['query']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(query)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

export function osmandRoutes(deps: OsmAndRouteDeps, opts: { readonly bodyLimitBytes: number }): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const raw = express.raw({ type: () => true, limit: opts.bodyLimitBytes });

  const handle = async (req: Request, res: Response) => {
    const at = new Date(now());
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const query = firstValues(req.query);
    let result: PhoneReportResult;
    if (Object.keys(query).length > 0 || body.length === 0) {
      result = parseOsmAndParams(query, at);
    } else if (isJson(req.headers['content-type'])) {
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch (err) {
        throw new IngestError(400, 'invalid_json', 'body is not valid JSON', {
          details: [{ path: '', reason: (err as Error).message }],
        });
      }
      result = parseTraccarJson(json, at);
    } else {
      // Form body (application/x-www-form-urlencoded), as Traccar reads it when the URL has no query.
      result = parseOsmAndParams(Object.fromEntries(new URLSearchParams(body.toString('utf8'))), at);
    }
    if (!result.ok) {
      throw new IngestError(400, 'validation_failed', 'position rejected', { details: result.errors });
    }
    const unitId = deps.keys.unitOfDevice(result.report.deviceId);
    if (unitId === undefined) {
      throw new IngestError(401, 'unknown_device', 'device id is not registered to a unit');
    }
    const limit = deps.rateLimiter.take(`${OSMAND_SOURCE}:${result.report.deviceId}`, 1, at.getTime());
    if (!limit.allowed) {
      throw new IngestError(429, 'rate_limited', 'this device reports too often', {
        retryAfterSec: limit.retryAfterSec,
      });
    }
    const checked = validateBatch(
      'positions',
      [toUnitPosition(result.report, unitId)],
      { source: OSMAND_SOURCE, receivedAt: at.toISOString() },
      false,
    );
    if (!checked.ok) {
      deps.metrics.events.inc({ kind: 'positions', outcome: 'rejected' });
      throw new IngestError(400, 'validation_failed', 'position rejected', { details: checked.errors });
    }
    const out = await ingestEvents('positions', OSMAND_SOURCE, checked.events, deps, {
      correlationId: req.id === undefined ? undefined : String(req.id),
      arrival: req.arrival,
    });
    deps.metrics.events.inc({ kind: 'positions', outcome: out.accepted > 0 ? 'accepted' : 'duplicate' });
    res.status(200).end();
  };

  router.get('/osmand', handle);
  router.post('/osmand', raw, handle);
  return router;
}
