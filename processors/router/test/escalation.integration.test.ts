/**
 * Escalation on the real broker and Redis, with short deadlines from a published escalation ladder
 * (hot-reloaded from `rules.sets`): a missed acknowledgement escalates at its deadline, also when
 * the router that dispatched is stopped and another one starts, and with two routers running
 * every order escalates exactly once; an acceptance given in time but read late (another member
 * of the router group held its partition past the deadline) is not overtaken by the deadline.
 */
import {
  type DispatchAck,
  type EscalationLadderSet,
  escalationLadderExample,
  type TimelineEvent,
  Topic,
} from '@fenghuo/contracts';
import type { Clock } from '@fenghuo/kit';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/setup/helpers.ts';
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

/**
 * One second for a P2 at every rung (the shortest a ladder allows): no test here answers an order
 * before its deadline on the router's clock (the late acceptance is given while that clock stands
 * still), so a longer deadline would only be waited out, once per escalation, by every test.
 */
const shortLadder: EscalationLadderSet = {
  ...escalationLadderExample,
  ruleSetId: 'escalation-ladder',
  ruleSetVersion: 1,
  deadlinesSec: { ...escalationLadderExample.deadlinesSec, p2: 1 },
  ladders: {
    alert: [{ rung: 'officer' }, { rung: 'duty_desk' }, { rung: 'patrol' }],
    incident: [{ rung: 'patrol' }, { rung: 'patrol' }, { rung: 'district' }, { rung: 'city' }],
    interception: [{ rung: 'patrol' }],
  },
};

