/**
 * The current state a person may see, read from the live state in Redis under exactly the rooms
 * they receive live: pushed on every connection that was not resumed, and answered to
 * `snapshot:request`. Analysts get open alerts redacted; officers their active orders, the alerts
 * and plans of those orders and their unit; grid workers the open incidents of their cell.
 */
import type {
  Alert,
  DispatchOrder,
  IncidentReport,
  InterceptionPlan,
  LivePosition,
  Snapshot,
  SnapshotPart,
  UnitSnapshot,
  UnitStatus,
  UserIdentity,
  WatchListEntry,
} from '@fenghuo/contracts';
import type { Jurisdiction } from '../jurisdiction.ts';
import { CITY_ROOM, cellRoom, isRegionRoom, roomsOfUser, unitRoom, WATCHLIST_ROOM } from '../rooms.ts';
import { redactAlert } from './redact.ts';
import type { StateStore } from './state-store.ts';

export const ALL_PARTS: readonly SnapshotPart[] = [
  'alerts',
  'incidents',
  'orders',
  'units',
  'plans',
  'watchList',
];

/** A position older than this marks its unit `stale`. */
const STALE_MS = 5 * 60_000;

export interface SnapshotDeps {
  readonly state: StateStore;
  readonly jurisdiction: Jurisdiction;
  readonly redactKey: Uint8Array;
  readonly now: () => number;
}

function unitsOf(
  positions: readonly LivePosition[],
  statuses: readonly UnitStatus[],
  j: Jurisdiction,
  now: number,
): UnitSnapshot[] {
  const byId = new Map<string, UnitSnapshot>();
  const entry = (unitId: string): UnitSnapshot => {
    let u = byId.get(unitId);
    if (u === undefined) {
      const known = j.unit(unitId);
      u = known
        ? { unitId, kind: known.kind, callSign: known.callSign, stationId: known.stationId }
        : { unitId };
      byId.set(unitId, u);
    }
    return u;
  };
  for (const s of statuses) {
    Object.assign(entry(s.unitId), {
      status: s.status,
      statusAt: s.occurredAt,
      ...(s.orderId ? { orderId: s.orderId } : {}),
    });
  }
  for (const p of positions) {
    Object.assign(entry(p.unitId), { position: p, stale: now - Date.parse(p.at) > STALE_MS });
  }
  return [...byId.values()].sort((a, b) => a.unitId.localeCompare(b.unitId));
}

export async function buildSnapshot(
  user: UserIdentity,
  parts: readonly SnapshotPart[] | undefined,
  deps: SnapshotDeps,
): Promise<Snapshot> {
  const want = new Set(parts ?? ALL_PARTS);
  const now = deps.now();
  const snapshot: Snapshot = {
    at: new Date(now).toISOString(),
    ...(user.region ? { region: user.region } : {}),
  };
  const rooms = roomsOfUser(user);

  if (user.role === 'analyst' || user.role === 'admin') {
    if (want.has('alerts')) {
      const live = await deps.state.read(['alerts'], [CITY_ROOM]);
      snapshot.alerts = ((live.get('alerts') ?? []) as Alert[]).map((a) => redactAlert(a, deps.redactKey));
    }
    return snapshot;
  }

  if (user.role === 'officer' && user.unitId !== undefined) {
    const mine = [unitRoom(user.unitId)];
    const live = await deps.state.read(['orders', 'plans', 'statuses'], mine);
    const orders = (live.get('orders') ?? []) as DispatchOrder[];
    if (want.has('orders')) snapshot.orders = orders;
    if (want.has('plans')) snapshot.plans = (live.get('plans') ?? []) as InterceptionPlan[];
    if (want.has('units')) {
      const position = await deps.state.get<LivePosition>('positions', CITY_ROOM, user.unitId);
      const statuses = (live.get('statuses') ?? []) as UnitStatus[];
      snapshot.units = unitsOf(position ? [position] : [], statuses, deps.jurisdiction, now);
    }
    if (want.has('alerts')) {
      const alerts: Alert[] = [];
      for (const o of orders.filter((x) => x.kind === 'alert')) {
        const a = await deps.state.get<Alert>('alerts', CITY_ROOM, o.refId);
        if (a) alerts.push(a);
      }
      snapshot.alerts = alerts;
    }
    return snapshot;
  }

  if (user.role === 'grid_worker' && user.gridCellId !== undefined) {
    if (want.has('incidents')) {
      const live = await deps.state.read(['incidents'], [cellRoom(user.gridCellId)]);
      snapshot.incidents = (live.get('incidents') ?? []) as IncidentReport[];
    }
    return snapshot;
  }

  // Operators and supervisors: their region room (or the city).
  const region = rooms.filter(isRegionRoom);
  if (region.length === 0) return snapshot;
  const kinds = [
    ...(want.has('alerts') ? (['alerts'] as const) : []),
    ...(want.has('incidents') ? (['incidents'] as const) : []),
    ...(want.has('orders') ? (['orders'] as const) : []),
    ...(want.has('plans') ? (['plans'] as const) : []),
    ...(want.has('units') ? (['positions', 'statuses'] as const) : []),
  ];
  const live = await deps.state.read(kinds, region);
  if (want.has('alerts')) snapshot.alerts = (live.get('alerts') ?? []) as Alert[];
  if (want.has('incidents')) snapshot.incidents = (live.get('incidents') ?? []) as IncidentReport[];
  if (want.has('orders')) snapshot.orders = (live.get('orders') ?? []) as DispatchOrder[];
  if (want.has('plans')) snapshot.plans = (live.get('plans') ?? []) as InterceptionPlan[];
  if (want.has('units')) {
    snapshot.units = unitsOf(
      (live.get('positions') ?? []) as LivePosition[],
      (live.get('statuses') ?? []) as UnitStatus[],
      deps.jurisdiction,
      now,
    );
  }
  if (want.has('watchList')) {
    const list = await deps.state.read(['watchlist'], [WATCHLIST_ROOM]);
    snapshot.watchList = (list.get('watchlist') ?? []) as WatchListEntry[];
  }
  return snapshot;
}
