/**
 * An officer's handling of orders as a state machine, pure (no sockets, no clock of its own): the
 * phone shows a new order (`received`), the officer takes it after a moment (`accepted`, then
 * `en_route` while driving the route), arrives (`on_scene`), deals with the matter for a while,
 * records the outcome of a fraud warning, and reports the order `completed`; then patrols again.
 * A fraud warning at level `notice` asks the officer to phone the resident (the router's
 * instructions), so the officer accepts it and phones: no driving, no `on_scene`, the outcome and
 * `completed` once the call is over; warnings of higher levels are visited. A station's duty desk
 * (`phoneOnly`) phones about every order it takes.
 * An order stood down, superseded or completed elsewhere ends it at once. An officer busy with an
 * order refuses another one (the router escalates a refusal at once). Times are simulated epoch ms;
 * the random draws come from the caller's seeded generator, so a seed replays the same choices.
 */
import type { AckStatus, DispatchOrder, GeoPoint, Outcome } from '@fenghuo/contracts';
import type { Rng } from '../rng.ts';

export type OfficerState =
  | { readonly kind: 'patrolling' }
  | { readonly kind: 'assigned'; readonly order: DispatchOrder; readonly acceptAt: number }
  | { readonly kind: 'driving'; readonly order: DispatchOrder }
  | { readonly kind: 'on_scene'; readonly order: DispatchOrder; readonly doneAt: number }
  | { readonly kind: 'phoning'; readonly order: DispatchOrder; readonly doneAt: number };

/** What the officer does; the runner carries it out through the gateway and the unit's path. */
export type OfficerAction =
  | { readonly do: 'ack'; readonly orderId: string; readonly status: AckStatus; readonly note?: string }
  | {
      readonly do: 'outcome';
      readonly alertId: string;
      readonly orderId: string;
      readonly outcome: Outcome;
      readonly amountSaved?: number;
      readonly lossAmount?: number;
    }
  | { readonly do: 'drive'; readonly orderId: string; readonly to: GeoPoint }
  | { readonly do: 'patrol' };

export interface OfficerTiming {
  /** Seconds from an order reaching the phone to the officer accepting it: uniform in [min, max]. */
  readonly acceptSec: readonly [number, number];
  /** Seconds on scene before the matter is dealt with. */
  readonly onSceneSec: readonly [number, number];
  /** Seconds on the phone with the resident of a `notice` warning. @defaultValue `[120, 600]` */
  readonly phoneSec?: readonly [number, number];
}

export const DEFAULT_TIMING: OfficerTiming = {
  acceptSec: [10, 60],
  onSceneSec: [300, 1_200],
  phoneSec: [120, 600],
};

/** Whether the officer phones the resident instead of visiting (a fraud warning at level notice). */
export function phonesFor(order: DispatchOrder): boolean {
  return order.kind === 'alert' && order.level === 'notice';
}

/** What comes of a fraud warning an officer follows up (shares of a made-up but plausible mix). */
const OUTCOMES: readonly { outcome: Outcome; weight: number }[] = [
  { outcome: 'dissuaded', weight: 55 },
  { outcome: 'loss_prevented', weight: 15 },
  { outcome: 'too_late', weight: 10 },
  { outcome: 'false_alarm', weight: 20 },
];

/** How an incident ends, for the `completed` note. */
const DISPOSITIONS: readonly string[] = [
  'resolved on scene',
  'report taken',
  'gone on arrival',
  'referred to the station',
  'one person detained',
  'advice given',
];

function uniform(rng: Rng, [min, max]: readonly [number, number]): number {
  return min + rng.next() * (max - min);
}

