import { escalationLadderExample, examples, Topic } from '@fenghuo/contracts';
import { ConfigError } from '@fenghuo/kit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACK_DEADLINES, loadConfig, parseAckDeadlines } from './config.ts';
import { builtinLadder, deadlineSecOf, LadderSource, rungDeadlineAt, statutoryDeadlineOf } from './ladder.ts';

describe('ROUTER_ACK_DEADLINES_SEC', () => {
  it('overrides the named classes and keeps the others', () => {
    expect(parseAckDeadlines(['p2=2', 'urgent=30'])).toEqual({
      ...parseAckDeadlines(DEFAULT_ACK_DEADLINES),
      p2: 2,
      urgent: 30,
    });
    expect(parseAckDeadlines([]).p1).toBe(60);
  });

  it('a bad entry stops the service naming the variable', () => {
    for (const bad of ['p1', 'p1=0', 'p1=abc', 'P1=3', 'p1=3=4']) {
      expect(() => loadConfig({ ROUTER_ACK_DEADLINES_SEC: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ ROUTER_ACK_DEADLINES_SEC: bad })).toThrow(/ROUTER_ACK_DEADLINES_SEC/);
    }
  });
});

describe('the escalation ladder', () => {
  const builtin = builtinLadder('escalation-ladder', parseAckDeadlines(['p1=45']));

  it('deadlines come from the rung, else the class', () => {
    const ladder = { ...escalationLadderExample, ruleSetId: 'escalation-ladder' };
    expect(deadlineSecOf(ladder, 'alert', 0, 'notice')).toBe(900);
    expect(deadlineSecOf(ladder, 'alert', 1, 'notice')).toBe(120);
    expect(deadlineSecOf(builtin, 'incident', 0, 'p1')).toBe(45);
  });

  it('hot-reloads a newer version of its id, and nothing else', () => {
    const source = new LadderSource(builtin);
    const newer = { ...escalationLadderExample, ruleSetId: 'escalation-ladder', ruleSetVersion: 4 };
    expect(source.offer(examples[Topic.RulesSets]).applied).toBe(false);
    expect(source.offer({ ...newer, ruleSetId: 'other' }).applied).toBe(false);
    expect(source.offer(newer)).toEqual({ applied: true, reason: 'now escalation-ladder v4' });
    expect(source.offer({ ...newer, ruleSetVersion: 3 }).applied).toBe(false);
    expect(source.current().ruleSetVersion).toBe(4);
  });

  it('ignores a ladder that does not cover what the router dispatches', () => {
    const source = new LadderSource(builtin);
    const partial = {
      ...escalationLadderExample,
      ruleSetId: 'escalation-ladder',
      ruleSetVersion: 9,
      ladders: {
        alert: [{ rung: 'officer' as const }],
        complaint_followup: [{ rung: 'duty_desk' as const }],
      },
    };
    const r = source.offer(partial);
    expect(r.applied).toBe(false);
    expect(r.reason).toContain('no ladder for incident');
    expect(source.current()).toBe(builtin);
  });
});

describe('legal clocks', () => {
  const HOUR = 3_600_000;
  const builtin = builtinLadder('escalation-ladder', parseAckDeadlines([]));
  const T = Date.parse('2026-12-04T00:00:00.000Z');

  it('a protection order has 72 h, 24 h when urgent (priority 1); other categories none', () => {
    expect(statutoryDeadlineOf(builtin, 'protection_order', T, 2)).toBe(T + 72 * HOUR);
    expect(statutoryDeadlineOf(builtin, 'protection_order', T, 1)).toBe(T + 24 * HOUR);
    expect(statutoryDeadlineOf(builtin, 'incident', T, 1)).toBeUndefined();
  });

  it('each rung waits its own deadline while the clock leaves room', () => {
    // 4 h per rung; 66 h left before the margin over 3 rungs above: 4 h wins.
    expect(rungDeadlineAt(builtin, 'protection_order', 0, 'protection_order', T, T + 72 * HOUR)).toBe(
      T + 4 * HOUR,
    );
  });

  it('else an even share of the time left before the margin per rung above', () => {
    const statutory = T + 24 * HOUR;
    const slow = { ...builtin, deadlinesSec: { ...builtin.deadlinesSec, protection_order: 48 * 3600 } };
    // (24 h − 6 h margin) / 3 rungs above = 6 h.
    expect(rungDeadlineAt(slow, 'protection_order', 0, 'protection_order', T, statutory)).toBe(T + 6 * HOUR);
    // From the second rung 6 h later: 12 h left over 2 rungs.
    expect(rungDeadlineAt(slow, 'protection_order', 1, 'protection_order', T + 6 * HOUR, statutory)).toBe(
      T + 12 * HOUR,
    );
    expect(rungDeadlineAt(slow, 'protection_order', 2, 'protection_order', T + 12 * HOUR, statutory)).toBe(
      T + 18 * HOUR,
    );
    // The top rung: never past the clock.
    expect(rungDeadlineAt(slow, 'protection_order', 3, 'protection_order', T + 18 * HOUR, statutory)).toBe(
      statutory,
    );
  });

  it('past the margin a rung escalates at once', () => {
    const statutory = T + 24 * HOUR;
    expect(rungDeadlineAt(builtin, 'protection_order', 1, 'protection_order', T + 20 * HOUR, statutory)).toBe(
      T + 20 * HOUR,
    );
  });

  it('a published ladder without the later categories takes the built-in ones', () => {
    const source = new LadderSource(builtin);
    source.offer({ ...escalationLadderExample, ruleSetId: 'escalation-ladder', ruleSetVersion: 5 });
    const cur = source.current();
    expect(cur.ladders.protection_order?.map((r) => r.rung)).toEqual([
      'officer',
      'duty_desk',
      'district',
      'city',
    ]);
    expect(cur.ladders.complaint_followup?.map((r) => r.rung)).toEqual(['duty_desk', 'district', 'city']);
    expect(cur.deadlinesSec.protection_order).toBe(14_400);
    expect(cur.statutoryClocks?.protection_order?.marginSec).toBe(6 * 3600);
  });
});
