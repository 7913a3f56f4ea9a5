import { type Alert, type DispatchOrder, examples, type TimelineEvent, Topic } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { LiveStore, type Part, sortQueue } from './store.ts';

const alert = (
  id: string,
  level: Alert['level'],
  raisedAt: string,
  revision = 1,
  status: Alert['status'] = 'open',
): Alert => ({
  ...examples[Topic.AlertsRaised],
  alertId: id,
  level,
  raisedAt,
  revision,
  status,
});

/** A store that flushes when told, so a test sees each batch of changes. */
function store() {
  let pending: (() => void) | undefined;
  const s = new LiveStore((flush) => {
    pending = flush;
  });
  const seen: Part[][] = [];
  s.subscribe((parts) => seen.push([...parts].sort()));
  return { s, seen, flush: () => pending?.() };
}

describe('the live store', () => {
  it('keeps the highest revision of an alert, and a close of an open one', () => {
    const { s } = store();
    expect(s.upsertAlert(alert('a1', 'notice', '2026-01-01T00:00:00Z', 2))).toBe('new');
    expect(s.upsertAlert(alert('a1', 'urgent', '2026-01-01T00:00:00Z', 1))).toBe('stale');
    expect(s.alerts.get('a1')?.level).toBe('notice');
    expect(s.upsertAlert(alert('a1', 'warning', '2026-01-01T00:00:00Z', 3))).toBe('updated');
    expect(s.upsertAlert(alert('a1', 'warning', '2026-01-01T00:00:00Z', 3, 'closed'))).toBe('updated');
    expect(s.openAlerts()).toEqual([]);
  });

  it('orders the queue by level, then the longest waiting first', () => {
    const q = sortQueue([
      alert('n-old', 'notice', '2026-01-01T00:00:00Z'),
      alert('u-new', 'urgent', '2026-01-01T00:05:00Z'),
      alert('w', 'warning', '2026-01-01T00:01:00Z'),
      alert('u-old', 'urgent', '2026-01-01T00:02:00Z'),
    ]);
    expect(q.map((a) => a.alertId)).toEqual(['u-old', 'u-new', 'w', 'n-old']);
  });

  it('tells subscribers which parts changed, once per flush', () => {
    const { s, seen, flush } = store();
    s.upsertAlert(alert('a1', 'notice', '2026-01-01T00:00:00Z'));
    s.setPositions([{ unitId: 'u1', location: { lat: 30, lon: 120 }, at: '2026-01-01T00:00:01Z' }]);
    s.upsertAlert(alert('a2', 'notice', '2026-01-01T00:00:00Z'));
    flush();
    expect(seen).toEqual([['alerts', 'positions']]);
  });

  it('ignores an older position and an older status of a unit', () => {
    const { s } = store();
    s.setPositions([{ unitId: 'u1', location: { lat: 30, lon: 120 }, at: '2026-01-01T00:00:05Z' }]);
    expect(
      s.setPositions([{ unitId: 'u1', location: { lat: 31, lon: 121 }, at: '2026-01-01T00:00:01Z' }]),
    ).toEqual([]);
    expect(s.units.get('u1')?.position?.location.lat).toBe(30);
    const status = { ...examples[Topic.UnitsStatus], unitId: 'u1' };
    s.setStatus({ ...status, status: 'en_route', occurredAt: '2026-01-01T00:00:05Z' });
    s.setStatus({ ...status, status: 'available', occurredAt: '2026-01-01T00:00:01Z' });
    expect(s.units.get('u1')?.status).toBe('en_route');
  });

  it('keeps each timeline entry once, in time order', () => {
    const { s } = store();
    const e = (id: string, at: string): TimelineEvent => ({
      version: 1,
      type: 'on_scene',
      eventId: id,
      refKind: 'alert',
      refId: 'a1',
      at,
      orderId: 'o1',
      unitId: 'u1',
    });
    expect(s.appendTimeline(e('x2', '2026-01-01T00:02:00Z'))).toBe(true);
    expect(s.appendTimeline(e('x1', '2026-01-01T00:01:00Z'))).toBe(true);
    expect(s.appendTimeline(e('x2', '2026-01-01T00:02:00Z'))).toBe(false);
    expect(s.timeline('a1').map((t) => t.eventId)).toEqual(['x1', 'x2']);
  });

  it("tracks a unit's active order, and forgets it when the order ends", () => {
    const { s } = store();
    const o: DispatchOrder = {
      ...examples[Topic.DispatchOrders],
      orderId: 'o1',
      unitId: 'u1',
      revision: 1,
      status: 'active',
    };
    s.upsertOrder(o);
    expect(s.units.get('u1')?.orderId).toBe('o1');
    s.upsertOrder({ ...o, revision: 2, status: 'completed' });
    expect(s.units.get('u1')?.orderId).toBeUndefined();
    expect(s.ordersOf(o.refId)).toHaveLength(1);
  });

  it('replaces open matters with a snapshot, keeping units known from the roster', () => {
    const { s } = store();
    s.setRoster([
      {
        unitId: 'u1',
        callSign: 'P-1',
        kind: 'patrol_car',
        stationId: 'st',
        homeId: 'p',
        home: { lat: 30, lon: 120 },
      },
    ]);
    s.upsertAlert(alert('gone', 'notice', '2026-01-01T00:00:00Z'));
    s.applySnapshot({
      at: '2026-01-01T00:10:00Z',
      alerts: [alert('kept', 'urgent', '2026-01-01T00:09:00Z')],
      units: [{ unitId: 'u1', status: 'busy' }],
    });
    expect([...s.alerts.keys()]).toEqual(['kept']);
    expect(s.units.get('u1')).toMatchObject({ callSign: 'P-1', status: 'busy' });
  });

  it("draws a pursuit's track from its plans' vehicle locations", () => {
    const { s } = store();
    const plan = examples[Topic.InterceptionsPlans];
    s.upsertPlan({ ...plan, revision: 1, vehicleLocation: { lat: 30, lon: 120 } });
    s.upsertPlan({ ...plan, revision: 2, vehicleLocation: { lat: 30.01, lon: 120 } });
    s.upsertPlan({ ...plan, revision: 2, vehicleLocation: { lat: 31, lon: 121 } });
    expect(s.tracks.get(plan.pursuitId)).toEqual([
      { lat: 30, lon: 120 },
      { lat: 30.01, lon: 120 },
    ]);
  });
});
