import { describe, expect, it } from 'vitest';
import {
  addToWindow,
  bucketWidth,
  distinctCap,
  emptyWindow,
  MAX_BUCKETS,
  MAX_RECENT,
  type WindowRuleShape,
  type WindowState,
  windowFigures,
} from './window.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-27T08:00:00.000Z');

function rule(aggregate: WindowRuleShape['aggregate'], windowMin: number, threshold = 3): WindowRuleShape {
  const windowMs = windowMin * MIN;
  return { aggregate, windowMs, bucketMs: bucketWidth(windowMs), distinctCap: distinctCap(threshold) };
}

function feed(r: WindowRuleShape, entries: { min: number; v?: number | string; l?: string; f?: boolean }[]) {
  const ws: WindowState = emptyWindow(r.bucketMs);
  entries.forEach((e, i) => {
    addToWindow(ws, r, {
      t: T0 + e.min * MIN,
      id: `e${i}`,
      ...(e.v === undefined ? {} : { v: e.v }),
      ...(e.l === undefined ? {} : { l: e.l }),
      ...(e.f === undefined ? {} : { f: e.f }),
    });
  });
  return ws;
}

describe('window aggregates', () => {
  it('uses 1/60 of the window as bucket width, at least a second', () => {
    expect(bucketWidth(20 * MIN)).toBe(20_000);
    expect(bucketWidth(1440 * MIN)).toBe(24 * MIN);
    expect(bucketWidth(10_000)).toBe(1_000);
  });

  it('counts and sums exactly over the buckets inside the window', () => {
    const r = rule('sum', 60);
    const ws = feed(r, [
      { min: 0, v: 30_000, f: true },
      { min: 0.2, v: 5, f: true },
      { min: 10, v: 25_000, f: true },
    ]);
    const f = windowFigures(ws, r, T0 + 10 * MIN);
    expect(f).toMatchObject({ count: 3, sum: 55_005, minT: T0, listed: true, eventIds: ['e0', 'e1', 'e2'] });
    // 61 minutes on, only the entry at minute 10 is left.
    const later = windowFigures(ws, r, T0 + 61 * MIN);
    expect(later).toMatchObject({ count: 1, sum: 25_000, eventIds: ['e2'] });
  });

  it('reaches back to the start of the bucket holding t − window, no further', () => {
    const r = rule('count', 60); // 1-minute buckets
    const ws = feed(r, [{ min: 0.5 }, { min: 0.9 }]);
    // t − window = minute 0.7: the bucket [0, 1) still overlaps the window, so both count.
    expect(windowFigures(ws, r, T0 + 60.7 * MIN).count).toBe(2);
    // t − window = minute 1: the bucket is wholly before the window.
    expect(windowFigures(ws, r, T0 + 61 * MIN).count).toBe(0);
  });

  it('marks the window listed only when every entry counted was flagged', () => {
    const r = rule('count', 20);
    expect(windowFigures(feed(r, [{ min: 0, f: true }, { min: 1 }]), r, T0 + MIN).listed).toBe(false);
    expect(
      windowFigures(
        feed(r, [
          { min: 0, f: true },
          { min: 1, f: true },
        ]),
        r,
        T0 + MIN,
      ).listed,
    ).toBe(true);
  });

  it('counts distinct values exactly up to a cap above the threshold', () => {
    const r = rule('distinct', 1440, 3);
    const ws = feed(r, [
      { min: 0, v: 'A' },
      { min: 1, v: 'B' },
      { min: 2, v: 'A' },
      { min: 3, v: 'C' },
    ]);
    expect(windowFigures(ws, r, T0 + 3 * MIN).distinct).toBe(3);
    const many = feed(
      r,
      Array.from({ length: 100 }, (_, i) => ({ min: i, v: `P${i}` })),
    );
    expect(many.d).toHaveLength(r.distinctCap);
    expect(windowFigures(many, r, T0 + 99 * MIN).distinct).toBe(r.distinctCap);
    expect(r.distinctCap).toBeGreaterThan(3);
  });

  it('keeps distinct labels by their latest time and names at most a few', () => {
    const r = rule('count', 20);
    const ws = feed(r, [
      { min: 0, l: '170****0001' },
      { min: 1, l: '170****0002' },
      { min: 2, l: '170****0001' },
    ]);
    expect(windowFigures(ws, r, T0 + 2 * MIN).labels).toEqual(['170****0002', '170****0001']);
    // 21 minutes after minute 1, only the label last seen at minute 2 is inside.
    expect(windowFigures(ws, r, T0 + 21.5 * MIN).labels).toEqual(['170****0001']);
  });

  it('stays bounded however many entries arrive', () => {
    const r = rule('sum', 60);
    const ws = feed(
      r,
      Array.from({ length: 20_000 }, (_, i) => ({ min: i / 10, v: 100, l: `L${i % 50}` })),
    );
    expect(ws.b.length).toBeLessThanOrEqual(61);
    expect(ws.b.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(ws.r).toHaveLength(MAX_RECENT);
    expect(ws.l.length).toBeLessThanOrEqual(8);
    // One entry every 6 s: the window [1939.9, 1999.9] min reaches back to the bucket starting at
    // minute 1939, so it holds the 61 one-minute buckets 1939 … 1999 of 10 entries each.
    const f = windowFigures(ws, r, T0 + 1999.9 * MIN);
    expect(f.count).toBe(610);
    expect(f.sum).toBe(61_000);
  });

  it('places an out-of-order entry in its own bucket', () => {
    const r = rule('count', 20);
    const ws = feed(r, [{ min: 0 }, { min: 10 }, { min: 5 }]);
    expect(ws.b.map((b) => (b[0] - T0) / MIN)).toEqual([0, 5, 10]);
    expect(windowFigures(ws, r, T0 + 10 * MIN).count).toBe(3);
  });
});
