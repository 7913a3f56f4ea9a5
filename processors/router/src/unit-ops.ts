/**
 * What decisions do to units, as operations rather than new states: a claim, a release, progress
 * on an order. The commit script applies them in Redis with the same rules (`lua.ts`, COMMIT), so
 * two decisions that give a community officer two warnings at once both land (adding to a list
 * commutes), while two decisions that want the same patrol car cannot both have it (a claim of a
 * patrol unit needs it available with no order). The unit's status records come from the
 * script's result, so they say what Redis now holds.
 */
import type { UnitState } from '@fenghuo/contracts';
import { isExclusive, type UnitOp, type UnitView } from './model.ts';

export type { UnitOp } from './model.ts';

const WORKING: readonly UnitState[] = ['dispatched', 'en_route', 'on_scene'];

/** Whether a unit can be given another order (patrol units one at a time; officers and desks several). */
export function canClaim(u: UnitView): boolean {
  if (isExclusive(u.kind)) return u.status === 'available' && u.orders.length === 0;
  return u.status !== 'off_duty' && u.status !== 'busy';
}

/**
 * The unit after `op`, or `undefined` when a claim's precondition fails. A release of an order the
 * unit does not hold, or progress on one, changes nothing.
 */
export function applyUnitOp(u: UnitView, op: UnitOp): UnitView | undefined {
  switch (op.op) {
    case 'claim':
      if (!canClaim(u)) return undefined;
      return {
        ...u,
        status: u.status === 'available' ? 'dispatched' : u.status,
        orders: [...u.orders, op.orderId],
      };
    case 'release': {
      if (!u.orders.includes(op.orderId)) return u;
      const orders = u.orders.filter((o) => o !== op.orderId);
      return {
        ...u,
        orders,
        status: orders.length === 0 && WORKING.includes(u.status) ? 'available' : u.status,
      };
    }
    case 'progress':
      if (!u.orders.includes(op.orderId) || u.status === 'off_duty' || u.status === 'busy') return u;
      return { ...u, status: op.status };
    default: {
      const unreachable: never = op;
      throw new Error(`unknown unit op ${JSON.stringify(unreachable)}`);
    }
  }
}
