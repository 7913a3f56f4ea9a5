/**
 * The gateway's Kafka consumers (one group shared by every instance): each batch of a partition
 * this instance owns updates the live state in Redis, the figures, and then is emitted to its
 * rooms through the Socket.IO Redis Streams adapter, which reaches clients on every instance (and
 * keeps what a reconnecting client missed). Positions go through the coalescer instead.
 */
import type { Alert, InterceptionPlan, LivePosition } from '@fenghuo/contracts';
import type { ConsumedEvent, Logger, TopicHandlers } from '@fenghuo/kit';
import type { Jurisdiction } from '../jurisdiction.ts';
import { CITY_ROOM, unitRoom } from '../rooms.ts';
import type { FigureCounters } from './figures.ts';
import type { PositionCoalescer } from './position-coalescer.ts';
import { redactAlert } from './redact.ts';
import {
  type Broadcast,
  livePosition,
  positionChange,
  type Routed,
  routeAlert,
  routeIncident,
  routeOrder,
  routePlan,
  routeStatus,
  routeTimeline,
  routeWatchlist,
} from './routing.ts';
import type { StateChange, StateStore } from './state-store.ts';

export const FANOUT_TOPICS = [
  'alerts.raised',
  'incidents.reported',
  'dispatch.orders',
  'timeline.events',
  'interceptions.plans',
  'units.positions',
  'units.status',
  'vehicles.watchlist',
] as const;
export type FanoutTopic = (typeof FANOUT_TOPICS)[number];

export interface FanoutDeps {
  readonly jurisdiction: Jurisdiction;
  readonly state: StateStore;
  readonly figures: FigureCounters;
  readonly positions: PositionCoalescer;
  /** Emits one broadcast to its rooms (through the adapter). */
  readonly emit: (broadcast: Broadcast) => void;
  /** Key of the analysts' pseudonyms. */
  readonly redactKey: Uint8Array;
  /** Called with how many events of each topic went out. */
  readonly onEmitted?: (topic: FanoutTopic, count: number) => void;
  readonly logger: Logger;
}

async function deliver(
  topic: FanoutTopic,
  routed: readonly Routed[],
  deps: FanoutDeps,
  alongside?: Parameters<StateStore['apply']>[1],
): Promise<void> {
  const changes: StateChange[] = routed.flatMap((r) => r.changes);
  await deps.state.apply(changes, alongside);
  for (const r of routed) for (const b of r.broadcasts) deps.emit(b);
  deps.onEmitted?.(topic, routed.length);
}

const events = <E>(batch: readonly ConsumedEvent<E>[]) => batch.map((c) => c.event);

export function fanoutHandlers(deps: FanoutDeps): TopicHandlers<FanoutTopic> {
  const j = deps.jurisdiction;
  return {
    'alerts.raised': async (batch) => {
      const alerts = events(batch);
      const routed = alerts.map((a) => routeAlert(a, j, redactAlert(a, deps.redactKey)));
      // One round trip before the emit: the state, the figures, and the officers sent to each alert.
      const figures = deps.figures.alerts(
        alerts.map((alert, i) => ({ alert, rooms: routed[i]!.changes[0]!.rooms })),
      );
      const answers = await deps.state.apply(
        routed.flatMap((r) => r.changes),
        (pipe) => {
          deps.state.queueRefUnits(
            pipe,
            alerts.map((a) => a.alertId),
          );
          figures(pipe);
        },
      );
      alerts.forEach((_, i) => {
        const units = ((answers[i] as string[] | undefined) ?? []).map(unitRoom);
        for (const [k, b] of routed[i]!.broadcasts.entries()) {
          deps.emit(k === 0 && units.length > 0 ? ({ ...b, rooms: [...b.rooms, ...units] } as Broadcast) : b);
        }
      });
      deps.onEmitted?.('alerts.raised', alerts.length);
    },
    'incidents.reported': async (batch) => {
      const routed = events(batch).map((e) => routeIncident(e, j));
      const figures = deps.figures.incidents(
        events(batch).map((e, i) => ({
          incidentId: e.incidentId,
          rooms: regionRooms(routed[i]!.changes[0]!.rooms),
        })),
      );
      await deliver('incidents.reported', routed, deps, figures);
    },
    'dispatch.orders': async (batch) => {
      const orders = events(batch);
      await deliver(
        'dispatch.orders',
        orders.map((e) => routeOrder(e, j)),
        deps,
      );
      // An officer sent to an alert gets the alert (reason, script) and its later upgrades.
      const aboutAlerts = orders.filter((o) => o.kind === 'alert');
      const added = await deps.state.trackRefUnits(
        aboutAlerts.map((o) => ({ refId: o.refId, unitId: o.unitId, active: o.status === 'active' })),
      );
      for (const [i, o] of aboutAlerts.entries()) {
        if (!added[i]) continue;
        const alert = await deps.state.get<Alert>('alerts', CITY_ROOM, o.refId);
        if (alert) deps.emit({ event: 'alert:upserted', payload: alert, rooms: [unitRoom(o.unitId)] });
      }
    },
    'timeline.events': async (batch) => {
      const routed = events(batch).map((e) => routeTimeline(e, j));
      await deliver('timeline.events', routed, deps);
      await deps.figures.timeline(
        events(batch).map((entry, i) => ({ entry, rooms: regionRooms(routed[i]!.broadcasts[0]!.rooms) })),
      );
    },
    'interceptions.plans': async (batch) => {
      const routed: Routed[] = [];
      // One at a time: a re-plan in the same batch must see the plan before it.
      for (const plan of events(batch)) {
        const previous = await deps.state.get<InterceptionPlan>('plans', 'city', plan.pursuitId);
        const r = routePlan(plan, j, previous);
        await deps.state.apply(r.changes);
        routed.push({ broadcasts: r.broadcasts, changes: [] });
      }
      await deliver('interceptions.plans', routed, deps);
    },
    'units.positions': async (batch) => {
      const latest = new Map<string, LivePosition>();
      for (const p of events(batch)) {
        const live = livePosition(p);
        const held = latest.get(live.unitId);
        if (held === undefined || Date.parse(held.at) <= Date.parse(live.at)) latest.set(live.unitId, live);
      }
      await deps.state.apply([...latest.values()].map((p) => positionChange(p, j)));
      for (const p of latest.values()) deps.positions.offer(p);
      deps.onEmitted?.('units.positions', batch.length);
    },
    'units.status': async (batch) => {
      await deliver(
        'units.status',
        events(batch).map((e) => routeStatus(e, j)),
        deps,
      );
    },
    'vehicles.watchlist': async (batch) => {
      await deliver('vehicles.watchlist', events(batch).map(routeWatchlist), deps);
    },
  };
}

function regionRooms(rooms: readonly string[]): string[] {
  return rooms.filter((r) => r === 'city' || r.startsWith('station:') || r.startsWith('district:'));
}