describe('escalation of missed acknowledgements', () => {
  // Each test has its own topics, group and Redis state: an escalation chain of one test (orders
  // superseded free their units) must not hand units to the next.
  let bed: RouterTestBed;
  const routers: RunningRouter[] = [];
  const city = defaultCity();

  const start = async (clock?: Clock, env?: Record<string, string>) => {
    const r = await startRouter(bed.config(env), testLog, { city, ...(clock ? { clock } : {}) });
    routers.push(r);
    await waitFor(() => r.ladder.current().ruleSetVersion === 1, { message: 'the published ladder applied' });
    return r;
  };

  // The eight river cases the tests use, found before any router runs: the search is seconds of
  // synchronous work that would stall a running router (its heartbeats, its deadline poller) in
  // this process, and count against a test's time.
  beforeAll(() => {
    findRiverCase(city, 7);
  });

  beforeEach(async () => {
    bed = await routerTestBed('router-escalation');
    await bed.producer.send(Topic.RulesSets, [shortLadder]);
  });

  afterEach(async () => {
    await Promise.all(routers.splice(0).map((r) => r.stop()));
    await bed?.close();
  });

  const ordersOf = (refId: string) => bed.written.orders.filter((o) => o.refId === refId);
  const escalatedOf = (orderId: string) =>
    bed.written.timeline.filter(
      (e): e is Extract<TimelineEvent, { type: 'escalated' }> =>
        e.type === 'escalated' && e.orderId === orderId,
    );

  /** Two fresh units around a river case, then an incident there; resolves with its first order. */
  async function dispatch(caseIndex: number, incidentId: string, units: [string, string]) {
    const c = findRiverCase(city, caseIndex);
    await bed.producer.send(Topic.UnitsPositions, [
      position(units[0], c.fastByRoad),
      position(units[1], c.nearByAir),
    ]);
    await unitsApplied(bed.prefix, { [units[0]]: { seen: true }, [units[1]]: { seen: true } });
    await bed.producer.send(Topic.IncidentsReported, [incidentReport(incidentId, c.target)]);
    return waitFor(() => ordersOf(incidentId)[0], { timeoutMs: 30_000, message: `order for ${incidentId}` });
  }

  async function escalationOf(incidentId: string, orderId: string) {
    return waitFor(() => ordersOf(incidentId).find((o) => o.supersedes === orderId && o.revision === 1), {
      timeoutMs: 30_000,
      message: `escalation of ${orderId}`,
    });
  }

  it('escalates to the next unit at the deadline when nobody accepts', async () => {
    const r1 = await start();
    const first = await dispatch(0, 'inc-esc-1', ['unit-011', 'unit-012']);
    expect(first.unitId).toBe('unit-011');
    expect(Date.parse(first.ackDeadline) - Date.parse(first.issuedAt)).toBe(1_000);
    const next = await escalationOf('inc-esc-1', first.orderId);
    expect(next).toMatchObject({ unitId: 'unit-012', escalationLevel: 1, status: 'active', rung: 'patrol' });
    const [escalated] = await waitFor(() => {
      const e = escalatedOf(first.orderId);
      return e.length > 0 ? e : undefined;
    });
    expect(escalated).toMatchObject({
      reason: 'no_ack',
      escalationLevel: 1,
      rung: 'patrol',
      refId: 'inc-esc-1',
    });
    // On time: not before the deadline.
    expect(Date.parse(escalated?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(first.ackDeadline));
    const superseded = await waitFor(() =>
      ordersOf('inc-esc-1').find((o) => o.orderId === first.orderId && o.status === 'superseded'),
    );
    expect(superseded.revision).toBe(2);
    await waitFor(
      () => bed.written.audits.find((a) => a.action === 'escalation' && a.target?.id === first.orderId),
      {
        message: 'the escalation audited',
      },
    );
    await r1.stop();
  });

  it('escalates across a router restart: the deadline is kept in Redis, not in memory', async () => {
    // The first router's clock stands still, so it cannot be the one that escalates.
    const frozenAt = Date.now();
    const r1 = await start({ now: () => frozenAt });
    const first = await dispatch(1, 'inc-esc-2', ['unit-013', 'unit-014']);
    await r1.stop();
    expect((await r1.metrics.escalations.get()).values[0]?.value ?? 0).toBe(0);
    const r2 = await start();
    const next = await escalationOf('inc-esc-2', first.orderId);
    expect(next).toMatchObject({ unitId: 'unit-014', escalationLevel: 1 });
    // The second router did it. It counts a poll's escalations once the poll has finished, after
    // they were published: the order can be read before the count is up.
    await waitFor(async () => ((await r2.metrics.escalations.get()).values[0]?.value ?? 0) >= 1, {
      message: 'the second router counted the escalation',
    });
  });

  it('with two routers running, every missed order escalates exactly once', async () => {
    // Two instances in one group, both polling the same deadlines. Started together: each one's
    // joining its groups makes the other rejoin, which they then do at once.
    await Promise.all([start(), start()]);
    const firsts = [];
    for (const [i, c] of [2, 3, 4, 5].entries()) {
      firsts.push(await dispatch(c, `inc-two-${i}`, [`unit-02${i}`, `unit-03${i}`]));
    }
    for (const [i, first] of firsts.entries()) await escalationOf(`inc-two-${i}`, first.orderId);
    // Let both pollers see every deadline again: wait until the level-1 orders have escalated too
    // (a deadline later), so any second escalation of a level-0 order would have happened by now.
    for (const [i, first] of firsts.entries()) {
      const next = ordersOf(`inc-two-${i}`).find((o) => o.supersedes === first.orderId);
      if (!next) throw new Error('no level-1 order');
      await waitFor(() => escalatedOf(next.orderId).length > 0, {
        timeoutMs: 30_000,
        message: `escalation of ${next.orderId}`,
      });
    }
    for (const [i, first] of firsts.entries()) {
      const replacing = ordersOf(`inc-two-${i}`).filter(
        (o) => o.supersedes === first.orderId && o.revision === 1,
      );
      expect(new Set(replacing.map((o) => o.orderId)).size, `inc-two-${i}`).toBe(1);
      expect(new Set(escalatedOf(first.orderId).map((e) => e.eventId)).size).toBe(1);
    }
  });

  it('an acceptance given in time but unread at the deadline is not overtaken by it', async () => {
    // The running router's clock stands still until the answer is on the topic, so it escalates
    // nothing early. Another member of the router group hangs (a plain consumer that does not
    // finish its batch and never commits) on the partition that holds the officer's acceptance:
    // the deadline comes due while the answer is on Kafka but unread. Once the router has held the
    // due deadlines for it, the hung member leaves the group (without committing) and its
    // partitions come to the router, which reads the answer only then. (Waiting for the hung
    // member's session to run out instead would add at least its 6 s, and more on a slow machine,
    // to the same hand-over.)
    let frozen = true;
    const frozenAt = Date.now();
    const r = await start({ now: () => (frozen ? frozenAt : Date.now()) });
    const answered = await dispatch(6, 'inc-late-1', ['unit-041', 'unit-042']);
    const unanswered = await dispatch(7, 'inc-late-2', ['unit-043', 'unit-044']);

    const acks = `${bed.prefix}${Topic.DispatchAcks}`;
    const hung = bed.kafka.consumer({
      groupId: `${bed.prefix}router`,
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
    });
    const raw = bed.kafka.producer();
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held: number[] | undefined;
    let holding = false;
    hung.on(hung.events.GROUP_JOIN, (e) => {
      held = e.payload.memberAssignment[acks];
    });
    try {
      await hung.connect();
      await hung.subscribe({ topics: [acks], fromBeginning: true });
      await hung.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch }) => {
          if (batch.messages.some((m) => m.value?.toString().includes(answered.orderId))) holding = true;
          await released;
        },
      });
      const [partition] = await waitFor(() => (held?.length ? held : undefined), {
        timeoutMs: 30_000,
        message: 'the hung member holds a partition of dispatch.acks',
      });
      const accepted: DispatchAck = {
        version: 1,
        eventId: `ack-${answered.orderId}-accepted`,
        orderId: answered.orderId,
        unitId: answered.unitId,
        status: 'accepted',
        at: new Date(Date.parse(answered.ackDeadline) - 1_000).toISOString(),
        actor: { username: 'li.na', role: 'officer', unitId: answered.unitId },
      };
      await raw.connect();
      await raw.send({
        topic: acks,
        messages: [{ key: answered.unitId, value: JSON.stringify(accepted), partition }],
      });
      await waitFor(() => holding, { timeoutMs: 30_000, message: 'the hung member holds the acceptance' });
      const lastDeadline = Math.max(Date.parse(answered.ackDeadline), Date.parse(unanswered.ackDeadline));
      await waitFor(() => Date.now() > lastDeadline, { message: 'both deadlines passed' });
      frozen = false;
      // The router waits for the unread answer: the deadlines are due and held.
      await waitFor(async () => ((await r.metrics.deadlinesHeld.get()).values[0]?.value ?? 0) > 0, {
        timeoutMs: 30_000,
        message: 'the router holding the due deadlines for dispatch.acks',
      });
      release();
      await hung.disconnect();

      // The unanswered order escalates once every answer up to its deadline, on every partition of
      // dispatch.acks, has been read: the acceptance among them, which stops the other.
      const next = await escalationOf('inc-late-2', unanswered.orderId);
      await waitFor(
        () => bed.written.timeline.find((e) => e.type === 'acknowledged' && e.orderId === answered.orderId),
        { timeoutMs: 30_000, message: 'the late-read acceptance on the timeline' },
      );
      // Anything decided with the first escalation has been read once its successor escalated too.
      await waitFor(() => escalatedOf(next.orderId).length > 0, {
        timeoutMs: 30_000,
        message: `escalation of ${next.orderId}`,
      });
      expect(escalatedOf(answered.orderId)).toEqual([]);
      expect(ordersOf('inc-late-1').filter((o) => o.supersedes === answered.orderId)).toEqual([]);
      // Counted once each poll has finished, after its escalations were published.
      await waitFor(async () => ((await r.metrics.escalations.get()).values[0]?.value ?? 0) >= 2, {
        message: 'the router counted both escalations',
      });
      // It waited (held above) and did not give up waiting.
      expect((await r.metrics.ackWaitsGivenUp.get()).values[0]?.value ?? 0).toBe(0);
    } finally {
      release();
      await hung.disconnect().catch(() => undefined);
      await raw.disconnect().catch(() => undefined);
    }
  });
});
