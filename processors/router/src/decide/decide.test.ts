import {
  type Alert,
  type DispatchAck,
  examples,
  type InterceptionPlan,
  type OperatorCommand,
  Topic,
} from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { FakeWorld, HERE, T0 } from '../../test/support/fake-world.ts';
import type { Decision, Matter } from '../model.ts';
import { decideAck } from './ack.ts';
import { decideAlert } from './alert.ts';
import { decideCommand } from './command.ts';
import { decideFollowUp } from './followup.ts';
import { decideIncident, type IncidentInput } from './incident.ts';
import { decideDeadline, decideRetry } from './job.ts';
import { decideOutcome } from './outcome.ts';
import { decidePlan } from './plan.ts';

const baseAlert = examples[Topic.AlertsRaised];

function alert(revision: number, level: Alert['level'], status: Alert['status'] = 'open'): Alert {
  return {
    ...baseAlert,
    alertId: 'al-1',
    revision,
    level,
    status,
    location: HERE,
    gridCellId: undefined,
    officerId: undefined,
    raisedAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
  } as Alert;
}

function incident(category: IncidentInput['category'], priority = 2, id = 'inc-1'): IncidentInput {
  return {
    incidentId: id,
    category,
    priority,
    location: HERE,
    occurredAt: T0 - 5_000,
    address: '人民路 88 号',
  };
}

function ack(orderId: string, unitId: string, status: DispatchAck['status'], at: number): DispatchAck {
  return {
    version: 1,
    eventId: `ack-${orderId}-${status}`,
    orderId,
    unitId,
    status,
    at: new Date(at).toISOString(),
    actor: { username: 'wang.wei', role: 'officer', unitId },
  };
}

function command(body: OperatorCommand['command'], id = 'cmd-1'): OperatorCommand {
  return {
    version: 1,
    commandId: id,
    issuedAt: new Date(T0).toISOString(),
    user: { username: 'li.na', role: 'operator' },
    command: body,
  };
}

const types = (d: Decision | undefined) => d?.outputs.timeline.map((e) => e.type);

