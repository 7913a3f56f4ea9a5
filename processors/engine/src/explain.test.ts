import { describe, expect, it } from 'vitest';
import { sms } from '../test/support/index.ts';
import type { ModelHit } from './compile.ts';
import { indicatorEvidence, templateValues } from './explain.ts';

const hit: ModelHit = {
  model: 'm1',
  field: 'text',
  score: { fraud: 0.9731, type: 'impersonation_authority', typeShare: 0.8, ngrams: ['公安', '账户'] },
};

describe('explanations of the same matches (made once, remembered)', () => {
  it('give each indicator its own number and time, and the same words of its matches', () => {
    const a = indicatorEvidence(
      sms('s1', 0, 'x', { senderNumber: '10659000123' }),
      ['公安局', '洗钱'],
      'r1',
      [hit],
    );
    const b = indicatorEvidence(
      sms('s2', 5, 'x', { senderNumber: '10659000999' }),
      ['公安局', '洗钱'],
      'r2',
      [hit],
    );
    expect(a.summary.en).not.toBe(b.summary.en);
    expect(a.summary.en.replace(a.values?.senderNumber as string, '#')).toBe(
      b.summary.en.replace(b.values?.senderNumber as string, '#'),
    );
    expect(a.values).toEqual({ ...b.values, senderNumber: a.values?.senderNumber });
    expect(a.values).toMatchObject({
      keywords: '公安局,洗钱',
      model: 'm1',
      modelScore: 0.973,
      modelType: 'impersonation_authority',
      modelNgrams: '公安,账户',
    });
    expect(Object.keys(a.values ?? {})).toEqual([
      'senderNumber',
      'keywords',
      'model',
      'modelScore',
      'modelType',
      'modelNgrams',
    ]);
    expect([a.eventId, a.ruleId, b.ruleId]).toEqual([expect.any(String), 'r1', 'r2']);
  });

  it('tell apart keyword lists that join alike, and hits of other models with the same score', () => {
    const ind = sms('s1', 0, 'x');
    expect(indicatorEvidence(ind, ['a\u0000b']).values?.keywords).toBe('a\u0000b');
    expect(indicatorEvidence(ind, ['a', 'b']).values?.keywords).toBe('a,b');
    expect(indicatorEvidence(ind, ['a'], undefined, [hit]).values?.model).toBe('m1');
    expect(indicatorEvidence(ind, ['a'], undefined, [{ ...hit, model: 'm2' }]).values?.model).toBe('m2');
    expect(templateValues(ind, ['a', 'b'], [hit])).toMatchObject({
      keywords: 'a, b',
      modelScore: '0.97',
      modelNgrams: '公安、账户',
    });
    expect(templateValues(ind, ['a', 'b', 'c', 'd', 'e', 'f', 'g']).keywords).toBe('a, b, c, d, e, f');
  });
});
