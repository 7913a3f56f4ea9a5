/**
 * The router on the real broker and Redis, in the generated default city: an incident goes to the
 * unit with the lowest drive time, not the nearest by air (the river with its bridges, the one-way
 * core); stale units are skipped; a fraud warning reaches the officer of its cell and an upgraded
 * revision updates that same order; redelivered and replayed input never dispatches twice.
 */
import { type Alert, Codecs, type DispatchOrder, examples, Topic } from '@fenghuo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupCommittedToEnd, readAll, waitFor } from '../../../test/setup/helpers.ts';
import { type RunningRouter, startRouter } from '../src/service.ts';
import {
  defaultCity,
  findRiverCase,
  incidentReport,
  offDuty,
  position,
  type RouterTestBed,
  routerTestBed,
  testLog,
  unitsApplied,
} from './support/harness.ts';

describe('router decisions on the real broker and Redis', () => {
  let bed: RouterTestBed;
  let router: RunningRouter | undefined;
  const city = defaultCity();

  beforeAll(async () => {
    bed = await routerTestBed('router-routing');
    router = await startRouter(bed.config(), testLog, { city });
  });

  afterAll(async () => {
    await router?.stop();
    await bed?.close();
  });

  const ordersOf = (refId: string) => bed.written.orders.filter((o) => o.refId === refId);

  it('sends the unit with the lowest drive time, not the nearest by air', async () => {
    const c = findRiverCase(city);
    // The case is what it claims: nearer by air, slower by road.
    expect(c.airM.near).toBeLessThan(c.airM.fast);
    expect(c.driveS.fast).toBeLessThan(c.driveS.near);
    await bed.producer.send(Topic.UnitsPositions, [
      position('unit-001', c.nearByAir),
      position('unit-002', c.fastByRoad),
    ]);
    await unitsApplied(bed.prefix, { 'unit-001': { seen: true }, 'unit-002': { seen: true } });
    await bed.producer.send(Topic.IncidentsReported, [incidentReport('inc-river', c.target)]);
    const order = await waitFor(() => ordersOf('inc-river')[0], { timeoutMs: 30_000, message: 'an order' });
    expect(order.unitId).toBe('unit-002');
    expect(order.candidates?.map((x) => x.unitId)).toEqual(['unit-002', 'unit-001']);
    const [fast, near] = order.candidates ?? [];
    expect(fast?.etaSec).toBeLessThan(near?.etaSec ?? 0);
    expect(order.etaSec).toBe(fast?.etaSec);
    // Drive times from the road network, close to the reference search's.
    expect(fast?.etaSec).toBeCloseTo(c.driveS.fast, -1);
    expect(near?.etaSec).toBeCloseTo(c.driveS.near, -1);
    const timeline = await waitFor(
      () => {
        const t = bed.written.timeline.filter((e) => e.refId === 'inc-river');
        return t.length >= 2 ? t : undefined;
      },
      { message: 'timeline' },
    );
    expect(timeline.map((e) => e.type)).toEqual(['raised', 'dispatched']);
    await waitFor(
      () => bed.written.statuses.find((s) => s.unitId === 'unit-002' && s.status === 'dispatched'),
      {
        message: 'unit-002 dispatched on units.status',
      },
    );
    // audit.events is read by the same test consumer as the other topics, in no fixed order.
    await waitFor(
      () => bed.written.audits.some((a) => a.action === 'dispatch' && a.target?.id === order.orderId),
      { message: `the dispatch of ${order.orderId} on audit.events` },
    );
  });

  it('skips a unit whose phone has not reported for ROUTER_STALE_AFTER_SEC', async () => {
    const c = findRiverCase(city, 1);
    // The first test's free unit goes off duty, so only this test's units are candidates.
    await bed.producer.send(Topic.UnitsStatus, [offDuty('unit-001')]);
    // unit-003 stands at the fast spot but last reported 10 minutes ago; unit-004 is slower but fresh.
    await bed.producer.send(Topic.UnitsPositions, [
      position('unit-003', c.fastByRoad, 600),
      position('unit-004', c.nearByAir),
    ]);
    await unitsApplied(bed.prefix, {
      'unit-001': { status: 'off_duty' },
      'unit-003': { seen: true },
      'unit-004': { seen: true },
    });
    await bed.producer.send(Topic.IncidentsReported, [incidentReport('inc-stale', c.target)]);
    const order = await waitFor(() => ordersOf('inc-stale')[0], { timeoutMs: 30_000, message: 'an order' });
    expect(order.unitId).toBe('unit-004');
    expect(order.candidates?.map((x) => x.unitId)).not.toContain('unit-003');
  });

  it('sends a fraud warning to the officer of its cell; an upgraded revision updates that order', async () => {
    const cell = city.pack.cells[123];
    if (!cell) throw new Error('no cell 123');
    const officer = city.officerOf(cell.id);
    if (!officer) throw new Error('no officer');
    const where = { lon: officer.position[0], lat: officer.position[1] };
    expect(city.cellAt(officer.position)?.id).toBe(cell.id);
    await bed.producer.send(Topic.UnitsPositions, [position(officer.id, where)]);
    await unitsApplied(bed.prefix, { [officer.id]: { seen: true } });
    const base = examples[Topic.AlertsRaised];
    const alert = (revision: number, level: Alert['level']): Alert => ({
      ...base,
      alertId: 'al-itest-1',
      subjectId: 'res-itest-1',
      revision,
      level,
      location: where,
      gridCellId: undefined,
      officerId: undefined,
      updatedAt: new Date().toISOString(),
    });
    await bed.producer.send(Topic.AlertsRaised, [alert(1, 'warning')]);
    const first = await waitFor(() => ordersOf('al-itest-1')[0], { timeoutMs: 30_000, message: 'order' });
    expect(first).toMatchObject({ unitId: officer.id, kind: 'alert', level: 'warning', gridCellId: cell.id });
    expect(first.stationId).toBe(cell.stationId);
    await bed.producer.send(Topic.AlertsRaised, [alert(2, 'urgent')]);
    const second = await waitFor(() => ordersOf('al-itest-1').find((o) => o.revision === 2), {
      message: 'revision 2 of the order',
    });
    expect(second).toMatchObject({ orderId: first.orderId, level: 'urgent', priority: 1 });
    expect(Date.parse(second.ackDeadline)).toBeLessThanOrEqual(Date.parse(first.ackDeadline));
    expect(new Set(ordersOf('al-itest-1').map((o) => o.orderId))).toEqual(new Set([first.orderId]));
  });

  it('never dispatches twice for a redelivered or replayed input', async () => {
    const c = findRiverCase(city, 2);
    await bed.producer.send(Topic.UnitsPositions, [
      position('unit-005', c.fastByRoad),
      position('unit-006', c.nearByAir),
      position('unit-007', c.target),
    ]);
    await unitsApplied(bed.prefix, {
      'unit-005': { seen: true },
      'unit-006': { seen: true },
      'unit-007': { seen: true },
    });
    const report = incidentReport('inc-dup', c.target);
    // The same incident three times (a source retrying past ingest's dedupe window).
    await bed.producer.send(Topic.IncidentsReported, [report, { ...report, eventId: 'again-1' }]);
    await bed.producer.send(Topic.IncidentsReported, [{ ...report, eventId: 'again-2' }]);
    await waitFor(() => ordersOf('inc-dup')[0], { timeoutMs: 30_000, message: 'an order' });

    // Replay everything from the start: stop the router, rewind its group, start again.
    await router?.stop();
    const admin = bed.kafka.admin();
    await admin.connect();
    try {
      for (const topic of [Topic.IncidentsReported, Topic.AlertsRaised, Topic.UnitsPositions]) {
        await admin.resetOffsets({
          groupId: `${bed.prefix}router`,
          topic: `${bed.prefix}${topic}`,
          earliest: true,
        });
      }
    } finally {
      await admin.disconnect();
    }
    const before = bed.written.orders.length;
    router = await startRouter(bed.config(), testLog, { city });
    // A marker incident after the replay: once its order is out, the replay has been decided.
    await bed.producer.send(Topic.IncidentsReported, [incidentReport('inc-marker', c.target)]);
    await waitFor(() => ordersOf('inc-marker')[0], { timeoutMs: 30_000, message: 'the marker order' });
    // The marker can sit on another partition than a replayed input, so its order alone does not
    // mean the replay was decided: wait until the group has committed every replayed input (the
    // router publishes a decision before it commits its input), then count the orders on the topic
    // itself, which the live reader may not have caught up with.
    const replayedTopics = [Topic.IncidentsReported, Topic.AlertsRaised, Topic.UnitsPositions];
    for (const topic of replayedTopics)
      await groupCommittedToEnd(bed.kafka, `${bed.prefix}router`, `${bed.prefix}${topic}`);
    const stored = (await readAll(bed.kafka, `${bed.prefix}${Topic.DispatchOrders}`)).map(
      (m) => JSON.parse(m.value ?? 'null') as DispatchOrder,
    );
    expect(stored.filter((o) => o.refId !== 'inc-marker')).toHaveLength(before);
    const replayed = bed.written.orders.slice(before).filter((o) => o.refId !== 'inc-marker');
    expect(replayed).toEqual([]);
    const dupOrders = ordersOf('inc-dup');
    expect(dupOrders).toHaveLength(1);
    expect(bed.written.timeline.filter((e) => e.refId === 'inc-dup' && e.type === 'raised')).toHaveLength(1);
  });

  it('reports response times per priority on GET /v1/summary', async () => {
    const address = router?.opsServer?.address();
    if (!address || typeof address === 'string') throw new Error('no ops server');
    const res = await fetch(`http://127.0.0.1:${address.port}/v1/summary`);
    expect(res.status).toBe(200);
    const body = Codecs.ResponseTimeSummary.decode(Buffer.from(await res.arrayBuffer()));
    expect(body.ok).toBe(true);
    if (!body.ok) return;
    const p2 = body.value.priorities.find((p) => p.priority === 2);
    expect(p2?.signalToDispatch.count).toBeGreaterThanOrEqual(3);
    expect(p2?.signalToDispatch.p50Sec).toBeGreaterThanOrEqual(0);
  });
});