describe('fraud warnings', () => {
  it('go to the officer of the cell; an upgrade revises the same order with a sooner deadline', () => {
    const w = new FakeWorld();
    const d1 = decideAlert(w.ctx(), undefined, alert(1, 'notice'), 'req-1');
    let m = w.apply(d1);
    const order = d1?.outputs.orders[0];
    expect(order).toMatchObject({
      orderId: 'ord-al-1-off-1',
      unitId: 'off-1',
      kind: 'alert',
      level: 'notice',
      revision: 1,
      rung: 'officer',
      gridCellId: 'cell-1',
      stationId: 's1',
      escalationLevel: 0,
      ackDeadline: new Date(T0 + 900_000).toISOString(),
    });
    expect(order?.instructions).toContain('Phone the resident');
    expect(types(d1)).toEqual(['raised', 'dispatched']);
    expect(d1?.deadlines.set).toEqual([['ord-al-1-off-1', T0 + 900_000]]);
    expect(d1?.outputs.statuses).toMatchObject([{ unitId: 'off-1', status: 'dispatched', source: 'router' }]);
    expect(d1?.outputs.audits.map((a) => a.action)).toEqual(['dispatch']);
    expect(d1?.samples).toEqual([{ metric: 'signalToDispatch', priority: 3, seconds: 0, id: 'al-1' }]);

    w.now += 60_000;
    const d2 = decideAlert(w.ctx(), m, alert(2, 'urgent'), 'req-2');
    m = w.apply(d2);
    expect(d2?.outputs.orders).toHaveLength(1);
    expect(d2?.outputs.orders[0]).toMatchObject({
      orderId: 'ord-al-1-off-1',
      revision: 2,
      level: 'urgent',
      priority: 1,
      ackDeadline: new Date(w.now + 120_000).toISOString(),
    });
    expect(d2?.outputs.orders[0]?.instructions).toContain('Visit now');
    expect(types(d2)).toEqual(['raised', 'dispatched']);
    expect(m.orders).toHaveLength(1);

    // The same revision again changes nothing.
    expect(decideAlert(w.ctx(), m, alert(2, 'urgent'), 'req-2')).toBeUndefined();
  });

  it('go to the duty desk when the officer is off duty, then to the nearest patrol', () => {
    const w = new FakeWorld();
    w.set('off-1', { status: 'off_duty' });
    const d = decideAlert(w.ctx(), undefined, alert(1, 'warning'), undefined);
    expect(d?.outputs.orders[0]).toMatchObject({ unitId: 'desk-s1', rung: 'duty_desk', escalationLevel: 0 });
    w.apply(d);
    w.set('desk-s1', { status: 'off_duty' });
    const d2 = decideAlert(w.ctx(), undefined, { ...alert(1, 'warning'), alertId: 'al-2' }, undefined);
    expect(d2?.outputs.orders[0]).toMatchObject({ unitId: 'u5', rung: 'patrol', etaSec: 90 });
    expect(d2?.outputs.orders[0]?.candidates?.map((c) => c.unitId)).toEqual(['u5', 'u2', 'u3']);
  });

  it('skip an officer whose phone went quiet (stale)', () => {
    const w = new FakeWorld();
    w.set('off-1', { seenAt: T0 - 301_000 });
    const d = decideAlert(w.ctx(), undefined, alert(1, 'notice'), undefined);
    expect(d?.outputs.orders[0]?.unitId).toBe('desk-s1');
  });

  it('a closed revision cancels the order and frees the officer', () => {
    const w = new FakeWorld();
    const m = w.apply(decideAlert(w.ctx(), undefined, alert(1, 'notice'), undefined));
    const d = decideAlert(w.ctx(), m, alert(2, 'notice', 'closed'), undefined);
    w.apply(d);
    expect(d?.outputs.orders[0]).toMatchObject({ status: 'cancelled', revision: 2 });
    expect(types(d)).toEqual(['raised', 'closed']);
    expect(w.status('off-1')).toBe('available');
    expect(d?.deadlines.clear).toEqual(['ord-al-1-off-1']);
  });

  it('an outcome label completes the order and closes the warning', () => {
    const w = new FakeWorld();
    const m = w.apply(decideAlert(w.ctx(), undefined, alert(1, 'notice'), undefined));
    const label = { ...examples[Topic.OutcomesLabelled], alertId: 'al-1' };
    const d = decideOutcome(w.ctx(), m, label, undefined);
    expect(types(d)).toEqual(['outcome', 'closed']);
    expect(d?.outputs.orders[0]?.status).toBe('completed');
    expect(w.apply(d).closed).toBe(true);
  });
});

