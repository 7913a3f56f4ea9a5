import { readFileSync } from 'node:fs';
import type { Alert, Evidence, FraudIndicator } from '@fenghuo/contracts';
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
  withRuleId,
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
    // In memory and as read back, the rules the SMS fired hold its one piece of evidence (one
    // object), which stands for each rule's own: shown with the rule id of the firing.
    for (const s of [state, back]) {
      const shared = Object.values(s.fired)[0]?.ev[0];
      expect(shared?.kind).toBe('sms');
      for (const [ruleId, f] of Object.entries(s.fired)) {
        expect(f.ev).toHaveLength(1);
        expect(f.ev[0]).toBe(shared);
        expect(withRuleId(f.ev[0] as Evidence, ruleId)).toEqual({ ...shared, ruleId });
      }
    }
  });

  it('reads a state stored by the engine before firings shared their evidence, to the same alerts', () => {
    // Written by the engine at e8677b2 (firings then kept a copy of the evidence per rule): seven
    // indicators of one resident (ordinary and scam SMS, listed calls, a remote-control app) with
    // an open alert, match firings, a window and sequence runs; then six more indicators, each
    // scored on the state read from the stored form and stored again, as the live scorer does, the
    // alerts they gave and the state stored at the end.
    const fixture = JSON.parse(
      readFileSync(new URL('../test/fixtures/stored-state-e8677b2.json', import.meta.url), 'utf8'),
    ) as { stored: string; after: FraudIndicator[]; alerts: Alert[]; storedAfter: string };
    const c = compileRuleSet(builtinRuleSet);
    // The stored form is the same: read and written back, it says the same (the keys of the state's
    // top level come back in another order, as they did at e8677b2).
    expect(JSON.parse(encodeState(decodeState(fixture.stored)))).toEqual(JSON.parse(fixture.stored));
    let json = fixture.stored;
    const alerts: Alert[] = [];
    for (const ind of fixture.after) {
      const r = scoreSubject(c, 'r1', decodeState(json), [ind]);
      alerts.push(...r.alerts);
      json = encodeState(r.state);
    }
    expect(alerts).toHaveLength(2);
    expect(JSON.stringify(alerts)).toBe(JSON.stringify(fixture.alerts));
    expect(json).toBe(fixture.storedAfter);
    // And in memory, read once (as a backtest keeps states).
    let state = decodeState(fixture.stored);
    const inMemory: Alert[] = [];
    for (const ind of fixture.after) {
      const r = scoreSubject(c, 'r1', state, [ind]);
      inMemory.push(...r.alerts);
      state = r.state;
    }
    expect(JSON.stringify(inMemory)).toBe(JSON.stringify(fixture.alerts));
    expect(JSON.parse(encodeState(state))).toEqual(JSON.parse(fixture.storedAfter));
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
