/**
 * Replays a file of records through ingest's HTTP API: each record is mapped to an event, checked
 * with the same contract codec ingest uses (so rejections name the line and the field before
 * anything is sent), batched, paced to `ratePerSec`, and posted. 429 and 503 answers are retried
 * after their Retry-After; a 400 drops the events it names and resends the rest.
 */
import { basename } from 'node:path';
import type { ApiError, IngestAccepted } from '@fenghuo/contracts';
import { FenghuoError } from '@fenghuo/kit/errors';
import { codecFor, type EventKind, KIND_PATH } from '../kinds.ts';
import { type FileFormat, readRecords } from './read-records.ts';
import { createMapper, type RecordMapping } from './record-mapping.ts';

export interface ReplayOptions {
  readonly file: string;
  readonly kind: EventKind;
  readonly format: FileFormat;
  readonly mapping: RecordMapping;
  /** Ingest base URL, e.g. `http://127.0.0.1:8081`. */
  readonly url: string;
  readonly key: string;
  /** Events per second. */
  readonly ratePerSec: number;
  /** Events per request (at most ingest's limit). @defaultValue 500 */
  readonly batchSize?: number;
  /** Stop after this many records. */
  readonly limit?: number;
  /** Map and validate only; send nothing. */
  readonly dryRun?: boolean;
  /** Called after each batch. */
  readonly onProgress?: (s: ReplaySummary) => void;
}

export interface ReplaySummary {
  /** Records read from the file. */
  read: number;
  /** Events posted and answered 202. */
  sent: number;
  accepted: number;
  duplicates: number;
  /** Records that could not become a valid event (locally, or by the server). */
  rejected: number;
  /** Reason → count, e.g. `location.lat: Expected required property`. */
  readonly reasons: Map<string, number>;
  /** The first rejected records, with their number in the file. */
  readonly examples: string[];
  seconds: number;
}

/** The replay cannot go on (ingest refused the records for good, or stayed away too long). */
export class ReplayError extends FenghuoError {
  constructor(message: string, opts: { readonly retriable?: boolean; readonly cause?: unknown } = {}) {
    super(message, { code: 'REPLAY_FAILED', ...opts });
  }
}

const MAX_ATTEMPTS = 60;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function replay(opts: ReplayOptions): Promise<ReplaySummary> {
  const codec = codecFor(opts.kind);
  const mapper = createMapper(opts.kind, opts.mapping);
  const batchSize = opts.batchSize ?? 500;
  const path = KIND_PATH[opts.kind];
  const fileTag = basename(opts.file)
    .replace(/\.[^.]+$/, '')
    .replace(/[^\w.-]+/g, '_')
    .slice(0, 60);
  const summary: ReplaySummary = {
    read: 0,
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    reasons: new Map(),
    examples: [],
    seconds: 0,
  };
  const started = performance.now();
  let posted = 0;

  const reject = (n: number, reason: string) => {
    summary.rejected += 1;
    summary.reasons.set(reason, (summary.reasons.get(reason) ?? 0) + 1);
    if (summary.examples.length < 10) summary.examples.push(`record ${n}: ${reason}`);
  };

  const post = async (batch: { n: number; event: unknown }[]): Promise<void> => {
    // Pace: this batch may start once the events before it fit the rate.
    const due = started + (posted / opts.ratePerSec) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    posted += batch.length;
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) {
        throw new ReplayError(`gave up after ${MAX_ATTEMPTS} attempts`, { retriable: true });
      }
      let res: Response;
      try {
        res = await fetch(`${opts.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(pending.map((p) => p.event)),
        });
      } catch (err) {
        if (attempt === 1) process.emitWarning(`ingest unreachable (${(err as Error).message}); retrying`);
        await sleep(1_000);
        continue;
      }
      if (res.status === 202) {
        const body = (await res.json()) as IngestAccepted;
        summary.sent += pending.length;
        summary.accepted += body.accepted;
        summary.duplicates += body.duplicates;
        return;
      }
      const error = ((await res.json().catch(() => undefined)) as ApiError | undefined)?.error;
      if (res.status === 429 || res.status === 503) {
        await sleep(Number(res.headers.get('retry-after') ?? '1') * 1000);
        continue;
      }
      if (res.status === 400 && error?.details?.some((d) => d.index !== undefined)) {
        const bad = new Set<number>();
        for (const d of error.details) {
          if (d.index === undefined || bad.has(d.index)) continue;
          bad.add(d.index);
          reject(pending[d.index]!.n, `${d.path || '(event)'}: ${d.reason}`);
        }
        pending = pending.filter((_, i) => !bad.has(i));
        continue;
      }
      throw new ReplayError(
        `ingest answered ${res.status} ${error?.code ?? ''}: ${error?.message ?? res.statusText}`,
      );
    }
  };

  let batch: { n: number; event: unknown }[] = [];
  for await (const record of readRecords(opts.file, opts.format)) {
    if (opts.limit !== undefined && summary.read >= opts.limit) break;
    summary.read += 1;
    if (record.value === undefined) {
      reject(record.n, record.error ?? 'unreadable record');
      continue;
    }
    const event = mapper(record.value, `${fileTag}-${record.n}`);
    const checked = codec.validate(event, 3);
    if (!checked.ok) {
      const first = checked.errors[0];
      reject(record.n, first ? `${first.path || '(event)'}: ${first.message}` : 'invalid');
      continue;
    }
    batch.push({ n: record.n, event });
    if (batch.length >= batchSize) {
      if (!opts.dryRun) await post(batch);
      else summary.sent += batch.length;
      batch = [];
      summary.seconds = (performance.now() - started) / 1000;
      opts.onProgress?.(summary);
    }
  }
  if (batch.length > 0) {
    if (!opts.dryRun) await post(batch);
    else summary.sent += batch.length;
  }
  summary.seconds = (performance.now() - started) / 1000;
  opts.onProgress?.(summary);
  return summary;
}
