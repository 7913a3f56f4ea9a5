/**
 * Plays a plan at `speed`× through ingest: the simulated clock starts at the plan's start when
 * playing begins and advances `speed` times as fast as the wall clock; every event that is due is
 * sent, in time order, batched by kind and source. Also the load generator (`--rate N`).
 */
import type { FraudIndicator } from '@fenghuo/contracts';
import { type IngestClient, type SimEvent, type SimKind, sourceFor } from './ingest-client.ts';
import type { PlannedEvent } from './plan.ts';
import { fraudSequence, ordinaryIndicator, SCENARIOS } from './residents.ts';
import { Rng } from './rng.ts';

export interface PlayStats {
  sent: number;
  accepted: number;
  duplicates: number;
  retries: number;
  byKind: Record<SimKind, number>;
}

export interface PlayOptions {
  readonly speed: number;
  readonly startMs: number;
  readonly batchMax: number;
  /** Called about every `progressEveryMs` of wall time with the stats and the simulated time. */
  readonly onProgress?: (stats: PlayStats, simMs: number) => void;
  /** @defaultValue `10000` */
  readonly progressEveryMs?: number;
  /** Stops playing when it returns true (Ctrl-C). */
  readonly stopped?: () => boolean;
  /** @defaultValue `Date.now` */
  readonly now?: () => number;
}

function newStats(): PlayStats {
  return {
    sent: 0,
    accepted: 0,
    duplicates: 0,
    retries: 0,
    byKind: { 'fraud-indicators': 0, incidents: 0, sightings: 0 },
  };
}

/** Splits due events into requests: consecutive runs of one kind and source, at most `max` each. */
export function batches(
  events: readonly { kind: SimKind; event: SimEvent }[],
  max: number,
): { kind: SimKind; source: string; events: SimEvent[] }[] {
  const out: { kind: SimKind; source: string; events: SimEvent[] }[] = [];
  // Per (kind, source) in first-seen order: each source's events keep their time order.
  const open = new Map<string, { kind: SimKind; source: string; events: SimEvent[] }>();
  for (const e of events) {
    const source = sourceFor(e.kind, e.event);
    const k = `${e.kind}/${source}`;
    let b = open.get(k);
    if (b === undefined || b.events.length >= max) {
      b = { kind: e.kind, source, events: [] };
      open.set(k, b);
      out.push(b);
    }
    b.events.push(e.event);
  }
  return out;
}

async function sendAll(
  client: IngestClient,
  due: readonly { kind: SimKind; event: SimEvent }[],
  batchMax: number,
  stats: PlayStats,
): Promise<void> {
  for (const b of batches(due, batchMax)) {
    const r = await client.send(b.kind, b.source, b.events);
    stats.sent += b.events.length;
    stats.accepted += r.accepted;
    stats.duplicates += r.duplicates;
    stats.retries += r.retries;
    stats.byKind[b.kind] += b.events.length;
  }
}

export async function play(
  events: readonly PlannedEvent[],
  client: IngestClient,
  opts: PlayOptions,
): Promise<PlayStats> {
  const now = opts.now ?? Date.now;
  const stats = newStats();
  const wallStart = now();
  const every = opts.progressEveryMs ?? 10_000;
  let lastProgress = wallStart;
  let next = 0;
  while (next < events.length && !(opts.stopped?.() ?? false)) {
    const simNow = opts.startMs + (now() - wallStart) * opts.speed;
    let end = next;
    while (end < events.length && (events[end]?.atMs ?? Number.POSITIVE_INFINITY) <= simNow) end++;
    if (end > next) {
      await sendAll(client, events.slice(next, end), opts.batchMax, stats);
      next = end;
    } else {
      const nextAt = events[next]?.atMs ?? simNow;
      const waitMs = Math.min(250, Math.max(5, (nextAt - simNow) / opts.speed));
      await new Promise((r) => setTimeout(r, waitMs));
    }
    if (now() - lastProgress >= every) {
      lastProgress = now();
      opts.onProgress?.(stats, opts.startMs + (lastProgress - wallStart) * opts.speed);
    }
  }
  return stats;
}

export interface LoadOptions {
  readonly seed: number;
  readonly ratePerSec: number;
  readonly durationMs: number;
  readonly residents: number;
  readonly victimShare: number;
  readonly batchMax: number;
  readonly runId: string;
  readonly onProgress?: (stats: PlayStats, elapsedMs: number) => void;
  readonly stopped?: () => boolean;
}

/**
 * The load generator: `ratePerSec` indicators a second in real time (occurredAt = now), ordinary
 * ones with fraud sequences among them (their steps sent at once), sent every 100 ms.
 */
export async function generateLoad(client: IngestClient, opts: LoadOptions): Promise<PlayStats> {
  const rng = new Rng(opts.seed);
  let n = 0;
  const ids = () => `${opts.runId}-${(n++).toString(36)}`;
  const stats = newStats();
  const start = Date.now();
  let lastProgress = start;
  let owed = 0;
  let last = start;
  while (Date.now() - start < opts.durationMs && !(opts.stopped?.() ?? false)) {
    const t = Date.now();
    owed += ((t - last) / 1000) * opts.ratePerSec;
    last = t;
    const due: { kind: SimKind; event: FraudIndicator }[] = [];
    while (owed >= 1) {
      const subjectId = `load-res-${String(rng.int(0, opts.residents - 1)).padStart(6, '0')}`;
      if (rng.chance(opts.victimShare / 10)) {
        const type =
          SCENARIOS[rng.weighted(SCENARIOS.map((s) => s.weight))]?.type ?? 'impersonation_authority';
        for (const e of fraudSequence(rng, ids, subjectId, type, t)) {
          due.push({
            kind: 'fraud-indicators',
            event: { ...e.event, occurredAt: new Date(t).toISOString() },
          });
          owed--;
        }
      } else {
        due.push({ kind: 'fraud-indicators', event: ordinaryIndicator(rng, ids, subjectId, t).event });
        owed--;
      }
    }
    if (due.length > 0) await sendAll(client, due, opts.batchMax, stats);
    if (Date.now() - lastProgress >= 5_000) {
      lastProgress = Date.now();
      opts.onProgress?.(stats, lastProgress - start);
    }
    const spent = Date.now() - t;
    if (spent < 100) await new Promise((r) => setTimeout(r, 100 - spent));
  }
  return stats;
}
