import { describe, expect, it } from 'vitest';
import { fillTemplate } from './explain.ts';
import { KeywordSets } from './keywords.ts';
import { TextMemo } from './memo.ts';
import { builtinRuleSet } from './rule-pack/builtin-pack.ts';
import { compileTemplate } from './template.ts';

describe('TextMemo', () => {
  it('keeps at most maxEntries texts, the oldest going first, and no text over maxKeyLength', () => {
    const memo = new TextMemo<number>(2, 5);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([undefined, 2, 3]);
    memo.set('longer', 4);
    expect(memo.get('longer')).toBeUndefined();
    expect(memo.size).toBe(2);
  });
});

describe('KeywordSets.hits', () => {
  it('gives what match gives, and the same map for the same text', () => {
    const sets = new KeywordSets({ a: ['转账', '汇款'], b: ['转账'] });
    const text = '马上转账，再汇款';
    expect(sets.hits(text)).toEqual(sets.match(text));
    expect(sets.hits(text)).toBe(sets.hits(text));
    expect(sets.hits('今天天气很好').size).toBe(0);
  });
});

describe('compileTemplate', () => {
  it('fills as fillTemplate does, unknown placeholders kept', () => {
    const values = { modelScore: '0.97', count: 3, keywords: '' };
    const templates = [
      { zh: '{count} 次，概率 {modelScore}{unknown}', en: '{count}x {modelScore} {keywords}.' },
      { zh: '无占位', en: '{a{count}}' },
      ...builtinRuleSet.rules.flatMap((r) => (r.explain === undefined ? [] : [r.explain])),
    ];
    for (const t of templates) expect(compileTemplate(t)(values)).toEqual(fillTemplate(t, values));
  });
});
