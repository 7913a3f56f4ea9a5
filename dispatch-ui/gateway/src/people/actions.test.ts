import { generateCity } from '@fenghuo/city';
import { type DispatchOrder, examples, Topic, type UserIdentity } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { Jurisdiction } from '../jurisdiction.ts';
import type { StateKind, StateStore } from '../live/state-store.ts';
import { type ActionDeps, ackOrder, issueCommand, setUnitStatus } from './actions.ts';
import type { AuditInput } from './audit.ts';

const jurisdiction = new Jurisdiction(generateCity({ name: 'actions-test' }));
const order: DispatchOrder = { ...examples[Topic.DispatchOrders], orderId: 'o-1', unitId: 'unit-001' };

/** The live state as a map of kind → room → id → value, and a writer that records. */
function deps(items: Record<string, unknown> = {}) {
  const written: { topic?: string; events?: readonly unknown[]; audit: AuditInput }[] = [];
  const state = {
    async get(kind: StateKind, room: string, id: string) {
      return items[`${kind}/${room}/${id}`];
    },
    async read(kinds: StateKind[], rooms: string[]) {
      const out = new Map<StateKind, unknown[]>();
      for (const k of kinds)
        out.set(
          k,
          Object.entries(items)
            .filter(([key]) => rooms.some((r) => key.startsWith(`${k}/${r}/`)))
            .map(([, v]) => v),
        );
      return out;
    },
  } as unknown as StateStore;
  const d: ActionDeps = {
    state,
    jurisdiction,
    now: () => Date.parse('2026-11-27T08:40:00Z'),
    writer: {
      async write(batch, audit) {
        written.push({ topic: batch?.topic, events: batch?.events, audit });
      },
      async audit(audit) {
        written.push({ audit });
      },
    },
  };
  return { d, written };
}

const officer: UserIdentity = { username: 'wang', role: 'officer', unitId: 'unit-001' };
const other: UserIdentity = { username: 'zhou', role: 'officer', unitId: 'unit-002' };

describe('people’s actions', () => {
  it("an officer acks their own active order, with their identity; another officer's try is denied and audited", async () => {
    const { d, written } = deps({ 'orders/unit:unit-001/o-1': order, 'orders/city/o-1': order });
    expect(await ackOrder({ orderId: 'o-1', status: 'accepted' }, { user: officer }, d)).toEqual({
      ok: true,
      data: { eventId: 'ack-o-1-accepted' },
    });
    expect(written[0]).toMatchObject({
      topic: Topic.DispatchAcks,
      events: [{ orderId: 'o-1', unitId: 'unit-001', status: 'accepted', actor: officer, officerId: 'wang' }],
      audit: { action: 'ack', result: 'ok' },
    });
    const denied = await ackOrder({ orderId: 'o-1', status: 'accepted' }, { user: other }, d);
    expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(written[1]).toEqual({
      audit: expect.objectContaining({ action: 'access_denied', result: 'denied', user: other }),
    });
    expect(await ackOrder({ orderId: 'gone', status: 'accepted' }, { user: officer }, d)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('an analyst cannot command; a supervisor sets any unit only by naming it', async () => {
    const { d, written } = deps();
    const command = { type: 'watchlist_add' as const, plate: '浙A12345', reason: 'stolen' };
    const refused = await issueCommand(
      { commandId: 'c-1', command },
      { user: { username: 'ana', role: 'analyst' } },
      d,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(written).toHaveLength(1);
    expect(written[0]!.audit.action).toBe('access_denied');
    const sup: UserIdentity = { username: 'boss', role: 'supervisor' };
    expect(await setUnitStatus({ status: 'busy' }, { user: sup }, d)).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(await setUnitStatus({ status: 'busy', unitId: 'unit-009' }, { user: sup }, d)).toMatchObject({
      ok: true,
    });
    expect(written.at(-1)).toMatchObject({
      topic: Topic.UnitsStatus,
      events: [{ unitId: 'unit-009', status: 'busy', actor: sup }],
    });
  });
});