describe('incidents', () => {
  it('go to the unit with the lowest drive time, with the top 3 as the recommendation', () => {
    const w = new FakeWorld();
    const d = decideIncident(w.ctx(), undefined, incident('theft', 2), 'incident:inc-1', 'req-9');
    w.apply(d);
    expect(d?.outputs.orders).toHaveLength(1);
    expect(d?.outputs.orders[0]).toMatchObject({
      orderId: 'ord-inc-1-u5',
      unitId: 'u5',
      kind: 'incident',
      priority: 2,
      etaSec: 90,
      rung: 'patrol',
      candidates: [
        { unitId: 'u5', etaSec: 90 },
        { unitId: 'u2', etaSec: 120 },
        { unitId: 'u3', etaSec: 200 },
      ],
      ackDeadline: new Date(T0 + 120_000).toISOString(),
    });
    expect(d?.samples[0]).toMatchObject({ metric: 'signalToDispatch', seconds: 5 });
    expect(w.status('u5')).toBe('dispatched');
  });

  it("a grid worker's report goes to the cell's community officer first, then the duty desk", () => {
    const w = new FakeWorld();
    const inc: IncidentInput = {
      ...incident('disturbance', 3),
      gridCellId: 'cell-1',
      channel: 'grid_worker',
    };
    const d = decideIncident(w.ctx(), undefined, inc, 'incident:inc-1', 'req-9');
    const m = w.apply(d);
    expect(d?.outputs.orders).toHaveLength(1);
    expect(d?.outputs.orders[0]).toMatchObject({
      unitId: 'off-1',
      kind: 'incident',
      priority: 3,
      rung: 'officer',
      gridCellId: 'cell-1',
    });
    const order = d?.outputs.orders[0];
    w.now = Date.parse(order?.ackDeadline ?? '');
    const { decision } = decideDeadline(w.ctx(), m, order?.orderId ?? '');
    expect(decision?.outputs.orders.find((o) => o.status === 'active')).toMatchObject({
      rung: 'duty_desk',
      escalationLevel: 1,
    });
  });

  it('violence and robbery get two units', () => {
    const w = new FakeWorld();
    const d = decideIncident(w.ctx(), undefined, incident('robbery', 1), 'incident:inc-1', undefined);
    expect(d?.outputs.orders.map((o) => o.unitId)).toEqual(['u5', 'u2']);
    expect(d?.outputs.orders.map((o) => o.ackDeadline)).toEqual([
      new Date(T0 + 60_000).toISOString(),
      new Date(T0 + 60_000).toISOString(),
    ]);
  });

  it('a fleeing vehicle is left to the interceptor', () => {
    const w = new FakeWorld();
    const d = decideIncident(w.ctx(), undefined, incident('fleeing_vehicle', 1), 'incident:inc-1', undefined);
    expect(d?.outputs.orders).toEqual([]);
    expect(types(d)).toEqual(['raised']);
  });

  it('a known incident is not dispatched again', () => {
    const w = new FakeWorld();
    const m = w.apply(decideIncident(w.ctx(), undefined, incident('theft'), 'incident:inc-1', undefined));
    expect(decideIncident(w.ctx(), m, incident('theft'), 'incident:inc-1', undefined)).toBeUndefined();
  });

  it('waits when no unit is free, and is dispatched on a later try', () => {
    const w = new FakeWorld();
    for (const id of ['u1', 'u2', 'u3', 'u4', 'u5']) w.set(id, { status: 'busy' });
    const d = decideIncident(w.ctx(), undefined, incident('theft'), 'incident:inc-1', undefined);
    expect(d?.outputs.orders).toEqual([]);
    expect(d?.retryAt).toBe(T0 + 15_000);
    const m = w.apply(d);
    w.now += 15_000;
    // Still nobody: nothing to commit, the job goes back to the queue.
    const none = decideRetry(w.ctx(), m, T0 + 15_000);
    expect(none).toEqual({ decision: undefined, rearmAt: T0 + 30_000 });
    w.set('u4', { status: 'available', seenAt: w.now });
    const r = decideRetry(w.ctx(), m, T0 + 15_000);
    expect(r.decision?.outputs.orders[0]?.unitId).toBe('u4');
    expect(r.decision?.retryAt).toBeNull();
  });
});

