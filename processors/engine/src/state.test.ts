import { describe, expect, it } from 'vitest';
import { call, ruleSet, sms, T0, windowCount } from '../test/support/index.ts';
import { compileRuleSet } from './compile.ts';
import { builtinRuleSet } from './rule-pack/builtin-pack.ts';
import { scoreSubject } from './score.ts';
import {
  advancePosition,
  atOrBelowPosition,
  decodeState,
  emptyState,
  encodeState,
  MAX_SEEN,
  remember,
} from './state.ts';

describe('seen-set', () => {
  it('keeps at most MAX_SEEN ids, dropping the oldest first', () => {
    const s = emptyState();
    for (let i = 0; i < MAX_SEEN + 10; i++) remember(s, `e${i}`, i, 0);
    expect(s.seen.size).toBe(MAX_SEEN);
    expect(s.seen.has('e9')).toBe(false);
    expect(s.seen.has('e10')).toBe(true);
  });

  it('drops ids older than the cutoff', () => {
    const s = emptyState();
    remember(s, 'a', 1, 0);
    remember(s, 'b', 2, 0);
    remember(s, 'c', 10, 5);
    expect([...s.seen.keys()]).toEqual(['c']);
  });
});

describe('stream position', () => {
  it('recognises offsets at or below the last processed one in the same stream only', () => {
    const s = emptyState();
    advancePosition(s, { stream: '3', seq: '99' });
    advancePosition(s, { stream: '3', seq: '100' });
    advancePosition(s, { stream: '3', seq: '7' }); // never goes back
    expect(s.pos).toEqual(['3', '100']);
    expect(atOrBelowPosition(s, { stream: '3', seq: 100 })).toBe(true);
    expect(atOrBelowPosition(s, { stream: '3', seq: '99' })).toBe(true);
    expect(atOrBelowPosition(s, { stream: '3', seq: '101' })).toBe(false);
    expect(atOrBelowPosition(s, { stream: '3', seq: '1000' })).toBe(false); // compared as numbers
    expect(atOrBelowPosition(s, { stream: '4', seq: '1' })).toBe(false);
    expect(atOrBelowPosition(s, undefined)).toBe(false);
  });
});

describe('stored form', () => {
  it('round-trips through JSON with the seen-set in order', () => {
    const c = compileRuleSet(ruleSet());
    const { state } = scoreSubject(c, 's', undefined, [call('s', 0), call('s', 1), call('s', 2)]);
    const back = decodeState(encodeState(state));
    expect(back).toEqual(state);
    expect([...back.seen.keys()]).toEqual([...state.seen.keys()]);
  });

  it('stores evidence shared by several fired rules once, and reads it back for each', () => {
    const c = compileRuleSet(builtinRuleSet);
    const text = '您好，我是淘宝客服，商品有质量问题给您退款，请下载会议软件开启屏幕共享。';
    const { state } = scoreSubject(c, 's', undefined, [sms('s', 0, text)]);
    const fired = Object.values(state.fired);
    expect(fired.length).toBeGreaterThan(2);
    const json = encodeState(state);
    expect(JSON.parse(json).evs).toHaveLength(1);
    const back = decodeState(json);
    expect(back).toEqual(state);
    for (const [ruleId, f] of Object.entries(back.fired)) expect(f.ev[0]?.ruleId).toBe(ruleId);
  });

  it('reads the first stored form: windows keep their counts, processed ids stay processed', () => {
    const c = compileRuleSet(ruleSet());
    const t = (min: number) => T0 + min * 60_000;
    const v1 = {
      ver: 1,
      lastT: t(10),
      seen: { a: t(0), b: t(5), c: t(10) },
      win: {
        'listed-calls-20m': [
          { t: t(0), id: 'a', l: '170****1234', f: true },
          { t: t(5), id: 'b', l: '170****1234', f: true },
        ],
      },
      seq: {},
      fired: {},
    };
    const state = decodeState(JSON.stringify(v1));
    expect(state.ver).toBe(2);
    expect([...state.seen.keys()]).toEqual(['a', 'b', 'c']);
    expect(windowCount(state, 'listed-calls-20m')).toBe(2);
    // A redelivered call is recognised; a third fresh listed call fires the window rule.
    const again = scoreSubject(c, 's', state, [call('s', 5, { eventId: 'b' })]);
    expect(again.duplicates).toBe(1);
    const r = scoreSubject(c, 's', again.state, [call('s', 12)]);
    expect(r.alerts[0]?.reason.en).toBe('3 calls from listed number 170****1234 within 12 min');
    expect(windowCount(r.state, 'listed-calls-20m')).toBe(3);
  });
});
