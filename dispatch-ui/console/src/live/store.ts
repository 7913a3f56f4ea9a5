/**
 * The live state one console holds: what the gateway pushed (snapshot, then events), kept newest
 * first by revision or time exactly as the contracts say (alerts, orders and plans by `revision`,
 * positions and statuses by time). No DOM here: views subscribe to the parts they draw and are
 * told which part changed.
 */
import type {
  Alert,
  DispatchOrder,
  Figures,
  GeoPoint,
  IncidentReport,
  InterceptionPlan,
  LivePosition,
  RosterUnit,
  Snapshot,
  TimelineEvent,
  UnitKind,
  UnitState,
  UnitStatus,
  WatchListEntry,
} from '@fenghuo/contracts';

export type Part =
  | 'alerts'
  | 'incidents'
  | 'orders'
  | 'timeline'
  | 'units'
  | 'positions'
  | 'plans'
  | 'watchlist'
  | 'figures';

/** A unit as the console knows it: the roster's identity plus the latest status and position. */
export interface UnitView {
  readonly unitId: string;
  callSign?: string;
  kind?: UnitKind;
  stationId?: string;
  status?: UnitState;
  statusAt?: string;
  orderId?: string;
  position?: LivePosition;
}

/** What an upsert did: a new item, a newer revision, or nothing (an older or equal revision). */
export type UpsertResult = 'new' | 'updated' | 'stale';

const MAX_TRACK = 50;

export class LiveStore {
  readonly alerts = new Map<string, Alert>();
  readonly incidents = new Map<string, IncidentReport>();
  readonly orders = new Map<string, DispatchOrder>();
  readonly units = new Map<string, UnitView>();
  readonly plans = new Map<string, InterceptionPlan>();
  /** Where each pursuit's vehicle was seen, oldest first (one point per plan revision). */
  readonly tracks = new Map<string, GeoPoint[]>();
  readonly watchList = new Map<string, WatchListEntry>();
  private readonly timelines = new Map<string, TimelineEvent[]>();
  private readonly timelineIds = new Set<string>();
  figures: Figures | undefined;
  private readonly listeners = new Set<(parts: ReadonlySet<Part>) => void>();
  private pending = new Set<Part>();
  private scheduled = false;

  constructor(private readonly schedule: (flush: () => void) => void = queueMicrotask) {}

  /** Called with the parts that changed, at most once per scheduled flush. */
  subscribe(listener: (parts: ReadonlySet<Part>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(part: Part): void {
    this.pending.add(part);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      const parts = this.pending;
      this.pending = new Set();
      for (const l of this.listeners) l(parts);
    });
  }

  /** The pack's units, so every unit has a call sign, kind and station before it reports. */
  setRoster(units: readonly RosterUnit[]): void {
    for (const u of units) {
      const view = this.unit(u.unitId);
      view.callSign = u.callSign;
      view.kind = u.kind;
      view.stationId = u.stationId;
    }
    this.changed('units');
  }

  private unit(unitId: string): UnitView {
    let view = this.units.get(unitId);
    if (!view) {
      view = { unitId };
      this.units.set(unitId, view);
    }
    return view;
  }

  /**
   * The whole state after a reconnect the gateway could not resume: open matters not in it are
   * gone (closed while we were away); units keep their roster identity.
   */
  applySnapshot(s: Snapshot): void {
    if (s.alerts) {
      this.alerts.clear();
      for (const a of s.alerts) this.alerts.set(a.alertId, a);
      this.changed('alerts');
    }
    if (s.incidents) {
      this.incidents.clear();
      for (const i of s.incidents) this.incidents.set(i.incidentId, i);
      this.changed('incidents');
    }
    if (s.orders) {
      // Finished orders stay for the officer's history; active ones are replaced by the snapshot.
      for (const [id, o] of this.orders) if (o.status === 'active') this.orders.delete(id);
      for (const o of s.orders) this.upsertOrder(o);
      this.changed('orders');
    }
    if (s.units) {
      for (const u of s.units) {
        const view = this.unit(u.unitId);
        if (u.kind) view.kind = u.kind;
        if (u.callSign) view.callSign = u.callSign;
        if (u.stationId) view.stationId = u.stationId;
        if (u.status) view.status = u.status;
        if (u.statusAt) view.statusAt = u.statusAt;
        view.orderId = u.orderId;
        if (u.position) view.position = u.position;
      }
      this.changed('units');
      this.changed('positions');
    }
    if (s.plans) {
      this.plans.clear();
      for (const p of s.plans) this.upsertPlan(p);
      this.changed('plans');
    }
    if (s.watchList) {
      this.watchList.clear();
      for (const w of s.watchList) this.watchList.set(w.plate, w);
      this.changed('watchlist');
    }
  }