describe('acknowledgements and escalation', () => {
  function dispatched(w: FakeWorld): Matter {
    return w.apply(decideIncident(w.ctx(), undefined, incident('theft', 2), 'incident:inc-1', undefined));
  }

  it('no acceptance by the deadline → the next unit, superseding, one level up', () => {
    const w = new FakeWorld();
    let m = dispatched(w);
    w.now += 60_000;
    expect(decideDeadline(w.ctx(), m, 'ord-inc-1-u5')).toEqual({
      decision: undefined,
      rearmAt: T0 + 120_000,
    });
    w.now = T0 + 120_000;
    const { decision } = decideDeadline(w.ctx(), m, 'ord-inc-1-u5');
    m = w.apply(decision);
    expect(types(decision)).toEqual(['escalated', 'dispatched']);
    expect(decision?.outputs.timeline[0]).toMatchObject({
      type: 'escalated',
      orderId: 'ord-inc-1-u5',
      escalationLevel: 1,
      rung: 'patrol',
      reason: 'no_ack',
    });
    expect(decision?.outputs.orders).toMatchObject([
      {
        orderId: 'ord-inc-1-u2',
        unitId: 'u2',
        escalationLevel: 1,
        supersedes: 'ord-inc-1-u5',
        status: 'active',
      },
      { orderId: 'ord-inc-1-u5', revision: 2, status: 'superseded' },
    ]);
    expect(decision?.outputs.audits.map((a) => a.action)).toEqual(['dispatch', 'escalation', 'dispatch']);
    expect(w.status('u5')).toBe('available');
    expect(w.status('u2')).toBe('dispatched');
    expect(decision?.decisionId).toBe(`deadline:ord-inc-1-u5:${T0 + 120_000}`);
    // The same deadline again (a second instance, a retried job) escalates nothing.
    expect(decideDeadline(w.ctx(), m, 'ord-inc-1-u5').decision).toBeUndefined();
  });

  it('a due deadline waits until dispatch.acks is read through it; an answer read meanwhile stops it', () => {
    const w = new FakeWorld();
    let m = dispatched(w);
    const deadline = T0 + 120_000;
    w.now = deadline + 5_000;
    // Read only up to a second before the deadline: an acceptance may still be unread.
    const behind = { readThrough: deadline - 1_000, retryAt: w.now + 500 };
    expect(decideDeadline(w.ctx(), m, 'ord-inc-1-u5', behind)).toEqual({
      decision: undefined,
      rearmAt: w.now + 500,
      heldForAcks: true,
    });
    // Read through the deadline: nothing came, it escalates.
    const read = { readThrough: deadline, retryAt: w.now + 500 };
    expect(types(decideDeadline(w.ctx(), m, 'ord-inc-1-u5', read).decision)).toEqual([
      'escalated',
      'dispatched',
    ]);
    // The acceptance, given in time, read late: the deadline then changes nothing.
    m = w.apply(decideAck(w.ctx(), m, ack('ord-inc-1-u5', 'u5', 'accepted', deadline - 2_000), undefined));
    expect(decideDeadline(w.ctx(), m, 'ord-inc-1-u5', read)).toEqual({ decision: undefined, rearmAt: null });
  });

  it('a unit gone off duty escalates at once, whatever is unread on dispatch.acks', () => {
    const w = new FakeWorld();
    const m = dispatched(w);
    w.now += 10_000;
    w.set('u5', { status: 'off_duty' });
    const { decision } = decideDeadline(w.ctx(), m, 'ord-inc-1-u5', {
      readThrough: Number.NEGATIVE_INFINITY,
      retryAt: w.now + 500,
    });
    expect(decision?.outputs.timeline[0]).toMatchObject({ type: 'escalated', reason: 'unavailable' });
  });

  it('acceptance stops the clock; en route and on scene move the unit; completion resolves', () => {
    const w = new FakeWorld();
    let m = dispatched(w);
    w.now += 20_000;
    const a = decideAck(w.ctx(), m, ack('ord-inc-1-u5', 'u5', 'accepted', w.now), undefined);
    m = w.apply(a);
    expect(types(a)).toEqual(['acknowledged']);
    expect(a?.deadlines.clear).toEqual(['ord-inc-1-u5']);
    expect(a?.samples).toEqual([{ metric: 'dispatchToAck', priority: 2, seconds: 20, id: 'ord-inc-1-u5' }]);
    expect(a?.outputs.timeline[0]?.actor).toEqual({ username: 'wang.wei', role: 'officer' });
    w.now = T0 + 500_000;
    expect(decideDeadline(w.ctx(), m, 'ord-inc-1-u5').decision).toBeUndefined();
    m = w.apply(decideAck(w.ctx(), m, ack('ord-inc-1-u5', 'u5', 'en_route', w.now), undefined));
    expect(w.status('u5')).toBe('en_route');
    const s = decideAck(w.ctx(), m, ack('ord-inc-1-u5', 'u5', 'on_scene', w.now + 100_000), undefined);
    m = w.apply(s);
    expect(w.status('u5')).toBe('on_scene');
    expect(s?.samples).toEqual([
      { metric: 'dispatchToOnScene', priority: 2, seconds: 500, id: 'ord-inc-1-u5' },
    ]);
    w.now += 900_000;
    const c = decideAck(
      w.ctx(),
      m,
      {
        ...ack('ord-inc-1-u5', 'u5', 'completed', w.now),
        resolution: { outcome: 'unresolved', satisfaction: 'dissatisfied' },
      },
      undefined,
    );
    m = w.apply(c);
    expect(types(c)).toEqual(['resolved', 'incident.resolved', 'closed']);
    expect(c?.outputs.timeline[1]).toMatchObject({
      type: 'incident.resolved',
      eventId: 'inc-1:incident.resolved:ord-inc-1-u5',
      orderId: 'ord-inc-1-u5',
      category: 'theft',
      outcome: 'unresolved',
      satisfaction: 'dissatisfied',
      address: '人民路 88 号',
      location: HERE,
    });
    expect(c?.outputs.orders[0]).toMatchObject({ status: 'completed', revision: 2 });
    expect(w.status('u5')).toBe('available');
    expect(m.closed).toBe(true);
  });

  it('a refusal escalates at once', () => {
    const w = new FakeWorld();
    const m = dispatched(w);
    const r = decideAck(
      w.ctx(),
      m,
      { ...ack('ord-inc-1-u5', 'u5', 'refused', w.now), note: 'flat tyre' },
      undefined,
    );
    expect(types(r)).toEqual(['refused', 'escalated', 'dispatched']);
    expect(r?.outputs.timeline[1]).toMatchObject({ reason: 'refused', escalationLevel: 1 });
    expect(r?.outputs.orders[0]?.unitId).toBe('u2');
  });

  it('a unit that goes off duty before accepting is escalated as unavailable', () => {
    const w = new FakeWorld();
    const m = dispatched(w);
    w.set('u5', { status: 'off_duty' });
    const { decision } = decideDeadline(w.ctx(), m, 'ord-inc-1-u5');
    expect(decision?.outputs.timeline[0]).toMatchObject({ type: 'escalated', reason: 'unavailable' });
  });

  it('a warning climbs officer → duty desk → patrol → district → city, then waits at the top', () => {
    const w = new FakeWorld();
    let m = w.apply(decideAlert(w.ctx(), undefined, alert(1, 'urgent'), undefined));
    const rungs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const active = m.orders.find((s) => s.order.status === 'active');
      if (!active) throw new Error('no active order');
      w.now = Date.parse(active.order.ackDeadline);
      w.heardFromAll();
      const { decision } = decideDeadline(w.ctx(), m, active.order.orderId);
      if (!decision) break;
      m = w.apply(decision);
      rungs.push(...decision.outputs.timeline.filter((e) => e.type === 'escalated').map((e) => e.rung ?? ''));
    }
    expect(rungs).toEqual(['duty_desk', 'patrol', 'district', 'city']);
    expect(m.orders.map((s) => [s.order.unitId, s.order.status])).toEqual([
      ['off-1', 'superseded'],
      ['desk-s1', 'superseded'],
      ['u5', 'superseded'],
      ['u2', 'superseded'],
      ['u3', 'active'],
    ]);
    // At the top nobody is left: the last order stays, the clock stops.
    const last = m.orders.at(-1);
    expect(last?.order.escalationLevel).toBe(4);
  });
});

