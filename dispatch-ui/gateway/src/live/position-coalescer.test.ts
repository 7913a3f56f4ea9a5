import type { LivePosition } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { PositionCoalescer } from './position-coalescer.ts';

const p = (unitId: string, second: number): LivePosition => ({
  unitId,
  location: { lat: 30, lon: 120 },
  at: new Date(Date.UTC(2026, 10, 27, 8, 0, second)).toISOString(),
});

describe('PositionCoalescer', () => {
  it('emits the newest position of each unit once per flush, one array per room', () => {
    const out: [string, LivePosition[]][] = [];
    const c = new PositionCoalescer({
      roomsOf: (x) => (x.unitId === 'a' ? ['city', 'station:1'] : ['city']),
      emit: (room, list) => out.push([room, list]),
    });
    c.offer(p('a', 1));
    c.offer(p('a', 3));
    c.offer(p('a', 2)); // late: older than what is held
    c.offer(p('b', 1));
    expect(c.flush()).toBe(2);
    expect(out).toEqual([
      ['city', [p('a', 3), p('b', 1)]],
      ['station:1', [p('a', 3)]],
    ]);
    expect(c.flush()).toBe(0);
  });
});
