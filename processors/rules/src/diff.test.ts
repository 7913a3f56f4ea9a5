import { ruleSetExample } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { jsonEqual, structuralDiff } from './diff.ts';

const base = ruleSetExample;

describe('structuralDiff', () => {
  it('finds nothing between equal contents, whatever the envelope or key order', () => {
    const again = JSON.parse(
      JSON.stringify({ ...base, ruleSetVersion: 9, publishedAt: '2027-01-01T00:00:00Z' }),
    );
    expect(structuralDiff(base, again)).toEqual({ entries: [], truncated: false });
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
  });

  it('addresses rules by id, so a rule inserted first does not change every other', () => {
    const [first, ...rest] = base.rules;
    const added = {
      id: 'big-transfer',
      name: 'Large transfer',
      fraudType: 'other' as const,
      weight: 10,
      kind: 'match' as const,
      when: { kind: 'transfer' as const, where: [{ op: 'gte' as const, field: 'amount', value: 100_000 }] },
    };
    const after = {
      ...base,
      levels: { ...base.levels, notice: 35 },
      rules: [added, { ...first!, weight: 35 }, ...rest],
    };
    expect(structuralDiff(base, after).entries).toEqual([
      { op: 'change', path: 'levels.notice', before: 30, after: 35 },
      { op: 'change', path: 'rules[authority-sms].weight', before: 30, after: 35 },
      { op: 'add', path: 'rules[big-transfer]', after: added },
    ]);
  });

  it('treats lists of plain values as sets and reports a removed rule with what it was', () => {
    const after = {
      ...base,
      keywordSets: { authority: ['公安局', '安全账户', '通缉令'] },
      rules: base.rules.filter((r) => r.id !== 'listed-calls-20m'),
    };
    expect(structuralDiff(base, after).entries).toEqual([
      { op: 'remove', path: 'keywordSets.authority', before: '检察院' },
      { op: 'add', path: 'keywordSets.authority', after: '通缉令' },
      { op: 'remove', path: 'rules[listed-calls-20m]', before: base.rules[1] },
    ]);
  });

  it('names reordered rules, index-addressed arrays and added or removed keys', () => {
    const seq = base.rules[2]!;
    if (seq.kind !== 'sequence') throw new Error('fixture');
    const after = {
      ...base,
      description: 'now described',
      rules: [
        { ...seq, steps: [seq.steps[0]!, { ...seq.steps[1]!, kind: 'sms' as const }, seq.steps[2]!] },
        base.rules[0]!,
        base.rules[1]!,
      ],
    };
    expect(structuralDiff(base, after).entries).toEqual([
      {
        op: 'change',
        path: 'rules[call-app-transfer-30m].steps[1].kind',
        before: 'app_install',
        after: 'sms',
      },
      {
        op: 'change',
        path: 'rules(order)',
        before: ['authority-sms', 'listed-calls-20m', 'call-app-transfer-30m'],
        after: ['call-app-transfer-30m', 'authority-sms', 'listed-calls-20m'],
      },
      { op: 'add', path: 'description', after: 'now described' },
    ]);
  });

  it('stops at the cap and says so; summarises huge values', () => {
    const numbers = Array.from({ length: 5_000 }, (_, i) => `1700000${String(i).padStart(4, '0')}`);
    const after = { ...base, lists: { ...base.lists, deny: { ...base.lists.deny, numbers } } };
    const r = structuralDiff(base, after, { max: 10 });
    expect(r.entries).toHaveLength(10);
    expect(r.truncated).toBe(true);
    const big = structuralDiff({ a: 1 }, { a: numbers }, { ignore: new Set() });
    expect(big.entries[0]?.after).toMatch(/^\(a value of \d+ characters\)$/);
  });
});
