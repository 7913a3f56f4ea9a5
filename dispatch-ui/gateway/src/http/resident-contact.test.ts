import { type Alert, type DispatchOrder, examples, Topic } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import type { StateKind } from '../live/state-store.ts';
import { contactAccess } from './resident-contact.ts';

const alert: Alert = { ...examples[Topic.AlertsRaised], alertId: 'al-1', subjectId: 'res-1', status: 'open' };
const order: DispatchOrder = {
  ...examples[Topic.DispatchOrders],
  orderId: 'ord-1',
  unitId: 'cop-1',
  kind: 'alert',
  refId: 'al-1',
  status: 'active',
};

function state(orders: DispatchOrder[], alerts: Alert[]) {
  return {
    read: async (kinds: readonly StateKind[], rooms: readonly string[]) =>
      new Map<StateKind, unknown[]>([
        ['orders', orders.filter((o) => rooms.includes(`unit:${o.unitId}`) && kinds.includes('orders'))],
      ]),
    get: async <T>(_kind: StateKind, _room: string, id: string) =>
      alerts.find((a) => a.alertId === id) as T | undefined,
  };
}

describe('contactAccess', () => {
  const officer = { username: 'wang', role: 'officer' as const, unitId: 'cop-1' };

  it("allows the officer of an active order about the resident's open alert", async () => {
    expect(await contactAccess(officer, 'res-1', state([order], [alert]))).toMatchObject({
      allowed: true,
      order: { orderId: 'ord-1' },
      alertId: 'al-1',
    });
  });

  it('refuses another officer, another resident, a closed matter and other roles', async () => {
    const s = state([order], [alert]);
    expect(await contactAccess({ ...officer, unitId: 'cop-2' }, 'res-1', s)).toEqual({
      allowed: false,
      reason: 'no_open_order',
    });
    expect(await contactAccess(officer, 'res-2', s)).toEqual({ allowed: false, reason: 'no_open_order' });
    expect(
      await contactAccess(officer, 'res-1', state([{ ...order, status: 'completed' }], [alert])),
    ).toMatchObject({ allowed: false });
    expect(await contactAccess(officer, 'res-1', state([order], []))).toMatchObject({ allowed: false });
    expect(
      await contactAccess(officer, 'res-1', state([{ ...order, kind: 'incident' }], [alert])),
    ).toMatchObject({ allowed: false });
    expect(await contactAccess({ username: 'boss', role: 'supervisor' }, 'res-1', s)).toEqual({
      allowed: false,
      reason: 'not_an_officer',
    });
    expect(await contactAccess({ username: 'x', role: 'officer' }, 'res-1', s)).toEqual({
      allowed: false,
      reason: 'no_unit',
    });
  });
});