  upsertAlert(a: Alert): UpsertResult {
    const old = this.alerts.get(a.alertId);
    if (old && old.revision >= a.revision && !(old.status === 'open' && a.status === 'closed'))
      return 'stale';
    this.alerts.set(a.alertId, a);
    this.changed('alerts');
    return old ? 'updated' : 'new';
  }

  addIncident(i: IncidentReport): UpsertResult {
    const had = this.incidents.has(i.incidentId);
    this.incidents.set(i.incidentId, i);
    this.changed('incidents');
    return had ? 'updated' : 'new';
  }

  upsertOrder(o: DispatchOrder): UpsertResult {
    const old = this.orders.get(o.orderId);
    if (old && old.revision >= o.revision) return 'stale';
    this.orders.set(o.orderId, o);
    const view = this.unit(o.unitId);
    if (o.status === 'active') view.orderId = o.orderId;
    else if (view.orderId === o.orderId) view.orderId = undefined;
    this.changed('orders');
    return old ? 'updated' : 'new';
  }

  appendTimeline(e: TimelineEvent): boolean {
    if (this.timelineIds.has(e.eventId)) return false;
    this.timelineIds.add(e.eventId);
    const list = this.timelines.get(e.refId) ?? [];
    list.push(e);
    // Kept in time order; entries of one matter arrive in order, so this is almost always a no-op.
    list.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
    this.timelines.set(e.refId, list);
    this.changed('timeline');
    return true;
  }

  timeline(refId: string): readonly TimelineEvent[] {
    return this.timelines.get(refId) ?? [];
  }

  /** Every matter's timeline entries (supervisors look across them). */
  allTimelines(): ReadonlyMap<string, readonly TimelineEvent[]> {
    return this.timelines;
  }

  upsertPlan(p: InterceptionPlan): UpsertResult {
    const old = this.plans.get(p.pursuitId);
    if (old && old.revision >= p.revision) return 'stale';
    this.plans.set(p.pursuitId, p);
    const track = this.tracks.get(p.pursuitId) ?? [];
    const last = track[track.length - 1];
    if (!last || last.lat !== p.vehicleLocation.lat || last.lon !== p.vehicleLocation.lon) {
      track.push(p.vehicleLocation);
      if (track.length > MAX_TRACK) track.shift();
    }
    this.tracks.set(p.pursuitId, track);
    this.changed('plans');
    return old ? 'updated' : 'new';
  }

  setStatus(s: UnitStatus): void {
    const view = this.unit(s.unitId);
    if (view.statusAt !== undefined && view.statusAt > s.occurredAt) return;
    view.status = s.status;
    view.statusAt = s.occurredAt;
    if (s.unitKind) view.kind = s.unitKind;
    if (s.orderId !== undefined) view.orderId = s.orderId;
    this.changed('units');
  }

  /** Newest position of each unit; an older one (a late emit) is ignored. */
  setPositions(list: readonly LivePosition[]): LivePosition[] {
    const moved: LivePosition[] = [];
    for (const p of list) {
      const view = this.unit(p.unitId);
      if (view.position !== undefined && view.position.at > p.at) continue;
      view.position = p;
      moved.push(p);
    }
    if (moved.length > 0) this.changed('positions');
    return moved;
  }

  upsertWatch(w: WatchListEntry): void {
    this.watchList.set(w.plate, w);
    this.changed('watchlist');
  }

  setFigures(f: Figures): void {
    this.figures = f;
    this.changed('figures');
  }

  /** Open alerts, most severe first, then oldest first (the queue's order). */
  openAlerts(): Alert[] {
    return sortQueue([...this.alerts.values()].filter((a) => a.status === 'open'));
  }

  /** Orders of one matter, newest first. */
  ordersOf(refId: string): DispatchOrder[] {
    return [...this.orders.values()]
      .filter((o) => o.refId === refId)
      .sort((a, b) => (a.issuedAt < b.issuedAt ? 1 : -1));
  }
}

const RANK = { urgent: 0, warning: 1, notice: 2 } as const;

/** The alert queue's order: level (urgent first), then age (the longest waiting first). */
export function sortQueue(alerts: Alert[]): Alert[] {
  return alerts.sort(
    (a, b) =>
      RANK[a.level] - RANK[b.level] || (a.raisedAt < b.raisedAt ? -1 : a.raisedAt > b.raisedAt ? 1 : 0),
  );
}
