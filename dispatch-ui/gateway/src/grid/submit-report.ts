/**
 * A grid-worker report (from a cell's public QR form or a signed-in grid worker's phone) → an
 * `IncidentReport` with `channel: grid_worker` on `incidents.reported`, keyed by incident id with
 * the request id as `correlation-id`, as ingest writes incidents, so the router routes it like any
 * other. Order of the checks: the honeypot and the form token (no Redis), then the rate limits,
 * then spending the token, then the photo (sniffed, capped, stored), then Kafka; the summary counts
 * a report once Kafka has it.
 */
import { randomUUID } from 'node:crypto';
import {
  type GridReportAccepted,
  type GridReportRequest,
  type IncidentReport,
  Topic,
} from '@fenghuo/contracts';
import { correlationHeaders, type EventProducer, type Logger } from '@fenghuo/kit';
import { GatewayError } from '../http/gateway-error.ts';
import { type AttachmentStore, sniffPhoto } from './attachments.ts';
import type { CellInfo } from './cells.ts';
import type { FormTokens } from './form-token.ts';
import type { LimitVerdict, ReportLimiter } from './report-limiter.ts';
import type { ReportSummaries } from './summaries.ts';

export interface ReportDeps {
  readonly producer: Pick<EventProducer, 'send'>;
  readonly attachments: AttachmentStore;
  readonly limiter: ReportLimiter;
  readonly formTokens: FormTokens;
  readonly summaries: ReportSummaries;
  readonly logger: Logger;
  readonly now: () => number;
}

export type ReportFrom =
  | { readonly channel: 'qr'; readonly address: string }
  | { readonly channel: 'grid_worker'; readonly username: string };

export interface ReportContext {
  readonly cell: CellInfo;
  readonly from: ReportFrom;
  readonly requestId: string;
}

/** Incidents reported by grid workers and residents' QR forms are priority 3 unless raised later. */
export const GRID_REPORT_PRIORITY = 3;

function refused(verdict: Exclude<LimitVerdict, { allowed: true }>): GatewayError {
  const what =
    verdict.scope === 'address'
      ? 'too many reports from this address'
      : verdict.scope === 'cell'
        ? 'too many reports for this cell'
        : 'too many reports from this user';
  return new GatewayError(429, 'rate_limited', `${what}; try again later`, {
    retryAfterSec: verdict.retryAfterSec,
  });
}

/** The photo's bytes, checked: base64 of at most the store's cap, and a JPEG, PNG or WebP by its first bytes. */
function photoOf(base64: string, maxBytes: number) {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > maxBytes) {
    throw new GatewayError(413, 'photo_too_large', `the photo is over ${maxBytes} bytes`, {
      details: [{ path: 'photo', reason: `at most ${maxBytes} bytes` }],
    });
  }
  const type = sniffPhoto(bytes);
  if (!type) {
    throw new GatewayError(415, 'photo_type', 'the photo is not a JPEG, PNG or WebP image', {
      details: [{ path: 'photo', reason: 'expected JPEG, PNG or WebP' }],
    });
  }
  return { type, bytes };
}

/** `undefined` when the report was dropped silently (the honeypot was filled in: a bot). */
export async function submitGridReport(
  body: GridReportRequest,
  ctx: ReportContext,
  deps: ReportDeps,
): Promise<GridReportAccepted | undefined> {
  const now = deps.now();
  const { cell, from } = ctx;
  const log = deps.logger.child({ cellId: cell.id, channel: from.channel, correlationId: ctx.requestId });

  let nonce: string | undefined;
  if (from.channel === 'qr') {
    if (body.website !== undefined && body.website !== '') {
      log.warn('report dropped: the hidden field was filled in');
      return undefined;
    }
    const token = deps.formTokens.check(body.formToken, cell.id, now);
    if (!token.ok) {
      if (token.reason === 'too_fresh') {
        throw new GatewayError(429, 'form_too_fresh', 'the form was sent too soon after it was opened', {
          retryAfterSec: token.retryAfterSec,
        });
      }
      throw new GatewayError(
        400,
        'form_token_invalid',
        `form token ${token.reason.replace('_', ' ')}: reload the form`,
        {
          details: [{ path: 'formToken', reason: token.reason }],
        },
      );
    }
    nonce = token.nonce;
  }

  const verdict =
    from.channel === 'qr'
      ? await deps.limiter.publicReport(from.address, cell.id)
      : await deps.limiter.userReport(from.username);
  if (!verdict.allowed) {
    log.warn({ scope: verdict.scope }, 'report refused: rate limit');
    throw refused(verdict);
  }

  if (nonce !== undefined && !(await deps.formTokens.claim(nonce))) {
    throw new GatewayError(400, 'form_token_used', 'this form was sent already: reload it to report again', {
      details: [{ path: 'formToken', reason: 'used' }],
    });
  }

  let attachmentId: string | undefined;
  if (body.photo !== undefined) {
    const photo = photoOf(body.photo, deps.attachments.maxBytes);
    attachmentId = await deps.attachments.put({ ...photo, cellId: cell.id });
  }

  const incidentId = `gr-${randomUUID()}`;
  const at = new Date(now).toISOString();
  const report: IncidentReport = {
    version: 1,
    eventId: incidentId,
    occurredAt: at,
    receivedAt: at,
    source: (from.channel === 'qr' ? 'qr-form' : `grid-worker:${from.username}`).slice(0, 64),
    incidentId,
    channel: 'grid_worker',
    category: body.category,
    priority: GRID_REPORT_PRIORITY,
    location: body.location ?? cell.centre,
    description: body.text,
    gridCellId: cell.id,
    ...(attachmentId === undefined ? {} : { attachments: [attachmentId] }),
  };
  await deps.producer.send(Topic.IncidentsReported, [report], correlationHeaders(ctx.requestId));
  log.info({ incidentId, attachmentId, category: body.category }, 'grid report written');
  await deps.summaries
    .count(cell.id, now, body.category, from.channel)
    .catch((err: unknown) => log.error({ err, incidentId }, 'the daily summary did not count a report'));
  return { incidentId, ...(attachmentId === undefined ? {} : { attachmentId }) };
}