describe('protection orders (a legal clock)', () => {
  const HOUR = 3_600_000;

  it('carry the statutory deadline (72 h, 24 h at priority 1) on the matter, orders and timeline', () => {
    const w = new FakeWorld();
    const d = decideIncident(
      w.ctx(),
      undefined,
      incident('protection_order', 2),
      'incident:inc-1',
      undefined,
    );
    const m = w.apply(d);
    const statutory = T0 - 5_000 + 72 * HOUR;
    expect(m).toMatchObject({ category: 'protection_order', deadlineClass: 'protection_order' });
    expect(m.statutoryDeadline).toBe(statutory);
    const iso = new Date(statutory).toISOString();
    expect(d?.outputs.orders[0]).toMatchObject({ unitId: 'off-1', rung: 'officer', statutoryDeadline: iso });
    expect(d?.outputs.timeline.map((e) => [e.type, 'statutoryDeadline' in e && e.statutoryDeadline])).toEqual(
      [
        ['raised', iso],
        ['dispatched', iso],
      ],
    );
    const urgent = w.apply(
      decideIncident(
        w.ctx(),
        undefined,
        incident('protection_order', 1, 'inc-2'),
        'incident:inc-2',
        undefined,
      ),
    );
    expect(urgent.statutoryDeadline).toBe(T0 - 5_000 + 24 * HOUR);
  });

  it('climb officer → duty desk → district → city and reach the city before the margin', () => {
    const w = new FakeWorld();
    // Slow rungs (a day each): the clock, not the rung deadlines, sets the pace.
    w.ladder = {
      ...w.ladder,
      deadlinesSec: { ...w.ladder.deadlinesSec, protection_order: 24 * 3600 },
      statutoryClocks: {
        protection_order: { deadlineSec: 72 * 3600, urgentDeadlineSec: 24 * 3600, marginSec: 6 * 3600 },
      },
    };
    let m = w.apply(
      decideIncident(w.ctx(), undefined, incident('protection_order', 1), 'incident:inc-1', undefined),
    );
    const statutory = m.statutoryDeadline as number;
    const rungs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const active = m.orders.find((s) => s.order.status === 'active');
      if (!active) throw new Error('no active order');
      const due = Date.parse(active.order.ackDeadline);
      expect(due).toBeLessThanOrEqual(statutory);
      w.now = due;
      w.heardFromAll();
      const { decision } = decideDeadline(w.ctx(), m, active.order.orderId);
      if (!decision) break;
      m = w.apply(decision);
      rungs.push(...decision.outputs.timeline.filter((e) => e.type === 'escalated').map((e) => e.rung ?? ''));
      if (rungs.at(-1) === 'city') break;
    }
    expect(rungs).toEqual(['duty_desk', 'district', 'city']);
    expect(w.now).toBeLessThanOrEqual(statutory - 6 * HOUR);
    const last = m.orders.at(-1);
    expect(last?.order).toMatchObject({ rung: 'city', escalationLevel: 3 });
    expect(Date.parse(last?.order.ackDeadline ?? '')).toBeLessThanOrEqual(statutory);
  });
});

