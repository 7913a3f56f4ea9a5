/**
 * The whole simulated period, planned up front from the seed: every resident's indicators (with
 * the victims' fraud sequences) and the 110 incidents, in time order, with the ground truth.
 */
import type { FraudType } from '@fenghuo/contracts';
import { type CellArea, planIncidents, type TimedIncident } from './incidents.ts';
import {
  fraudSequence,
  ordinaryIndicator,
  SCENARIO_SPAN_MIN,
  SCENARIOS,
  type TimedIndicator,
} from './residents.ts';
import { Rng } from './rng.ts';

export interface PlanOptions {
  readonly seed: number;
  /** Simulated start time (epoch ms). */
  readonly startMs: number;
  readonly durationMin: number;
  readonly residents: number;
  /** Ordinary indicators per resident per day (mean). */
  readonly indicatorsPerResidentDay: number;
  /** Share of residents who are fraud victims during the period. */
  readonly victimShare: number;
  readonly incidentsPerDay: number;
  /** Prefix of event ids, unique per run (ingest dedupes ids for 24 h). */
  readonly runId: string;
}

/** One timed event to send: an indicator or an incident. */
export type PlannedEvent =
  | ({ readonly kind: 'fraud-indicators' } & TimedIndicator)
  | ({ readonly kind: 'incidents' } & TimedIncident);

export type TruthRecord =
  | {
      readonly type: 'victim';
      readonly subjectId: string;
      readonly fraudType: FraudType;
      readonly startsAt: string;
      readonly eventIds: readonly string[];
    }
  | {
      readonly type: 'incident';
      readonly incidentId: string;
      readonly category: string;
      readonly priority: number;
      readonly at: string;
    };

export interface Plan {
  readonly events: readonly PlannedEvent[];
  readonly truth: readonly TruthRecord[];
  readonly counts: { readonly indicators: number; readonly victims: number; readonly incidents: number };
}

export function residentId(n: number): string {
  return `sim-res-${String(n).padStart(6, '0')}`;
}

export function planSimulation(opts: PlanOptions, cells: readonly CellArea[]): Plan {
  const rng = new Rng(opts.seed);
  let n = 0;
  const ids = () => `${opts.runId}-${(n++).toString(36)}`;
  const durationMs = opts.durationMin * 60_000;
  const indicators: TimedIndicator[] = [];
  const truth: TruthRecord[] = [];
  const perResident = (opts.indicatorsPerResidentDay * opts.durationMin) / 1440;
  let victims = 0;
  for (let r = 0; r < opts.residents; r++) {
    const subjectId = residentId(r);
    const count = Math.floor(perResident * 2 * rng.next() + rng.next());
    for (let i = 0; i < count; i++) {
      indicators.push(
        ordinaryIndicator(rng, ids, subjectId, opts.startMs + Math.floor(rng.next() * durationMs)),
      );
    }
    if (rng.chance(opts.victimShare)) {
      const type = SCENARIOS[rng.weighted(SCENARIOS.map((s) => s.weight))]?.type ?? 'impersonation_authority';
      const spanMs = (SCENARIO_SPAN_MIN[type] ?? 60) * 60_000;
      const startMs = opts.startMs + Math.floor(rng.next() * Math.max(0, durationMs - spanMs));
      const sequence = fraudSequence(rng, ids, subjectId, type, startMs).filter(
        (e) => e.atMs < opts.startMs + durationMs,
      );
      indicators.push(...sequence);
      victims++;
      truth.push({
        type: 'victim',
        subjectId,
        fraudType: type,
        startsAt: new Date(startMs).toISOString(),
        eventIds: sequence.map((e) => e.event.eventId),
      });
    }
  }
  const incidents = planIncidents(rng, ids, cells, opts.startMs, durationMs, opts.incidentsPerDay);
  for (const i of incidents) {
    truth.push({
      type: 'incident',
      incidentId: i.event.incidentId,
      category: i.event.category,
      priority: i.event.priority,
      at: i.event.occurredAt,
    });
  }
  const events: PlannedEvent[] = [
    ...indicators.map((i) => ({ kind: 'fraud-indicators' as const, ...i })),
    ...incidents.map((i) => ({ kind: 'incidents' as const, ...i })),
  ];
  // Stable: equal times keep generation order, so a victim's steps stay in order.
  events.sort((a, b) => a.atMs - b.atMs);
  return { events, truth, counts: { indicators: indicators.length, victims, incidents: incidents.length } };
}