export class Officer {
  private current: OfficerState = { kind: 'patrolling' };
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly rng: Rng,
    private readonly timing: OfficerTiming = DEFAULT_TIMING,
    private readonly opts: { readonly phoneOnly?: boolean } = {},
  ) {}

  /** Whether this officer phones about `order` instead of going there. */
  private phones(order: DispatchOrder): boolean {
    return this.opts.phoneOnly === true || phonesFor(order);
  }

  get state(): OfficerState {
    return this.current;
  }

  /** The order being worked on, if any. */
  get orderId(): string | undefined {
    return this.current.kind === 'patrolling' ? undefined : this.current.order.orderId;
  }

  /** An order (or a newer revision of one) reached the phone. Older revisions are ignored. */
  order(order: DispatchOrder, nowMs: number): OfficerAction[] {
    const known = this.seen.get(order.orderId);
    if (known !== undefined && known >= order.revision) return [];
    this.seen.set(order.orderId, order.revision);
    const mine = this.orderId === order.orderId;
    if (order.status !== 'active') {
      if (!mine) return [];
      this.current = { kind: 'patrolling' };
      return [{ do: 'patrol' }];
    }
    if (mine) {
      // An upgraded warning the officer was phoning about: they go round after the call.
      if (this.current.kind === 'phoning' && !this.phones(order)) {
        this.current = { kind: 'driving', order };
        return [
          { do: 'ack', orderId: order.orderId, status: 'en_route' },
          { do: 'drive', orderId: order.orderId, to: order.destination },
        ];
      }
      // A revision of the order being worked on (an upgraded alert): a new destination is driven to.
      if (this.current.kind === 'driving') {
        this.current = { kind: 'driving', order };
        return [{ do: 'drive', orderId: order.orderId, to: order.destination }];
      }
      if (this.current.kind !== 'patrolling') this.current = { ...this.current, order };
      return [];
    }
    if (known !== undefined) return [];
    const received: OfficerAction = { do: 'ack', orderId: order.orderId, status: 'received' };
    if (this.current.kind !== 'patrolling') {
      return [
        received,
        {
          do: 'ack',
          orderId: order.orderId,
          status: 'refused',
          note: `busy with order ${this.current.order.orderId}`,
        },
      ];
    }
    this.current = {
      kind: 'assigned',
      order,
      acceptAt: nowMs + Math.round(uniform(this.rng, this.timing.acceptSec) * 1000),
    };
    return [received];
  }

  /** Time passes: accepts an order whose moment has come, or finishes on scene. */
  tick(nowMs: number): OfficerAction[] {
    const s = this.current;
    if (s.kind === 'assigned' && nowMs >= s.acceptAt && this.phones(s.order)) {
      const [min, max] = this.timing.phoneSec ?? DEFAULT_TIMING.phoneSec ?? [120, 600];
      this.current = {
        kind: 'phoning',
        order: s.order,
        doneAt: nowMs + Math.round(uniform(this.rng, [min, max]) * 1000),
      };
      const note = s.order.kind === 'alert' ? 'phoning the resident' : 'phoning the caller';
      return [{ do: 'ack', orderId: s.order.orderId, status: 'accepted', note }];
    }
    if (s.kind === 'assigned' && nowMs >= s.acceptAt) {
      this.current = { kind: 'driving', order: s.order };
      return [
        { do: 'ack', orderId: s.order.orderId, status: 'accepted' },
        { do: 'ack', orderId: s.order.orderId, status: 'en_route' },
        { do: 'drive', orderId: s.order.orderId, to: s.order.destination },
      ];
    }
    if ((s.kind === 'on_scene' || s.kind === 'phoning') && nowMs >= s.doneAt) {
      this.current = { kind: 'patrolling' };
      const out: OfficerAction[] = [];
      let note: string;
      if (s.order.kind === 'alert') {
        const outcome = OUTCOMES[this.rng.weighted(OUTCOMES.map((o) => o.weight))]?.outcome ?? 'dissuaded';
        const amount = 1_000 * this.rng.int(5, 200);
        out.push({
          do: 'outcome',
          alertId: s.order.refId,
          orderId: s.order.orderId,
          outcome,
          ...(outcome === 'loss_prevented' || outcome === 'dissuaded' ? { amountSaved: amount } : {}),
          ...(outcome === 'too_late' ? { lossAmount: amount } : {}),
        });
        note = outcome.replace('_', ' ');
      } else {
        note = this.rng.pick(DISPOSITIONS);
      }
      out.push({ do: 'ack', orderId: s.order.orderId, status: 'completed', note }, { do: 'patrol' });
      return out;
    }
    return [];
  }

  /** The unit reached the order's destination. */
  arrived(nowMs: number): OfficerAction[] {
    const s = this.current;
    if (s.kind !== 'driving') return [];
    this.current = {
      kind: 'on_scene',
      order: s.order,
      doneAt: nowMs + Math.round(uniform(this.rng, this.timing.onSceneSec) * 1000),
    };
    return [{ do: 'ack', orderId: s.order.orderId, status: 'on_scene' }];
  }
}