describe('complaint follow-ups', () => {
  const input = {
    incidentId: 'inc-9',
    category: 'family_dispute' as const,
    location: HERE,
    resolvedAt: T0,
    assessment: {
      score: 60,
      level: 'high' as const,
      followUp: true,
      reasons: [
        { ruleId: 'dispute', weight: 25, text: 'A family dispute: such disputes often come back' },
        { ruleId: 'dissatisfied', weight: 35, text: 'The caller was dissatisfied with the handling' },
      ],
    },
  };

  it('go to the duty desk with the reasons, once, and climb district → city', () => {
    const w = new FakeWorld();
    const d = decideFollowUp(w.ctx(), undefined, input, 'req-9');
    let m = w.apply(d);
    expect(m).toMatchObject({ refId: 'fu-inc-9', category: 'complaint_followup', stationId: 's1' });
    expect(d?.outputs.timeline[0]).toMatchObject({
      type: 'raised',
      followUpOf: 'inc-9',
      riskLevel: 'high',
      riskScore: 60,
      reasons: input.assessment.reasons.map((r) => r.text),
    });
    const first = d?.outputs.orders[0];
    expect(first).toMatchObject({ unitId: 'desk-s1', rung: 'duty_desk', escalationLevel: 0 });
    expect(first?.instructions).toContain('caller was dissatisfied');
    expect(Date.parse(first?.ackDeadline ?? '') - T0).toBe(28_800_000);
    // Again (a redelivered incident.resolved): nothing.
    expect(decideFollowUp(w.ctx(), m, input, 'req-9')).toBeUndefined();
    const rungs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const active = m.orders.find((s) => s.order.status === 'active');
      if (!active) break;
      w.now = Date.parse(active.order.ackDeadline);
      w.heardFromAll();
      const { decision } = decideDeadline(w.ctx(), m, active.order.orderId);
      if (!decision) break;
      m = w.apply(decision);
      rungs.push(...decision.outputs.timeline.filter((e) => e.type === 'escalated').map((e) => e.rung ?? ''));
    }
    expect(rungs).toEqual(['district', 'city']);
  });
});

