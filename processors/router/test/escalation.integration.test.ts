/**
 * Escalation on the real broker and Redis, with short deadlines from a published escalation ladder
 * (hot-reloaded from `rules.sets`): a missed acknowledgement escalates at its deadline, also when
 * the router that dispatched is stopped and another one starts, and with two routers running
 * every order escalates exactly once.
 */
import {
  type EscalationLadderSet,
  escalationLadderExample,
  type TimelineEvent,
  Topic,
} from '@fenghuo/contracts';
import type { Clock } from '@fenghuo/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

/** Three seconds for a P2 at every rung. */
const shortLadder: EscalationLadderSet = {
  ...escalationLadderExample,
  ruleSetId: 'escalation-ladder',
  ruleSetVersion: 1,
  deadlinesSec: { ...escalationLadderExample.deadlinesSec, p2: 3 },
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

  const start = async (clock?: Clock) => {
    const r = await startRouter(bed.config(), testLog, { city, ...(clock ? { clock } : {}) });
    routers.push(r);
    await waitFor(() => r.ladder.current().ruleSetVersion === 1, { message: 'the published ladder applied' });
    return r;
  };

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
    expect(Date.parse(first.ackDeadline) - Date.parse(first.issuedAt)).toBe(3_000);
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
    // The second router did it.
    expect((await r2.metrics.escalations.get()).values[0]?.value).toBeGreaterThanOrEqual(1);
  });

  it('with two routers running, every missed order escalates exactly once', async () => {
    // Two instances in one group, both polling the same deadlines.
    await start();
    await start();
    const firsts = [];
    for (const [i, c] of [2, 3, 4, 5].entries()) {
      firsts.push(await dispatch(c, `inc-two-${i}`, [`unit-02${i}`, `unit-03${i}`]));
    }
    for (const [i, first] of firsts.entries()) await escalationOf(`inc-two-${i}`, first.orderId);
    // Let both pollers see every deadline again: wait until the level-1 orders have escalated too
    // (3 s later), so any second escalation of a level-0 order would have happened by now.
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
});
