import { complaintRiskExample } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { compileComplaintRisk, complaintRiskProblems } from './complaint-risk.ts';
import { RuleCompileError } from './errors.ts';

describe('complaint risk', () => {
  const risk = compileComplaintRisk(complaintRiskExample);

  it('sums the weights of the rules that hold, with their reasons in rule order', () => {
    const a = risk.assess({
      category: 'neighbour_dispute',
      outcome: 'unresolved',
      satisfaction: 'dissatisfied',
      repeatCalls: 3,
    });
    expect(a.score).toBe(30 + 25 + 30 + 35);
    expect(a.level).toBe('high');
    expect(a.followUp).toBe(true);
    expect(a.reasons.map((r) => r.ruleId)).toEqual(['repeat-calls', 'dispute', 'unresolved', 'dissatisfied']);
    expect(a.reasons[0]?.text).toBe('3 earlier calls from this address in 30 days');
    expect(a.reasons[1]?.text).toBe('A neighbour dispute: such disputes often come back');
  });

  it('levels by threshold; a follow-up only from followUpAt', () => {
    const medium = risk.assess({ category: 'family_dispute', outcome: 'unresolved', repeatCalls: 0 });
    expect(medium).toMatchObject({ score: 55, level: 'medium', followUp: false });
    const low = risk.assess({
      category: 'theft',
      outcome: 'resolved',
      satisfaction: 'satisfied',
      repeatCalls: 1,
    });
    expect(low).toEqual({ score: 0, level: 'low', followUp: false, reasons: [] });
    const atMedium = compileComplaintRisk({ ...complaintRiskExample, followUpAt: 'medium' });
    expect(
      atMedium.assess({ category: 'family_dispute', outcome: 'unresolved', repeatCalls: 0 }).followUp,
    ).toBe(true);
  });

  it('absent fields never hold, except for the absence conditions they are not', () => {
    const set = compileComplaintRisk({
      ...complaintRiskExample,
      thresholds: { medium: 1, high: 2 },
      rules: [
        {
          id: 'no-outcome',
          name: 'n',
          weight: 1,
          when: [{ op: 'neq', field: 'outcome', value: 'resolved' }],
          reason: 'x',
        },
        {
          id: 'either',
          name: 'e',
          weight: 1,
          when: [
            {
              op: 'any',
              of: [
                { op: 'exists', field: 'satisfaction' },
                { op: 'lte', field: 'priority', value: 1 },
              ],
            },
          ],
          reason: 'y',
        },
      ],
    });
    expect(set.assess({ repeatCalls: 0 }).score).toBe(0);
    expect(set.assess({ repeatCalls: 0, outcome: 'referred', priority: 1 }).score).toBe(2);
  });

  it('a set that cannot run does not compile', () => {
    const bad = {
      ...complaintRiskExample,
      thresholds: { medium: 50, high: 10 },
      rules: [
        ...complaintRiskExample.rules,
        complaintRiskExample.rules[0] as (typeof complaintRiskExample.rules)[0],
      ],
    };
    expect(complaintRiskProblems(bad).map((p) => p.path)).toEqual(['thresholds.high', 'rules.4.id']);
    expect(() => compileComplaintRisk(bad)).toThrow(RuleCompileError);
  });
});