describe("operators' commands", () => {
  it('reassign supersedes the order and records who did it', () => {
    const w = new FakeWorld();
    const m = w.apply(decideIncident(w.ctx(), undefined, incident('theft'), 'incident:inc-1', undefined));
    const d = decideCommand(
      w.ctx(),
      m,
      command({
        type: 'reassign',
        refKind: 'incident',
        refId: 'inc-1',
        orderId: 'ord-inc-1-u5',
        unitId: 'u4',
      }),
      undefined,
    );
    w.apply(d);
    expect(d?.outputs.orders).toMatchObject([
      { orderId: 'ord-inc-1-u5', status: 'superseded' },
      {
        orderId: 'ord-inc-1-u4',
        supersedes: 'ord-inc-1-u5',
        assignedBy: { username: 'li.na', role: 'operator' },
      },
    ]);
    expect(d?.outputs.timeline[0]?.actor).toEqual({ username: 'li.na', role: 'operator' });
    expect(w.status('u5')).toBe('available');
    expect(w.status('u4')).toBe('dispatched');
  });

  it('assigning a busy unit fails, audited, and changes nothing', () => {
    const w = new FakeWorld();
    const m = w.apply(decideIncident(w.ctx(), undefined, incident('theft'), 'incident:inc-1', undefined));
    w.set('u4', { status: 'busy' });
    const d = decideCommand(
      w.ctx(),
      m,
      command({ type: 'assign', refKind: 'incident', refId: 'inc-1', unitId: 'u4' }),
      undefined,
    );
    expect(d?.outputs.orders).toEqual([]);
    expect(d?.outputs.audits).toMatchObject([
      { action: 'command', result: 'failed', details: { command: 'assign' } },
    ]);
  });

  it('stand down frees the unit; close cancels the rest', () => {
    const w = new FakeWorld();
    let m = w.apply(decideIncident(w.ctx(), undefined, incident('violence', 1), 'incident:inc-1', undefined));
    const s = decideCommand(
      w.ctx(),
      m,
      command({
        type: 'stand_down',
        refKind: 'incident',
        refId: 'inc-1',
        orderId: 'ord-inc-1-u2',
        unitId: 'u2',
      }),
      undefined,
    );
    m = w.apply(s);
    expect(types(s)).toEqual(['stood_down']);
    expect(w.status('u2')).toBe('available');
    const c = decideCommand(
      w.ctx(),
      m,
      command({ type: 'close', refKind: 'incident', refId: 'inc-1' }, 'cmd-2'),
      undefined,
    );
    w.apply(c);
    expect(types(c)).toEqual(['closed']);
    expect(c?.outputs.timeline[0]).toMatchObject({ reason: 'operator' });
    expect(w.status('u5')).toBe('available');
  });
});

