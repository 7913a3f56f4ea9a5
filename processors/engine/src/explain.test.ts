import { describe, expect, it } from 'vitest';
import { app, call, sms, transfer } from '../test/support/index.ts';
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

  it('share what they show between indicators of one shape, and only between them', () => {
    const a = indicatorEvidence(sms('s1', 0, 'x', { senderNumber: '10659000123' }), ['快递'], 'r1');
    const b = indicatorEvidence(sms('s2', 9, 'y', { senderNumber: '10659000123' }), ['快递'], 'r2');
    expect(b.summary).toBe(a.summary);
    expect(b.values).toBe(a.values);
    expect([b.eventId, b.occurredAt]).not.toEqual([a.eventId, a.occurredAt]);
    const withUrl = indicatorEvidence(
      sms('s3', 9, 'y', { senderNumber: '10659000123', urls: ['http://a.example'] }),
      ['快递'],
    );
    expect(withUrl.values).toMatchObject({ urls: 1 });
    expect(a.values).not.toHaveProperty('urls');
    // Calls differ by every field shown: duration, listing, direction, transcript, tags, number.
    const calls = [
      call('s1', 0),
      call('s1', 0, { durationSec: 60 }),
      call('s1', 0, { callerListed: false }),
      call('s1', 0, { direction: 'outbound' }),
      call('s1', 0, { transcript: '' }),
      call('s1', 0, { callerTags: ['voip'] }),
      call('s1', 0, { callerNumber: '17012349999' }),
    ].map((c) => JSON.stringify([indicatorEvidence(c, []).summary, indicatorEvidence(c, []).values]));
    expect(new Set(calls).size).toBe(calls.length);
    const apps = [
      app('s1', 0),
      app('s1', 0, { appName: 'TeamViewer' }),
      app('s1', 0, { appId: 'com.other' }),
      app('s1', 0, { category: undefined }),
    ].map((x) => JSON.stringify(indicatorEvidence(x, []).values));
    expect(new Set(apps).size).toBe(apps.length);
    // Transfers are made each time.
    expect(indicatorEvidence(transfer('s1', 0, 20_000), []).summary.en).toContain('20,000 CNY');
    expect(indicatorEvidence(transfer('s1', 0, 30_000), []).summary.en).toContain('30,000 CNY');
  });
});
