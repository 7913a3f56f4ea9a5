/**
 * The router's Prometheus metrics, and the figures a command centre reports: signal → dispatch,
 * dispatch → acknowledged and dispatch → on scene per priority, as histograms (this instance) and
 * as the last hour's p50/p90 for `GET /v1/summary` (every instance: the samples live in Redis).
 */
import type { DurationFigure, ResponseTimeSummary } from '@fenghuo/contracts';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Sample, SampleMetric } from './model.ts';

export interface RouterMetrics {
  readonly decisions: Counter;
  readonly duplicates: Counter;
  readonly conflicts: Counter;
  readonly republished: Counter;
  readonly escalations: Counter;
  /** Resolved incidents whose complaint risk asked for a follow-up (judged; a redelivery counts again). */
  readonly followUps: Counter;
  readonly unknownUnits: Counter;
  readonly jobs: Counter;
  readonly deadlinesHeld: Counter;
  readonly ackWaitsGivenUp: Counter;
  readonly batchSeconds: Histogram<'topic'>;
  observe(samples: readonly Sample[]): void;
}

const DURATION_BUCKETS = [0.05, 0.25, 1, 5, 15, 30, 60, 120, 180, 300, 420, 600, 900, 1800, 3600];

export function createRouterMetrics(registry: Registry): RouterMetrics {
  const histogram = (name: string, help: string) =>
    new Histogram({ name, help, labelNames: ['priority'], buckets: DURATION_BUCKETS, registers: [registry] });
  const byMetric: Record<SampleMetric, Histogram<'priority'>> = {
    signalToDispatch: histogram(
      'router_signal_to_dispatch_seconds',
      'From the signal (incident, alert) to its first order',
    ),
    dispatchToAck: histogram('router_dispatch_to_ack_seconds', "From an order to its unit's acceptance"),
    dispatchToOnScene: histogram('router_dispatch_to_on_scene_seconds', 'From an order to its unit on scene'),
  };
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  return {
    decisions: counter('router_decisions_total', 'Decisions committed'),
    duplicates: counter(
      'router_duplicates_total',
      'Inputs that changed nothing (redelivered, already applied, unknown order)',
    ),
    conflicts: counter('router_conflicts_total', 'Decisions made again after losing a compare-and-set'),
    republished: counter('router_republished_total', 'Outbox entries published again after a crash'),
    escalations: counter('router_escalations_total', 'Escalations decided'),
    followUps: counter(
      'router_complaint_followups_total',
      'Resolved incidents judged at risk of a complaint (a follow-up asked for)',
    ),
    unknownUnits: counter('router_unknown_units_total', 'Positions or statuses of units not on the roster'),
    jobs: counter('router_jobs_total', 'Due deadlines and waiting matters claimed'),
    deadlinesHeld: counter(
      'router_deadlines_held_for_acks_total',
      'Claims of a due deadline that waited for dispatch.acks to be read through it (claimed again at the next poll)',
    ),
    ackWaitsGivenUp: counter(
      'router_ack_waits_given_up_total',
      'Times deadlines escalated without waiting because the group had not read dispatch.acks up to them for ROUTER_ACK_READ_WAIT_SEC',
    ),
    batchSeconds: new Histogram({
      name: 'router_batch_seconds',
      help: 'Time to decide, commit and publish one batch',
      labelNames: ['topic'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    observe(samples) {
      for (const s of samples) byMetric[s.metric].observe({ priority: String(s.priority) }, s.seconds);
    },
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function figure(values: readonly number[]): DurationFigure {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 10) / 10);
  const p50 = round(percentile(sorted, 50));
  const p90 = round(percentile(sorted, 90));
  return {
    count: sorted.length,
    ...(p50 === undefined ? {} : { p50Sec: p50 }),
    ...(p90 === undefined ? {} : { p90Sec: p90 }),
  };
}

/** The summary body from the window's samples (priorities with no sample are left out). */
export function summarize(
  samples: ReadonlyMap<`${SampleMetric}:${number}`, readonly number[]>,
  now: number,
  windowSec: number,
): ResponseTimeSummary {
  const priorities = [1, 2, 3, 4]
    .map((priority) => {
      const of = (m: SampleMetric) => samples.get(`${m}:${priority}`) ?? [];
      return {
        priority,
        signalToDispatch: figure(of('signalToDispatch')),
        dispatchToAck: figure(of('dispatchToAck')),
        dispatchToOnScene: figure(of('dispatchToOnScene')),
      };
    })
    .filter((p) => p.signalToDispatch.count + p.dispatchToAck.count + p.dispatchToOnScene.count > 0);
  return { at: new Date(now).toISOString(), windowSec, priorities };
}
