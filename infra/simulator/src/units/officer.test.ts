import { type DispatchOrder, examples, Topic } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.ts';
import { Officer, type OfficerAction } from './officer.ts';

const base: DispatchOrder = examples[Topic.DispatchOrders];
const order = (over: Partial<DispatchOrder>): DispatchOrder => ({
  ...base,
  revision: 1,
  status: 'active',
  ...over,
});
const timing = { acceptSec: [10, 20], onSceneSec: [100, 200] } as const;
const acks = (actions: OfficerAction[]) => actions.flatMap((a) => (a.do === 'ack' ? [a.status] : []));

describe('an officer answering orders', () => {
  it('receives, accepts after a moment, drives, arrives, deals with it, completes and patrols again', () => {
    const officer = new Officer(new Rng(1), timing);
    const o = order({ orderId: 'o-1', kind: 'incident' });
    expect(acks(officer.order(o, 0))).toEqual(['received']);
    expect(officer.state.kind).toBe('assigned');
    expect(officer.tick(9_999)).toEqual([]);
    const go = officer.tick(20_000);
    expect(acks(go)).toEqual(['accepted', 'en_route']);
    expect(go).toContainEqual({ do: 'drive', orderId: 'o-1', to: o.destination });
    expect(officer.state.kind).toBe('driving');
    expect(officer.tick(1_000_000)).toEqual([]);
    expect(acks(officer.arrived(1_000_000))).toEqual(['on_scene']);
    expect(officer.tick(1_000_000 + 99_000)).toEqual([]);
    const done = officer.tick(1_000_000 + 200_000);
    expect(acks(done)).toEqual(['completed']);
    expect(done.find((a) => a.do === 'ack' && a.status === 'completed')).toHaveProperty('note');
    expect(done.at(-1)).toEqual({ do: 'patrol' });
    expect(done.some((a) => a.do === 'outcome')).toBe(false);
    expect(officer.state.kind).toBe('patrolling');
  });

  it('records the outcome of a fraud warning before completing the order', () => {
    const officer = new Officer(new Rng(2), timing);
    officer.order(order({ orderId: 'o-a', kind: 'alert', refId: 'al-9' }), 0);
    officer.tick(20_000);
    officer.arrived(30_000);
    const done = officer.tick(30_000 + 200_000);
    const outcome = done.find((a) => a.do === 'outcome');
    expect(outcome).toMatchObject({ do: 'outcome', alertId: 'al-9', orderId: 'o-a' });
    expect(done.indexOf(outcome!)).toBeLessThan(done.findIndex((a) => a.do === 'ack'));
    if (outcome?.do === 'outcome') {
      // Amounts go with the outcomes the gateway accepts them with.
      if (outcome.amountSaved !== undefined)
        expect(['dissuaded', 'loss_prevented']).toContain(outcome.outcome);
      if (outcome.lossAmount !== undefined) expect(outcome.outcome).toBe('too_late');
    }
  });

  it('phones the resident of a notice-level warning: accepts, no driving, outcome, completed', () => {
    const officer = new Officer(new Rng(4), { ...timing, phoneSec: [60, 120] });
    const o = order({ orderId: 'o-n', kind: 'alert', refId: 'al-n', level: 'notice' });
    expect(acks(officer.order(o, 0))).toEqual(['received']);
    const taken = officer.tick(20_000);
    expect(acks(taken)).toEqual(['accepted']);
    expect(taken.some((a) => a.do === 'drive')).toBe(false);
    expect(officer.state.kind).toBe('phoning');
    expect(officer.arrived(30_000)).toEqual([]);
    expect(officer.tick(20_000 + 59_000)).toEqual([]);
    const done = officer.tick(20_000 + 120_000);
    expect(done.find((a) => a.do === 'outcome')).toMatchObject({ alertId: 'al-n', orderId: 'o-n' });
    expect(acks(done)).toEqual(['completed']);
    expect(done.at(-1)).toEqual({ do: 'patrol' });
    expect(officer.state.kind).toBe('patrolling');
  });

  it('visits a warning upgraded while phoning about it', () => {
    const officer = new Officer(new Rng(5), timing);
    officer.order(order({ orderId: 'o-u', kind: 'alert', refId: 'al-u', level: 'notice' }), 0);
    officer.tick(20_000);
    const up = order({ orderId: 'o-u', kind: 'alert', refId: 'al-u', level: 'urgent', revision: 2 });
    const go = officer.order(up, 30_000);
    expect(acks(go)).toEqual(['en_route']);
    expect(go).toContainEqual({ do: 'drive', orderId: 'o-u', to: up.destination });
    expect(acks(officer.arrived(90_000))).toEqual(['on_scene']);
  });

  it('at a duty desk, phones about every order, whatever its level or kind', () => {
    const desk = new Officer(new Rng(7), { ...timing, phoneSec: [60, 120] }, { phoneOnly: true });
    desk.order(order({ orderId: 'o-d', kind: 'alert', refId: 'al-d', level: 'urgent' }), 0);
    const taken = desk.tick(20_000);
    expect(acks(taken)).toEqual(['accepted']);
    expect(taken.some((a) => a.do === 'drive')).toBe(false);
    const done = desk.tick(20_000 + 120_000);
    expect(done.find((a) => a.do === 'outcome')).toMatchObject({ alertId: 'al-d' });
    expect(acks(done)).toEqual(['completed']);
    desk.order(order({ orderId: 'o-i', kind: 'incident' }), 200_000);
    expect(acks(desk.tick(220_000))).toEqual(['accepted']);
    expect(desk.state.kind).toBe('phoning');
  });

  it('visits warnings above notice level', () => {
    const officer = new Officer(new Rng(6), timing);
    officer.order(order({ orderId: 'o-w', kind: 'alert', refId: 'al-w', level: 'warning' }), 0);
    expect(acks(officer.tick(20_000))).toEqual(['accepted', 'en_route']);
    expect(officer.state.kind).toBe('driving');
  });

  it('drops an order stood down or superseded, ignores stale revisions and repeats', () => {
    const officer = new Officer(new Rng(3), timing);
    officer.order(order({ orderId: 'o-1', revision: 2 }), 0);
    expect(officer.order(order({ orderId: 'o-1', revision: 1 }), 1)).toEqual([]);
    expect(officer.order(order({ orderId: 'o-1', revision: 2 }), 1)).toEqual([]);
    officer.tick(20_000);
    expect(officer.order(order({ orderId: 'o-1', revision: 3, status: 'cancelled' }), 30_000)).toEqual([
      { do: 'patrol' },
    ]);
    expect(officer.state.kind).toBe('patrolling');
    // Another unit's order that ends means nothing to this officer.
    expect(officer.order(order({ orderId: 'o-2', status: 'superseded' }), 40_000)).toEqual([]);
  });

  it('a new destination of the order being driven to is driven to', () => {
    const officer = new Officer(new Rng(4), timing);
    officer.order(order({ orderId: 'o-1' }), 0);
    officer.tick(20_000);
    const moved = { lat: 30.3, lon: 120.2 };
    expect(officer.order(order({ orderId: 'o-1', revision: 2, destination: moved }), 25_000)).toEqual([
      { do: 'drive', orderId: 'o-1', to: moved },
    ]);
  });

  it('refuses a second order while busy with one', () => {
    const officer = new Officer(new Rng(5), timing);
    officer.order(order({ orderId: 'o-1' }), 0);
    const second = officer.order(order({ orderId: 'o-2' }), 5_000);
    expect(acks(second)).toEqual(['received', 'refused']);
    expect(officer.orderId).toBe('o-1');
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const officer = new Officer(new Rng(seed));
      const out: unknown[] = [];
      out.push(officer.order(order({ orderId: 'o-1', kind: 'alert' }), 0));
      for (let t = 0; t < 4_000_000; t += 5_000) {
        out.push(officer.tick(t));
        if (officer.state.kind === 'driving') out.push(officer.arrived(t), t);
      }
      return out;
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
});
