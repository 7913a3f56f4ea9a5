import { describe, expect, it } from 'vitest';
import { boundedId, orderIdFor } from './ids.ts';
import { summarize } from './metrics.ts';
import type { SampleMetric, UnitView } from './model.ts';
import { applyUnitOp } from './unit-ops.ts';

const unit = (
  kind: UnitView['kind'],
  status: UnitView['status'] = 'available',
  orders: string[] = [],
): UnitView => ({
  id: 'u1',
  kind,
  stationId: 's1',
  status,
  orders,
  lon: 120,
  lat: 30,
  seenAt: 1,
});

describe('unit operations (what the commit script does too)', () => {
  it('a patrol unit takes one order at a time', () => {
    const taken = applyUnitOp(unit('patrol_car'), { op: 'claim', unitId: 'u1', orderId: 'o1' });
    expect(taken).toMatchObject({ status: 'dispatched', orders: ['o1'] });
    expect(applyUnitOp(taken as UnitView, { op: 'claim', unitId: 'u1', orderId: 'o2' })).toBeUndefined();
    expect(
      applyUnitOp(unit('patrol_car', 'off_duty'), { op: 'claim', unitId: 'u1', orderId: 'o1' }),
    ).toBeUndefined();
  });

  it('an officer takes several; released from the last, available again', () => {
    let u = unit('community_officer');
    u = applyUnitOp(u, { op: 'claim', unitId: 'u1', orderId: 'o1' }) as UnitView;
    u = applyUnitOp(u, { op: 'claim', unitId: 'u1', orderId: 'o2' }) as UnitView;
    expect(u).toMatchObject({ status: 'dispatched', orders: ['o1', 'o2'] });
    u = applyUnitOp(u, { op: 'progress', unitId: 'u1', orderId: 'o2', status: 'on_scene' }) as UnitView;
    u = applyUnitOp(u, { op: 'release', unitId: 'u1', orderId: 'o1' }) as UnitView;
    expect(u).toMatchObject({ status: 'on_scene', orders: ['o2'] });
    u = applyUnitOp(u, { op: 'release', unitId: 'u1', orderId: 'o2' }) as UnitView;
    expect(u).toMatchObject({ status: 'available', orders: [] });
    expect(
      applyUnitOp(unit('community_officer', 'busy'), { op: 'claim', unitId: 'u1', orderId: 'o3' }),
    ).toBeUndefined();
  });

  it('an off-duty unit freed of its order stays off duty', () => {
    const u = applyUnitOp(unit('patrol_car', 'off_duty', ['o1']), {
      op: 'release',
      unitId: 'u1',
      orderId: 'o1',
    });
    expect(u).toMatchObject({ status: 'off_duty', orders: [] });
  });
});

describe('ids', () => {
  it('are deterministic and stay within 128 characters', () => {
    expect(orderIdFor('inc-1', 'unit-007', 0)).toBe('ord-inc-1-unit-007');
    expect(orderIdFor('inc-1', 'unit-007', 1)).toBe('ord-inc-1-unit-007-2');
    const long = boundedId(['ord', 'x'.repeat(200), 'unit-1']);
    expect(long).toHaveLength(128);
    expect(long).toBe(boundedId(['ord', 'x'.repeat(200), 'unit-1']));
    expect(long).not.toBe(boundedId(['ord', 'x'.repeat(200), 'unit-2']));
  });
});

describe('GET /v1/summary', () => {
  it('p50 and p90 per priority, priorities without samples left out', () => {
    const samples = new Map<`${SampleMetric}:${number}`, number[]>([
      ['signalToDispatch:1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
      ['dispatchToOnScene:1', [300]],
    ]);
    const s = summarize(samples, Date.parse('2026-11-27T18:00:00Z'), 3600);
    expect(s).toEqual({
      at: '2026-11-27T18:00:00.000Z',
      windowSec: 3600,
      priorities: [
        {
          priority: 1,
          signalToDispatch: { count: 10, p50Sec: 5, p90Sec: 9 },
          dispatchToAck: { count: 0 },
          dispatchToOnScene: { count: 1, p50Sec: 300, p90Sec: 300 },
        },
      ],
    });
  });
});
