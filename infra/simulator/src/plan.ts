/**
 * The whole simulated period, planned up front from the seed: every resident's indicators (with
 * the victims' fraud sequences) and the 110 incidents, in time order, with the ground truth.
 */
import type { Camera, Router } from '@fenghuo/city';
import type { FraudType } from '@fenghuo/contracts';
import { planFleeing, type TimedSighting } from './fleeing.ts';
import { type Home, homesRng, planHomes } from './homes.ts';
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
  /** Watch-listed vehicles fleeing past cameras per day (mean). @defaultValue `0` */
  readonly fleeingPerDay?: number;
  /**
   * Grid cells the residents live in (a neighbourhood): every indicator carries its resident's
   * home (`location`, `gridCellId`). 0: no homes, indicators carry no place. @defaultValue `0`
   */
  readonly homeCells?: number;
}

/** One timed event to send: an indicator or an incident. */
export type PlannedEvent =
  | ({ readonly kind: 'fraud-indicators' } & TimedIndicator)
  | ({ readonly kind: 'incidents' } & TimedIncident)
  | ({ readonly kind: 'sightings' } & TimedSighting);

export type TruthRecord =
  | {
      readonly type: 'victim';
      readonly subjectId: string;
      readonly fraudType: FraudType;
      /** The victim's home cell, when residents have homes. */
      readonly gridCellId?: string;
      readonly startsAt: string;
      readonly eventIds: readonly string[];
    }
  | {
      readonly type: 'incident';
      readonly incidentId: string;
      readonly category: string;
      readonly priority: number;
      readonly at: string;
    }
  | {
      readonly type: 'fleeing';
      readonly plate: string;
      readonly startsAt: string;
      readonly from: readonly [number, number];
      readonly to: readonly [number, number];
      readonly cameraIds: readonly string[];
      readonly sightingIds: readonly string[];
    };

export interface Plan {
  readonly events: readonly PlannedEvent[];
  readonly truth: readonly TruthRecord[];
  readonly counts: {
    readonly indicators: number;
    readonly victims: number;
    readonly incidents: number;
    readonly fleeing: number;
  };
  /** The watch-listed plates that flee (the supervisor puts them on the watch list first). */
  readonly plates: readonly string[];
  /** The cells the residents live in (whose community officers the simulator plays); empty without homes. */
  readonly homeCells: readonly string[];
}

export function residentId(n: number): string {
  return `sim-res-${String(n).padStart(6, '0')}`;
}

/** An indicator as sent: with its resident's home, when there is one. */
function atHome(ind: TimedIndicator, home: Home | undefined): TimedIndicator {
  if (home === undefined) return ind;
  return {
    atMs: ind.atMs,
    event: { ...ind.event, location: home.location, gridCellId: home.gridCellId },
  };
}

/**
 * The plan of the period. `roads` (the city's router and cameras) is needed for fleeing vehicles;
 * they, and the residents' homes, draw from generators of their own, so the residents and
 * incidents of a seed stay the same.
 */
export function planSimulation(
  opts: PlanOptions,
  cells: readonly CellArea[],
  roads?: { readonly router: Router; readonly cameras: readonly Camera[] },
): Plan {
  const rng = new Rng(opts.seed);
  let n = 0;
  const ids = () => `${opts.runId}-${(n++).toString(36)}`;
  const durationMs = opts.durationMin * 60_000;
  const indicators: TimedIndicator[] = [];
  const truth: TruthRecord[] = [];
  const perResident = (opts.indicatorsPerResidentDay * opts.durationMin) / 1440;
  let victims = 0;
  const homes = planHomes(homesRng(opts.seed), cells, opts.residents, opts.homeCells ?? 0);
  for (let r = 0; r < opts.residents; r++) {
    const subjectId = residentId(r);
    const home = homes.homes[r];
    const count = Math.floor(perResident * 2 * rng.next() + rng.next());
    for (let i = 0; i < count; i++) {
      indicators.push(
        atHome(
          ordinaryIndicator(rng, ids, subjectId, opts.startMs + Math.floor(rng.next() * durationMs)),
          home,
        ),
      );
    }
    if (rng.chance(opts.victimShare)) {
      const type = SCENARIOS[rng.weighted(SCENARIOS.map((s) => s.weight))]?.type ?? 'impersonation_authority';
      const spanMs = (SCENARIO_SPAN_MIN[type] ?? 60) * 60_000;
      const startMs = opts.startMs + Math.floor(rng.next() * Math.max(0, durationMs - spanMs));
      const sequence = fraudSequence(rng, ids, subjectId, type, startMs)
        .filter((e) => e.atMs < opts.startMs + durationMs)
        .map((e) => atHome(e, home));
      indicators.push(...sequence);
      victims++;
      truth.push({
        type: 'victim',
        subjectId,
        fraudType: type,
        ...(home === undefined ? {} : { gridCellId: home.gridCellId }),
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
  let f = 0;
  const fleeing =
    roads === undefined || (opts.fleeingPerDay ?? 0) <= 0
      ? []
      : planFleeing(
          new Rng((opts.seed ^ 0xf1ee) >>> 0),
          () => `${opts.runId}-f${(f++).toString(36)}`,
          roads,
          opts.startMs,
          durationMs,
          opts.fleeingPerDay ?? 0,
        );
  for (const v of fleeing) {
    truth.push({
      type: 'fleeing',
      plate: v.plate,
      startsAt: v.startsAt,
      from: v.from,
      to: v.to,
      cameraIds: v.cameraIds,
      sightingIds: v.sightings.map((s) => s.event.eventId),
    });
  }
  const events: PlannedEvent[] = [
    ...indicators.map((i) => ({ kind: 'fraud-indicators' as const, ...i })),
    ...incidents.map((i) => ({ kind: 'incidents' as const, ...i })),
    ...fleeing.flatMap((v) => v.sightings.map((s) => ({ kind: 'sightings' as const, ...s }))),
  ];
  // Stable: equal times keep generation order, so a victim's steps stay in order.
  events.sort((a, b) => a.atMs - b.atMs);
  return {
    events,
    truth,
    counts: { indicators: indicators.length, victims, incidents: incidents.length, fleeing: fleeing.length },
    plates: fleeing.map((v) => v.plate),
    homeCells: homes.cellIds,
  };
}
