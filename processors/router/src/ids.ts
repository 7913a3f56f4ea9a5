/**
 * Deterministic ids. An order id comes from the matter and the unit (and how many orders that unit
 * already had on the matter), so the same decision replayed gives the same id; every other id the
 * router writes (timeline entries, unit statuses, audit events) comes from the order or input it is
 * about. Ids stay within the contracts' 128 characters: a longer one keeps its head and ends in a hash.
 */
import { createHash } from 'node:crypto';

const MAX_ID = 128;

/** Joins parts with `sep`; an id longer than 128 characters becomes its first 100 plus a hash. */
export function boundedId(parts: readonly (string | number)[], sep = '-'): string {
  const id = parts.join(sep);
  if (id.length <= MAX_ID) return id;
  const hash = createHash('sha1').update(id).digest('hex').slice(0, 20);
  return `${id.slice(0, MAX_ID - hash.length - 1)}~${hash}`;
}

/**
 * `ord-<refId>-<unitId>` for a unit's first order on a matter, `…-2`, `…-3` for later ones (a unit
 * reassigned back, a checkpoint moved).
 */
export function orderIdFor(refId: string, unitId: string, previousOrdersOfUnit: number): string {
  return boundedId(
    previousOrdersOfUnit === 0 ? ['ord', refId, unitId] : ['ord', refId, unitId, previousOrdersOfUnit + 1],
  );
}

/**
 * `int-<pursuitId>-<unitId>-<nodeId>`: the id of a checkpoint assignment, as the interceptor names it
 * in its plans (`Checkpoint.orderId`, docs/interception.md) and recognises its pursuit's orders by
 * (the `int-<pursuitId>-` prefix of a unit's status). Used when a plan does not name the id (an
 * escalation, an operator's reassignment).
 */
export function interceptionOrderId(pursuitId: string, unitId: string, nodeId: string): string {
  return boundedId([`int-${pursuitId}-${unitId}-${nodeId}`.replace(/\s+/g, '_')]);
}

/**
 * `id` when `taken(id)` is false, else `id-2`, `id-3`…: a unit sent back to a checkpoint it was
 * moved from gets an order of its own, not the superseded one again.
 */
export function unusedId(id: string, taken: (id: string) => boolean): string {
  if (!taken(id)) return id;
  for (let n = 2; ; n++) {
    const next = boundedId([id, n]);
    if (!taken(next)) return next;
  }
}

/** The id of a timeline entry: `<refId>:<type>[:<what>…]`. */
export function timelineId(refId: string, type: string, ...what: (string | number)[]): string {
  return boundedId([refId, type, ...what], ':');
}
