import { generateCity } from '@fenghuo/city';
import { examples, type InterceptionPlan, Topic } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { Jurisdiction } from '../jurisdiction.ts';
import { redactAlert } from './redact.ts';
import { routeAlert, routeOrder, routePlan } from './routing.ts';

const pack = generateCity({ name: 'routing-test' });
const j = new Jurisdiction(pack);
const cell = pack.cells.find((c) => c.stationId === 'station-01')!;
const district = pack.districts.find((d) => d.stationIds.includes('station-01'))!.id;
const ring = cell.polygon[0]!.slice(0, -1);
const lon = ring.reduce((a, v) => a + v[0], 0) / ring.length;
const lat = ring.reduce((a, v) => a + v[1], 0) / ring.length;
const key = new TextEncoder().encode('k');

describe('routing', () => {
  it("sends an alert to its cell's station, that station's district and the city; analysts get it redacted", () => {
    const alert = { ...examples[Topic.AlertsRaised], gridCellId: cell.id };
    const routed = routeAlert(alert, j, redactAlert(alert, key));
    expect(routed.broadcasts[0]!.rooms).toEqual(['city', 'station:station-01', `district:${district}`]);
    expect(routed.broadcasts[1]!.rooms).toEqual(['analysts']);
    const redacted = routed.broadcasts[1]!.payload as typeof alert;
    expect(redacted.subjectId).not.toBe(alert.subjectId);
    expect(JSON.stringify(redacted)).not.toContain(alert.subjectId);
    expect(redacted.location).toBeUndefined();
    expect(routed.changes[0]).toMatchObject({ kind: 'alerts', id: alert.alertId, value: alert });
    // A closed alert leaves the state.
    expect(routeAlert({ ...alert, status: 'closed' }, j, alert).changes[0]!.value).toBeUndefined();
  });

  it("sends an order to its station's rooms and to its unit's officer", () => {
    const order = { ...examples[Topic.DispatchOrders], stationId: 'station-01', unitId: 'unit-042' };
    expect(routeOrder(order, j).broadcasts[0]!.rooms).toEqual([
      'city',
      'station:station-01',
      `district:${district}`,
      'unit:unit-042',
    ]);
    // A station the pack does not know: the destination decides.
    const { gridCellId: _cell, ...placed } = order;
    const stray = { ...placed, stationId: 'nowhere', destination: { lat, lon } };
    expect(routeOrder(stray, j).broadcasts[0]!.rooms).toContain('station:station-01');
  });

  it('tells a unit dropped from a re-planned pursuit, and keeps it out of the state', () => {
    const base = examples[Topic.InterceptionsPlans];
    const cp = (unitId: string) => ({ ...base.checkpoints[0]!, unitId, location: { lat, lon } });
    const before: InterceptionPlan = {
      ...base,
      vehicleLocation: { lat, lon },
      checkpoints: [cp('u-a'), cp('u-b')],
    };
    const after: InterceptionPlan = { ...before, revision: 2, checkpoints: [cp('u-a')] };
    const routed = routePlan(after, j, before);
    expect(routed.broadcasts[0]!.rooms).toContain('unit:u-b');
    expect(routed.changes[0]!.rooms).not.toContain('unit:u-b');
    expect(routed.changes[0]!.rooms).toContain('unit:u-a');
  });
});
