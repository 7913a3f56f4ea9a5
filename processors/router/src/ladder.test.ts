import { escalationLadderExample, examples, Topic } from '@fenghuo/contracts';
import { ConfigError } from '@fenghuo/kit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACK_DEADLINES, loadConfig, parseAckDeadlines } from './config.ts';
import { builtinLadder, deadlineSecOf, LadderSource } from './ladder.ts';

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
