/**
 * Runs the simulated units on the simulated clock: every tick each unit moves (patrol legs, or the
 * route of its order), each phone reports its position through ingest's `/osmand` every
 * `reportEverySec` simulated seconds, and each officer's state machine answers its orders through
 * the gateway. Duty desks stay at their station and report no positions (the router offers them
 * always); they phone about their orders. Every step an officer takes goes to the ground truth.
 */
import type { LonLat, Router, Unit } from '@fenghuo/city';
import type { DispatchOrder, GeoPoint } from '@fenghuo/contracts';
import { Rng } from '../rng.ts';
import type { Enrolled } from './enrol.ts';
import { OfficerLink } from './gateway-link.ts';
import { MovingUnit } from './moving-unit.ts';
import { Officer, type OfficerAction, type OfficerTiming } from './officer.ts';
import { reportPosition } from './osmand-client.ts';

/** A ground-truth line about units and officers. */
export type UnitTruth =
  | {
      readonly type: 'unit';
      readonly unitId: string;
      readonly kind: string;
      readonly deviceId: string;
      readonly officer?: string;
    }
  | {
      readonly type: 'order-step';
      readonly at: string;
      readonly unitId: string;
      readonly orderId: string;
      readonly orderKind: string;
      readonly refId: string;
      readonly status: string;
      readonly note?: string;
      readonly ok: boolean;
    }
  | {
      readonly type: 'outcome';
      readonly at: string;
      readonly unitId: string;
      readonly alertId: string;
      readonly orderId: string;
      readonly outcome: string;
      readonly amountSaved?: number;
      readonly lossAmount?: number;
      readonly ok: boolean;
    };

export interface UnitsStats {
  positionsSent: number;
  positionsAccepted: number;
  positionsRefused: number;
  ordersSeen: number;
  acksOk: number;
  acksFailed: number;
  outcomesOk: number;
  outcomesFailed: number;
}

export interface UnitsRunnerOptions {
  readonly units: readonly { readonly unit: Unit; readonly enrolled: Enrolled }[];
  readonly router: Router;
  readonly seed: number;
  /** The simulated time now (epoch ms). */
  readonly clock: () => number;
  /** Simulated time per wall-clock time. */
  readonly speed: number;
  /** Simulated seconds between two positions of a phone. */
  readonly reportEverySec: number;
  readonly ingestUrl: string;
  /** The gateway, for the officers; none means units only patrol and report. */
  readonly gatewayUrl?: string;
  readonly timing?: OfficerTiming;
  readonly truth: (record: UnitTruth) => void;
  readonly log: (line: string) => void;
  /** Fewest wall ms between ticks (and so between two reports of a phone). @defaultValue `250` */
  readonly minTickMs?: number;
}

interface Crew {
  readonly unit: Unit;
  /** A station's duty desk: it stays at its desk, phones about its orders, reports no positions. */
  readonly desk: boolean;
  readonly enrolled: Enrolled;
  readonly moving: MovingUnit;
  readonly officer: Officer;
  link?: OfficerLink;
  /** The officer's actions go to the gateway one after another. */
  queue: Promise<void>;
  orders: Map<string, DispatchOrder>;
}

const WALK_KPH = 5;
/** Community officers get about their cell on an electric bicycle. */
const COMMUNITY = { maxKph: 15, radiusM: 600 } as const;