describe('interception plans', () => {
  const basePlan = examples[Topic.InterceptionsPlans];
  const cp = (nodeId: string, unitId: string) => ({
    nodeId,
    location: HERE,
    unitId,
    unitEtaSec: 60,
    vehicleEtaSec: 120,
    layer: 0,
  });
  const plan = (
    revision: number,
    checkpoints: ReturnType<typeof cp>[],
    status: InterceptionPlan['status'] = 'active',
  ) => ({ ...basePlan, pursuitId: 'pur-1', revision, status, checkpoints }) as InterceptionPlan;

  it('assignments become orders; a re-plan supersedes what moved and frees who left', () => {
    const w = new FakeWorld();
    const d1 = decidePlan(w.ctx(), undefined, plan(1, [cp('n1', 'u1'), cp('n2', 'u2')]), undefined);
    let m = w.apply(d1);
    expect(d1?.outputs.orders.map((o) => [o.orderId, o.kind, o.nodeId])).toEqual([
      ['int-pur-1-u1-n1', 'interception', 'n1'],
      ['int-pur-1-u2-n2', 'interception', 'n2'],
    ]);
    // u1 stays at n1, u2 leaves, u3 takes n2, u1… no: u4 joins at n3.
    const d2 = decidePlan(w.ctx(), m, plan(2, [cp('n1', 'u1'), cp('n2', 'u3'), cp('n3', 'u4')]), undefined);
    m = w.apply(d2);
    expect(d2?.outputs.orders.map((o) => [o.orderId, o.status, o.supersedes])).toEqual([
      ['int-pur-1-u2-n2', 'superseded', undefined],
      ['int-pur-1-u3-n2', 'active', 'int-pur-1-u2-n2'],
      ['int-pur-1-u4-n3', 'active', undefined],
    ]);
    expect(w.status('u2')).toBe('available');
    const d3 = decidePlan(w.ctx(), m, plan(3, [], 'captured'), undefined);
    w.apply(d3);
    expect(types(d3)).toEqual(['closed']);
    expect(d3?.outputs.timeline[0]).toMatchObject({ reason: 'captured' });
    expect(['u1', 'u3', 'u4'].map((u) => w.status(u))).toEqual(['available', 'available', 'available']);
  });

  it("orders take the plan's ids (int-<pursuitId>-<unitId>-<nodeId>); a unit sent back to a checkpoint gets a new one", () => {
    const w = new FakeWorld();
    const named = (nodeId: string, unitId: string, orderId: string) => ({ ...cp(nodeId, unitId), orderId });
    const d1 = decidePlan(
      w.ctx(),
      undefined,
      plan(1, [named('n1', 'u1', 'int-pur-1-u1-n1'), named('n2', 'u2', 'ord-elsewhere-u2')]),
      undefined,
    );
    let m = w.apply(d1);
    // An id without the pursuit's prefix is not taken: the router names the order itself.
    expect(d1?.outputs.orders.map((o) => o.orderId)).toEqual(['int-pur-1-u1-n1', 'int-pur-1-u2-n2']);
    // The unit's status names the order, which is how the interceptor knows it works on this pursuit.
    expect(d1?.outputs.statuses.find((s) => s.unitId === 'u1')).toMatchObject({
      status: 'dispatched',
      orderId: 'int-pur-1-u1-n1',
    });
    const d2 = decidePlan(w.ctx(), m, plan(2, [cp('n3', 'u1'), cp('n2', 'u2')]), undefined);
    m = w.apply(d2);
    expect(d2?.outputs.orders.map((o) => [o.orderId, o.status])).toEqual([
      ['int-pur-1-u1-n1', 'superseded'],
      ['int-pur-1-u1-n3', 'active'],
    ]);
    const d3 = decidePlan(
      w.ctx(),
      m,
      plan(3, [named('n1', 'u1', 'int-pur-1-u1-n1'), cp('n2', 'u2')]),
      undefined,
    );
    w.apply(d3);
    expect(d3?.outputs.orders.map((o) => [o.orderId, o.status, o.supersedes])).toEqual([
      ['int-pur-1-u1-n3', 'superseded', 'int-pur-1-u1-n1'],
      ['int-pur-1-u1-n1-2', 'active', 'int-pur-1-u1-n3'],
    ]);
  });
});
