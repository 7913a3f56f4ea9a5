/**
 * Work that comes due in Redis rather than from a topic: an order's acknowledgement deadline, and
 * a matter waiting for a unit. Every router instance polls for due jobs and claims each one
 * atomically, so exactly one instance acts on it; the decision is also idempotent by the matter's
 * state (an order already superseded is not escalated twice).
 */
import { type DecideContext, Draft } from '../draft.ts';
import type { Decision, Matter } from '../model.ts';
import { ALERT_INSTRUCTIONS, fill } from './fill.ts';
import { incidentInstructions } from './incident.ts';

export interface JobOutcome {
  /** What to commit, if anything changed. */
  readonly decision: Decision | undefined;
  /**
   * Where the job goes when nothing changed: back to the order's real deadline (it was claimed
   * early because its unit went off duty, or it is not yet due), or away (`null`).
   */
  readonly rearmAt: number | null;
  /** The deadline is due but waits for `dispatch.acks` to be read through it. */
  readonly heldForAcks?: true;
}

/**
 * How far `dispatch.acks` has been read ({@link AckFence}): a deadline after `readThrough` waits for
 * the answers that may still be unread, and its job comes back at `retryAt`.
 */
export interface AcksRead {
  readonly readThrough: number;
  readonly retryAt: number;
}

/**
 * The deadline of `orderId` came (or its unit went away): escalate it if it still waits for an
 * answer. A missing answer counts only once `dispatch.acks` is read through the deadline (`acks`;
 * omitted = read): an officer's `accepted` appended in time but not yet read stops it.
 */
export function decideDeadline(
  ctx: DecideContext,
  matter: Matter,
  orderId: string,
  acks?: AcksRead,
): JobOutcome {
  const slot = matter.orders.find((s) => s.order.orderId === orderId);
  if (slot?.order.status !== 'active' || slot.acceptedAt !== undefined || matter.closed) {
    return { decision: undefined, rearmAt: null };
  }
  const deadline = Date.parse(slot.order.ackDeadline);
  const unit = ctx.unit(slot.order.unitId);
  const gone = !unit || unit.status === 'off_duty' || unit.status === 'busy' || !ctx.offered(unit);
  if (deadline > ctx.now && !gone) return { decision: undefined, rearmAt: deadline };
  if (!gone && acks && deadline > acks.readThrough)
    return { decision: undefined, rearmAt: acks.retryAt, heldForAcks: true };
  // One decision per deadline of the order: a second claim of the same job finds it seen.
  const d = new Draft(ctx, matter, `deadline:${orderId}:${deadline}`, matter.correlationId);
  const s = d.slot(orderId);
  if (!s) return { decision: undefined, rearmAt: null };
  d.escalate(s, gone ? 'unavailable' : 'no_ack');
  return { decision: d.finish(), rearmAt: null };
}

/** A matter waiting for a unit: try again. */
export function decideRetry(ctx: DecideContext, matter: Matter, dueAt: number): JobOutcome {
  if (matter.closed) return { decision: undefined, rearmAt: null };
  const d = new Draft(ctx, matter, `retry:${matter.refId}:${dueAt}`, matter.correlationId);
  const m = d.matter;
  const kind = m.refKind === 'alert' ? 'alert' : 'incident';
  fill(
    d,
    kind,
    m.instructions ??
      (m.refKind === 'alert' && m.level ? ALERT_INSTRUCTIONS[m.level] : incidentInstructions(m)),
  );
  const decision = d.finish();
  // Still nobody free and nothing else changed: the job goes back to the queue as it is, with no
  // commit (while every unit is out, each waiting matter would otherwise be rewritten every try).
  const unchanged =
    decision.unitOps.length === 0 && Object.values(decision.outputs).every((list) => list.length === 0);
  if (unchanged && typeof decision.retryAt === 'number')
    return { decision: undefined, rearmAt: decision.retryAt };
  return { decision, rearmAt: null };
}
