import {
  complaintRiskExample,
  contractExamples,
  type FraudRule,
  type FraudRuleSet,
  type MatchRule,
  ruleSetExample,
} from '@fenghuo/contracts';
import { builtinRuleSet } from '@fenghuo/engine';
import { describe, expect, it } from 'vitest';
import { validateRuleSet } from './validate-rule-set.ts';

const base: FraudRuleSet = ruleSetExample;
const withRules = (...rules: FraudRule[]): FraudRuleSet => ({ ...base, rules: [...base.rules, ...rules] });
const match = (id: string, when: MatchRule['when'], weight = 10): FraudRule => ({
  id,
  name: id,
  fraudType: 'other',
  weight,
  kind: 'match',
  when,
});

function problems(value: unknown, prefix = '') {
  const r = validateRuleSet(value, prefix);
  return r.ok ? [] : r.problems;
}

describe('validateRuleSet', () => {
  it('passes the built-in pack and the example', () => {
    expect(validateRuleSet(builtinRuleSet).ok).toBe(true);
    expect(validateRuleSet(base)).toEqual({ ok: true, ruleSet: base, warnings: [] });
  });

  it('checks another kind (interception settings) by its own schema, with paths', () => {
    const settings = contractExamples.InterceptionSettings;
    expect(validateRuleSet(settings)).toMatchObject({ ok: true, warnings: [] });
    const bad = problems({ ...settings, horizonSec: 'soon' }, 'content');
    expect(bad.map((p) => p.path)).toEqual(['content.horizonSec']);
  });

  it('accepts complaint-risk rules and checks them as the engine compiles them', () => {
    expect(validateRuleSet(complaintRiskExample)).toMatchObject({ ok: true, warnings: [] });
    expect(problems({ ...complaintRiskExample, thresholds: { medium: 70, high: 20 } }, 'content')).toEqual([
      { path: 'content.thresholds.high', reason: 'below thresholds.medium' },
    ]);
    const unknownField = {
      ...complaintRiskExample,
      rules: [{ ...complaintRiskExample.rules[0], when: [{ op: 'eq', field: 'amount', value: 1 }] }],
    };
    expect(problems(unknownField).length).toBeGreaterThan(0);
  });

  it('reports schema errors with their paths, under a prefix', () => {
    expect(problems({ ...base, levels: { notice: 'low', warning: 60, urgent: 90 } }, 'content')).toEqual([
      { path: 'content.levels.notice', reason: 'Expected number' },
    ]);
    expect(problems({ ...base, kind: 'weather' })).toEqual([
      {
        path: 'kind',
        reason: '"weather" is not one of fraud, interception_settings, escalation_ladder, complaint_risk',
      },
    ]);
  });

  it('names an unknown keyword set and the sets there are', () => {
    const rs = withRules(
      match('k', { kind: 'sms', where: [{ op: 'keywords', field: 'text', set: 'authorty', minMatches: 1 }] }),
    );
    expect(problems(rs)).toEqual([
      {
        path: 'rules[3].when.where[0].set',
        reason: 'unknown keyword set "authorty" (the rule set has authority)',
      },
    ]);
  });

  it('refuses regexes that do not compile or can backtrack catastrophically', () => {
    const rs = withRules(
      match('r1', { kind: 'sms', where: [{ op: 'regex', field: 'text', pattern: '(\\w+\\s?)+$' }] }),
      match('r2', { kind: 'call', where: [{ op: 'regex', field: 'callerNumber', pattern: '^(00' }] }),
    );
    const found = problems(rs);
    expect(found.map((p) => p.path)).toEqual([
      'rules[3].when.where[0].pattern',
      'rules[4].when.where[0].pattern',
    ]);
    expect(found[0]?.reason).toMatch(/backtrack catastrophically/);
    expect(found[1]?.reason).toMatch(/does not compile/);
  });

  it('finds rules that can never fire, at the condition that prevents it', () => {
    const rs = withRules(
      match('a', { kind: 'sms', where: [{ op: 'gte', field: 'amount', value: 10 }] }),
      match('b', { kind: 'call', where: [{ op: 'eq', field: 'callerListed', value: 'true' }] }),
      match('c', { kind: 'call', where: [{ op: 'eq', field: 'direction', value: 'in' }] }),
      match('d', { kind: 'call', where: [{ op: 'gt', field: 'durationSec', value: 100_000 }] }),
      match('e', {
        kind: 'transfer',
        where: [
          { op: 'gt', field: 'amount', value: 50_000 },
          { op: 'lt', field: 'amount', value: 10_000 },
        ],
      }),
      match('f', {
        kind: 'sms',
        where: [{ op: 'keywords', field: 'text', set: 'authority', minMatches: 5 }],
      }),
      {
        id: 'g',
        name: 'g',
        fraudType: 'other',
        weight: 5,
        kind: 'window',
        when: { kind: 'transfer', where: [] },
        aggregate: 'distinct',
        field: 'payeeAccount',
        windowMin: 60,
        op: 'gte',
        threshold: 5_000,
      },
    );
    expect(problems(rs).map((p) => [p.path, p.reason])).toEqual([
      ['rules[3].when.where[0]', 'rule a can never fire: sms indicators have no field "amount"'],
      [
        'rules[4].when.where[0]',
        'rule b can never fire: callerListed is boolean, the value is the string "true"',
      ],
      ['rules[5].when.where[0]', 'rule c can never fire: direction is one of inbound, outbound, never in'],
      ['rules[6].when.where[0]', 'rule d can never fire: durationSec is at most 86400'],
      ['rules[7].when.where[1]', 'rule e can never fire: no amount satisfies these bounds together'],
      [
        'rules[8].when.where[0]',
        'rule f can never fire: needs 5 distinct keywords of "authority", which has 3',
      ],
      [
        'rules[9].threshold',
        'rule g can never fire: a distinct count stops at 1000 values, so it never goes to 5000',
      ],
    ]);
  });

  it('finds levels no score can reach, unless the deny list lifts alerts to them', () => {
    const lists = {
      allow: { numbers: [], payees: [], apps: [] },
      deny: { numbers: [], payees: [], apps: [] },
    };
    const rs: FraudRuleSet = { ...base, lists, levels: { notice: 30, warning: 60, urgent: 200 } };
    expect(problems(rs)).toEqual([
      { path: 'levels.urgent', reason: 'unreachable: the enabled rules that can fire add up to at most 130' },
    ]);
    expect(problems({ ...rs, levels: { notice: 60, warning: 60, urgent: 90 } })).toEqual([
      {
        path: 'levels.notice',
        reason: 'unreachable: equal to warning (60), so a score reaching it is a warning',
      },
    ]);
    expect(problems({ ...rs, levels: { notice: 60, warning: 30, urgent: 90 } })[0]?.path).toBe('levels');
    // With a deny list, a deny-listed number lifts an alert to the deny level whatever the score.
    const denied = { ...rs, lists: base.lists, levels: { notice: 30, warning: 200, urgent: 300 } };
    expect(problems(denied).map((p) => p.path)).toEqual(['levels.urgent']);
  });

  it('warns about what does no harm: disabled rules, weight 0, unused sets, allow and deny overlap', () => {
    const rs: FraudRuleSet = {
      ...base,
      keywordSets: { ...base.keywordSets, unused: ['x'] },
      lists: { ...base.lists, allow: { ...base.lists.allow, numbers: ['110', '17012341234'] } },
      rules: [
        ...base.rules,
        {
          ...match('off', {
            kind: 'sms',
            where: [{ op: 'keywords', field: 'text', set: 'nope', minMatches: 1 }],
          }),
          enabled: false,
        },
        match('zero', { kind: 'sms', where: [] }, 0),
      ],
    };
    const r = validateRuleSet(rs);
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.path)).toEqual([
      'rules[3]',
      'rules[3].when.where[0].set',
      'rules[4].weight',
      'keywordSets.unused',
      'lists.deny.numbers',
    ]);
  });

  it('refuses duplicate rule ids', () => {
    expect(problems(withRules({ ...base.rules[0]! }))).toEqual([
      { path: 'rules[3].id', reason: 'duplicate rule id "authority-sms" (also rules[0])' },
    ]);
  });
});
