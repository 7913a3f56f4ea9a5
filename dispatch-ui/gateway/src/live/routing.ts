/**
 * Where each consumed event goes: the rooms that may see it (decided from the city pack and the
 * event, never from a client) and the state change it makes for snapshots. Pure: the fan-out
 * applies the changes and emits.
 */
import type {
  Alert,
  DispatchOrder,
  IncidentReport,
  InterceptionPlan,
  LivePosition,
  ServerToClientEvents,
  TimelineEvent,
  UnitPosition,
  UnitStatus,
  WatchListEntry,
} from '@fenghuo/contracts';
import type { Jurisdiction } from '../jurisdiction.ts';
import { ANALYSTS_ROOM, cellRoom, placeRooms, unitRoom, WATCHLIST_ROOM } from '../rooms.ts';
import type { StateChange } from './state-store.ts';

/** One emit: an event of the server→client map, its payload and its rooms. */
export type Broadcast = {
  [E in keyof ServerToClientEvents]: {
    readonly event: E;
    readonly payload: Parameters<ServerToClientEvents[E]>[0];
    readonly rooms: readonly string[];
  };
}[keyof ServerToClientEvents];

export interface Routed {
  readonly broadcasts: Broadcast[];
  readonly changes: StateChange[];
}

const uniq = (xs: readonly string[]) => [...new Set(xs)];

export function routeAlert(alert: Alert, j: Jurisdiction, redacted: Alert): Routed {
  const rooms = placeRooms(j, j.stationOf(alert));
  return {
    broadcasts: [
      { event: 'alert:upserted', payload: alert, rooms },
      { event: 'alert:upserted', payload: redacted, rooms: [ANALYSTS_ROOM] },
    ],
    changes: [
      { kind: 'alerts', id: alert.alertId, value: alert.status === 'open' ? alert : undefined, rooms },
    ],
  };
}

export function routeIncident(incident: IncidentReport, j: Jurisdiction): Routed {
  const cell = incident.gridCellId ?? j.cellAt(incident.location);
  const rooms = [
    ...placeRooms(j, j.stationOf({ gridCellId: cell, location: incident.location })),
    ...(cell === undefined ? [] : [cellRoom(cell)]),
  ];
  return {
    broadcasts: [{ event: 'incident:reported', payload: incident, rooms }],
    changes: [{ kind: 'incidents', id: incident.incidentId, value: incident, rooms }],
  };
}

export function routeOrder(order: DispatchOrder, j: Jurisdiction): Routed {
  const station = j.stationOf({
    ...(order.stationId === undefined ? {} : { stationId: order.stationId }),
    ...(order.gridCellId === undefined ? {} : { gridCellId: order.gridCellId }),
    location: order.destination,
  });
  const rooms = [...placeRooms(j, station), unitRoom(order.unitId)];
  return {
    broadcasts: [{ event: 'order:upserted', payload: order, rooms }],
    changes: [
      { kind: 'orders', id: order.orderId, value: order.status === 'active' ? order : undefined, rooms },
    ],
  };
}

export function routeTimeline(entry: TimelineEvent, j: Jurisdiction): Routed {
  const station = j.stationOf({
    ...(entry.stationId === undefined ? {} : { stationId: entry.stationId }),
    ...(entry.gridCellId === undefined ? {} : { gridCellId: entry.gridCellId }),
    ...('location' in entry && entry.location !== undefined ? { location: entry.location } : {}),
  });
  const unitId = 'unitId' in entry ? entry.unitId : undefined;
  const rooms = [...placeRooms(j, station), ...(unitId === undefined ? [] : [unitRoom(unitId)])];
  const changes: StateChange[] = [];
  // An incident leaves the open state when its timeline closes (incidents.reported has no close).
  if (entry.type === 'closed' && entry.refKind === 'incident') {
    changes.push({ kind: 'incidents', id: entry.refId, value: undefined, rooms: [] });
  }
  return { broadcasts: [{ event: 'timeline:appended', payload: entry, rooms }], changes };
}

/** `previous`: the plan as last stored, so units dropped by a re-plan hear that they are out of it. */
export function routePlan(
  plan: InterceptionPlan,
  j: Jurisdiction,
  previous: InterceptionPlan | undefined,
): Routed {
  const stations = [
    j.stationAt(plan.vehicleLocation),
    ...plan.checkpoints.map((c) => j.stationAt(c.location)),
  ];
  const units = plan.checkpoints.map((c) => unitRoom(c.unitId));
  const rooms = uniq([...stations.flatMap((s) => placeRooms(j, s)), ...units]);
  const dropped = (previous?.checkpoints ?? [])
    .map((c) => unitRoom(c.unitId))
    .filter((r) => !units.includes(r));
  return {
    broadcasts: [{ event: 'plan:upserted', payload: plan, rooms: uniq([...rooms, ...dropped]) }],
    changes: [
      { kind: 'plans', id: plan.pursuitId, value: plan.status === 'active' ? plan : undefined, rooms },
    ],
  };
}

/** A unit's rooms: its home station's (a unit unknown to the pack: where it is). */
export function unitPlaceRooms(
  unitId: string,
  j: Jurisdiction,
  location?: LivePosition['location'],
): string[] {
  const station = j.stationOfUnit(unitId) ?? (location === undefined ? undefined : j.stationAt(location));
  return placeRooms(j, station);
}

export function livePosition(p: UnitPosition): LivePosition {
  return {
    unitId: p.unitId,
    location: p.location,
    at: p.occurredAt,
    ...(p.speedKph === undefined ? {} : { speedKph: p.speedKph }),
    ...(p.headingDeg === undefined ? {} : { headingDeg: p.headingDeg }),
    ...(p.accuracyM === undefined ? {} : { accuracyM: p.accuracyM }),
  };
}

export function positionChange(p: LivePosition, j: Jurisdiction): StateChange {
  return { kind: 'positions', id: p.unitId, value: p, rooms: unitPlaceRooms(p.unitId, j, p.location) };
}

export function routeStatus(status: UnitStatus, j: Jurisdiction): Routed {
  const rooms = [...unitPlaceRooms(status.unitId, j), unitRoom(status.unitId)];
  return {
    broadcasts: [{ event: 'unit:status', payload: status, rooms }],
    changes: [{ kind: 'statuses', id: status.unitId, value: status, rooms }],
  };
}

export function routeWatchlist(entry: WatchListEntry): Routed {
  const rooms = [WATCHLIST_ROOM];
  return {
    broadcasts: [{ event: 'watchlist:upserted', payload: entry, rooms }],
    changes: [
      { kind: 'watchlist', id: entry.plate, value: entry.status === 'active' ? entry : undefined, rooms },
    ],
  };
}
