/**
 * Community signals on the real broker and Redis, with short deadlines from a published escalation
 * ladder: a resolved incident at risk of a complaint opens exactly one follow-up for the duty desk
 * with its reasons (also when the `incident.resolved` entry is delivered again, before and after a
 * restart), and the follow-up climbs duty desk → district → city at its deadlines across a router
 * restart; a protection order climbs officer → duty desk → district → city and reaches the city
 * before its statutory deadline's safety margin.
 */
import {
  type DispatchAck,
  type EscalationLadderSet,
  escalationLadderExample,
  type TimelineEvent,
  Topic,
} from '@fenghuo/contracts';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/setup/helpers.ts';
import { cityView } from '../src/city-view.ts';
import { type RunningRouter, startRouter } from '../src/service.ts';
import {
  defaultCity,
  findRiverCase,
  incidentReport,
  position,
  type RouterTestBed,
  routerTestBed,
  testLog,
  unitsApplied,
} from './support/harness.ts';

const ladder: EscalationLadderSet = {
  ...escalationLadderExample,
  ruleSetId: 'escalation-ladder',
  ruleSetVersion: 1,
  deadlinesSec: { ...escalationLadderExample.deadlinesSec, complaint_followup: 3, protection_order: 600 },
  ladders: {
    ...escalationLadderExample.ladders,
    protection_order: [{ rung: 'officer' }, { rung: 'duty_desk' }, { rung: 'district' }, { rung: 'city' }],
    complaint_followup: [{ rung: 'duty_desk' }, { rung: 'district' }, { rung: 'city' }],
  },
  // Urgent (priority 1): 30 s, the city by 10 s before. The normal 72 h would never climb in a test.
  statutoryClocks: { protection_order: { deadlineSec: 259_200, urgentDeadlineSec: 30, marginSec: 10 } },
};

type Entry<T extends TimelineEvent['type']> = Extract<TimelineEvent, { type: T }>;