export class UnitsRunner {
  readonly stats: UnitsStats = {
    positionsSent: 0,
    positionsAccepted: 0,
    positionsRefused: 0,
    ordersSeen: 0,
    acksOk: 0,
    acksFailed: 0,
    outcomesOk: 0,
    outcomesFailed: 0,
  };
  private readonly crews: Crew[];
  private lastReport = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: UnitsRunnerOptions) {
    const now = opts.clock();
    this.crews = opts.units.map(({ unit, enrolled }, i) => {
      const rng = new Rng((opts.seed * 7919 + i * 104_729 + 1) >>> 0);
      const desk = unit.kind === 'duty_desk';
      return {
        unit,
        desk,
        enrolled,
        moving: new MovingUnit(unit.id, unit.position, opts.router, rng, now, {
          ...(unit.kind === 'foot' ? { maxKph: WALK_KPH, radiusM: 800 } : {}),
          ...(unit.kind === 'community_officer' ? COMMUNITY : {}),
        }),
        officer: new Officer(rng, opts.timing, { phoneOnly: desk }),
        queue: Promise.resolve(),
        orders: new Map(),
      };
    });
  }

  /** Officers log in and connect (when there is a gateway); the units' ground truth is written. */
  async connect(): Promise<void> {
    for (const c of this.crews) {
      this.opts.truth({
        type: 'unit',
        unitId: c.unit.id,
        kind: c.unit.kind,
        deviceId: c.enrolled.deviceId,
        ...(this.opts.gatewayUrl ? { officer: c.enrolled.username } : {}),
      });
    }
    const gatewayUrl = this.opts.gatewayUrl;
    if (gatewayUrl === undefined) return;
    for (const c of this.crews) {
      const link = new OfficerLink({
        gatewayUrl,
        username: c.enrolled.username,
        password: c.enrolled.password,
        onOrder: (order) => this.onOrder(c, order),
        onWarning: (m) => this.opts.log(m),
      });
      await link.open();
      c.link = link;
    }
  }

  private onOrder(c: Crew, order: DispatchOrder): void {
    if (order.unitId !== c.unit.id) return;
    if (!c.orders.has(order.orderId)) this.stats.ordersSeen++;
    c.orders.set(order.orderId, order);
    this.carryOut(c, c.officer.order(order, this.opts.clock()));
  }

  private here(c: Crew, now: number): GeoPoint {
    const f = c.moving.fix(now);
    return { lat: Math.round(f.lat * 1e6) / 1e6, lon: Math.round(f.lon * 1e6) / 1e6 };
  }

  private carryOut(c: Crew, actions: readonly OfficerAction[]): void {
    for (const a of actions) {
      const now = this.opts.clock();
      const at = new Date(now).toISOString();
      switch (a.do) {
        case 'drive': {
          const to: LonLat = [a.to.lon, a.to.lat];
          // A destination off the road network: the officer is there as soon as they set off.
          if (c.moving.driveTo(to, now) === undefined) this.carryOut(c, c.officer.arrived(now));
          break;
        }
        case 'patrol':
          c.moving.patrol(now);
          break;
        case 'ack': {
          const order = c.orders.get(a.orderId);
          const location = a.status === 'received' ? undefined : this.here(c, now);
          c.queue = c.queue.then(async () => {
            let ok = false;
            try {
              const res = await c.link?.ack({
                orderId: a.orderId,
                status: a.status,
                ...(a.note === undefined ? {} : { note: a.note }),
                ...(location === undefined ? {} : { location }),
              });
              ok = res?.ok === true;
              if (res && !res.ok)
                this.opts.log(
                  `${c.enrolled.username}: ${a.status} of ${a.orderId} refused: ${res.error.message}`,
                );
            } catch (err) {
              this.opts.log(
                `${c.enrolled.username}: ${a.status} of ${a.orderId} failed: ${(err as Error).message}`,
              );
            }
            if (ok) this.stats.acksOk++;
            else this.stats.acksFailed++;
            this.opts.truth({
              type: 'order-step',
              at,
              unitId: c.unit.id,
              orderId: a.orderId,
              orderKind: order?.kind ?? 'unknown',
              refId: order?.refId ?? '',
              status: a.status,
              ...(a.note === undefined ? {} : { note: a.note }),
              ok,
            });
          });
          break;
        }
        case 'outcome': {
          c.queue = c.queue.then(async () => {
            let ok = false;
            try {
              const res = await c.link?.outcome({
                alertId: a.alertId,
                outcome: a.outcome,
                ...(a.amountSaved === undefined ? {} : { amountSaved: a.amountSaved }),
                ...(a.lossAmount === undefined ? {} : { lossAmount: a.lossAmount }),
              });
              ok = res?.ok === true;
              if (res && !res.ok)
                this.opts.log(
                  `${c.enrolled.username}: outcome of ${a.alertId} refused: ${res.error.message}`,
                );
            } catch (err) {
              this.opts.log(
                `${c.enrolled.username}: outcome of ${a.alertId} failed: ${(err as Error).message}`,
              );
            }
            if (ok) this.stats.outcomesOk++;
            else this.stats.outcomesFailed++;
            this.opts.truth({
              type: 'outcome',
              at,
              unitId: c.unit.id,
              alertId: a.alertId,
              orderId: a.orderId,
              outcome: a.outcome,
              ...(a.amountSaved === undefined ? {} : { amountSaved: a.amountSaved }),
              ...(a.lossAmount === undefined ? {} : { lossAmount: a.lossAmount }),
              ok,
            });
          });
          break;
        }
        default: {
          const never: never = a;
          throw new Error(`unknown action ${JSON.stringify(never)}`);
        }
      }
    }
  }

  /** One step of simulated time: units move, officers act, phones report when due. */
  async tick(): Promise<void> {
    const now = this.opts.clock();
    for (const c of this.crews) {
      if (!c.desk) c.moving.tick(now);
      this.carryOut(c, c.officer.tick(now));
      if (c.officer.state.kind === 'driving' && c.moving.driving === 'order' && c.moving.arrived(now)) {
        this.carryOut(c, c.officer.arrived(now));
      }
    }
    if (now - this.lastReport < this.opts.reportEverySec * 1000) return;
    this.lastReport = now;
    const statuses = await Promise.all(
      this.crews
        .filter((c) => !c.desk)
        .map((c) => reportPosition(this.opts.ingestUrl, c.enrolled.deviceId, c.moving.fix(now), now)),
    );
    for (const s of statuses) {
      this.stats.positionsSent++;
      if (s === 200) this.stats.positionsAccepted++;
      else this.stats.positionsRefused++;
    }
  }

  /** Ticks until the simulated clock reaches `untilMs` or `stopped()` says so. */
  async run(untilMs: number, stopped: () => boolean): Promise<void> {
    const tickMs = Math.min(
      1_000,
      Math.max(this.opts.minTickMs ?? 250, (this.opts.reportEverySec * 1000) / this.opts.speed),
    );
    while (this.opts.clock() < untilMs && !stopped()) {
      const started = Date.now();
      await this.tick();
      const spent = Date.now() - started;
      if (spent < tickMs) await new Promise((r) => setTimeout(r, tickMs - spent));
    }
  }

  /** Waits for the officers' last answers, then disconnects them. */
  async close(): Promise<void> {
    await Promise.allSettled(this.crews.map((c) => c.queue));
    for (const c of this.crews) c.link?.close();
  }
}