describe('complaint follow-ups and legal clocks', () => {
  let bed: RouterTestBed;
  const routers: RunningRouter[] = [];
  const city = defaultCity();
  const view = cityView(city);

  const start = async () => {
    // Queued incidents are not retried during a test: the units stay for the ladders.
    const r = await startRouter(bed.config({ ROUTER_QUEUE_RETRY_SEC: '3600' }), testLog, { city });
    routers.push(r);
    await waitFor(() => r.ladder.current().ruleSetVersion === 1, { message: 'the published ladder applied' });
    return r;
  };

  // The river cases the tests use (6 and 7: the search goes through the first six), found before
  // any test's clock runs: seconds of synchronous route searches.
  beforeAll(() => {
    findRiverCase(city, 7);
  });

  beforeEach(async () => {
    bed = await routerTestBed('router-community');
    await bed.producer.send(Topic.RulesSets, [ladder]);
  });

  afterEach(async () => {
    await Promise.all(routers.splice(0).map((r) => r.stop()));
    await bed?.close();
  });

  const ordersOf = (refId: string) => bed.written.orders.filter((o) => o.refId === refId);
  const entries = <T extends TimelineEvent['type']>(refId: string, type: T) =>
    bed.written.timeline.filter((e): e is Entry<T> => e.refId === refId && e.type === type);
  const followUps = async (r: RunningRouter) => (await r.metrics.followUps.get()).values[0]?.value ?? 0;

  it('a resolved incident at risk opens exactly one follow-up with its reasons, which climbs the ladder across a restart', async () => {
    const c = findRiverCase(city, 6);
    const address = '幸福路 12 号 3 单元';
    const units = ['unit-041', 'unit-042', 'unit-043'];
    const r1 = await start();
    await bed.producer.send(
      Topic.UnitsPositions,
      units.map((u) => position(u, c.target)),
    );
    await unitsApplied(bed.prefix, Object.fromEntries(units.map((u) => [u, { seen: true }])));

    // The incident, then two more calls from the same address while it is handled.
    await bed.producer.send(Topic.IncidentsReported, [
      { ...incidentReport('inc-cr-1', c.target, { category: 'neighbour_dispute' }), address },
    ]);
    const order = await waitFor(() => ordersOf('inc-cr-1')[0], { timeoutMs: 30_000, message: 'order' });
    await bed.producer.send(Topic.IncidentsReported, [
      { ...incidentReport('inc-cr-0a', c.target, { category: 'disturbance', priority: 4 }), address },
      { ...incidentReport('inc-cr-0b', c.target, { category: 'disturbance', priority: 4 }), address },
    ]);
    await waitFor(() => entries('inc-cr-0b', 'raised')[0] && entries('inc-cr-0a', 'raised')[0], {
      timeoutMs: 30_000,
      message: 'the earlier calls recorded',
    });
    const completed: DispatchAck = {
      version: 1,
      eventId: `ack-${order.orderId}-completed`,
      orderId: order.orderId,
      unitId: order.unitId,
      status: 'completed',
      at: new Date().toISOString(),
      note: 'Leak between flats; the neighbours refused mediation.',
      resolution: { outcome: 'unresolved', satisfaction: 'dissatisfied' },
      actor: { username: 'sun.hao', role: 'officer', unitId: order.unitId },
    };
    await bed.producer.send(Topic.DispatchAcks, [completed]);

    const resolved = await waitFor(() => entries('inc-cr-1', 'incident.resolved')[0], {
      timeoutMs: 30_000,
      message: 'incident.resolved',
    });
    expect(resolved).toMatchObject({
      category: 'neighbour_dispute',
      outcome: 'unresolved',
      satisfaction: 'dissatisfied',
      address,
      orderId: order.orderId,
    });

    const fu = 'fu-inc-cr-1';
    const first = await waitFor(() => ordersOf(fu)[0], { timeoutMs: 30_000, message: 'the follow-up order' });
    const cell = view.cellAt(c.target);
    expect(cell).toBeDefined();
    expect(first).toMatchObject({
      rung: 'duty_desk',
      unitId: view.dutyDeskOf(cell?.stationId ?? ''),
      kind: 'incident',
    });
    expect(first.instructions).toContain('unresolved');
    // The order and its timeline entries are read from two topics: the entry may come a moment later.
    const raised = await waitFor(() => entries(fu, 'raised')[0], {
      timeoutMs: 30_000,
      message: "the follow-up's raised entry",
    });
    expect(raised).toMatchObject({ followUpOf: 'inc-cr-1', riskLevel: 'high', riskScore: 120 });
    expect(raised?.reasons).toEqual([
      '2 earlier calls from this address in 30 days',
      'A neighbour dispute: such disputes often come back',
      'The officer recorded the matter as unresolved',
      'The caller was dissatisfied with the handling',
    ]);

    // The same entry again (a redelivery): judged again, no second follow-up.
    await bed.producer.send(Topic.TimelineEvents, [resolved]);
    await waitFor(async () => (await followUps(r1)) >= 2, { timeoutMs: 30_000, message: 'judged again' });

    // A restart: the next router escalates the follow-up at its deadline (3 s a rung), and the
    // entry delivered once more opens nothing either.
    await r1.stop();
    const r2 = await start();
    await bed.producer.send(Topic.TimelineEvents, [resolved]);
    await waitFor(async () => (await followUps(r2)) >= 1, {
      timeoutMs: 30_000,
      message: 'judged after restart',
    });
    const toCity = await waitFor(() => entries(fu, 'escalated').find((e) => e.rung === 'city'), {
      timeoutMs: 60_000,
      message: 'the follow-up reached the city',
    });
    const climbed = entries(fu, 'escalated').map((e) => e.rung);
    expect(climbed).toEqual(['district', 'city']);
    // On time: each escalation at or after the deadline it missed.
    for (const e of entries(fu, 'escalated'))
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(e.deadline ?? ''));
    expect(toCity.escalationLevel).toBe(2);
    // Exactly one follow-up: one raised entry, one first order.
    expect(new Set(entries(fu, 'raised').map((e) => e.eventId)).size).toBe(1);
    expect(
      new Set(
        ordersOf(fu)
          .filter((o) => o.escalationLevel === 0)
          .map((o) => o.orderId),
      ).size,
    ).toBe(1);
  });

  it('a protection order climbs officer → duty desk → district → city before its clock runs out', async () => {
    const c = findRiverCase(city, 7);
    const cell = view.cellAt(c.target);
    if (!cell) throw new Error('no cell');
    const units = [cell.officerId, 'unit-051', 'unit-052'];
    await start();
    await bed.producer.send(
      Topic.UnitsPositions,
      units.map((u) => position(u, c.target)),
    );
    await unitsApplied(bed.prefix, Object.fromEntries(units.map((u) => [u, { seen: true }])));
    const report = incidentReport('inc-po-1', c.target, { category: 'protection_order', priority: 1 });
    await bed.producer.send(Topic.IncidentsReported, [report]);
    const statutory = Date.parse(report.occurredAt) + 30_000;
    const first = await waitFor(() => ordersOf('inc-po-1')[0], {
      timeoutMs: 30_000,
      message: 'the first order',
    });
    expect(first).toMatchObject({ rung: 'officer', unitId: cell.officerId });
    expect(Date.parse(first.statutoryDeadline ?? '')).toBe(statutory);
    const toCity = await waitFor(() => entries('inc-po-1', 'escalated').find((e) => e.rung === 'city'), {
      timeoutMs: 60_000,
      message: 'the protection order reached the city',
    });
    expect(entries('inc-po-1', 'escalated').map((e) => e.rung)).toEqual(['duty_desk', 'district', 'city']);
    // The deadline it climbed to the city at was no later than the margin before the clock.
    expect(Date.parse(toCity.deadline ?? '')).toBeLessThanOrEqual(statutory - 10_000);
    expect(Date.parse(toCity.statutoryDeadline ?? '')).toBe(statutory);
    for (const o of ordersOf('inc-po-1')) expect(o.statutoryDeadline).toBe(first.statutoryDeadline);
    const [raised] = entries('inc-po-1', 'raised');
    expect(raised?.statutoryDeadline).toBe(first.statutoryDeadline);
  });
});
