/**
 * An officer's answer to an order. `accepted` stops the escalation clock; `refused` escalates at
 * once; `en_route` and `on_scene` move the unit (and imply acceptance); `completed` ends the order
 * and frees the unit, and an incident with no order left open is resolved (an `incident.resolved`
 * entry with the officer's outcome and the caller's satisfaction, then `closed`). Answers to an order
 * that is no longer active (superseded, stood down) change nothing.
 */
import type { DispatchAck } from '@fenghuo/contracts';
import { actorOf, type DecideContext, Draft } from '../draft.ts';
import type { Decision, Matter } from '../model.ts';

export function ackDecisionId(ack: DispatchAck): string {
  return `ack:${ack.eventId}`;
}

export function decideAck(
  ctx: DecideContext,
  matter: Matter,
  ack: DispatchAck,
  correlationId: string | undefined,
): Decision | undefined {
  const d = new Draft(
    ctx,
    matter,
    ackDecisionId(ack),
    correlationId ?? matter.correlationId,
    actorOf(ack.actor),
  );
  const slot = d.slot(ack.orderId);
  if (!slot || slot.order.unitId !== ack.unitId) return undefined;
  if (slot.order.status !== 'active') return d.finish();
  const at = Math.min(ctx.now, Date.parse(ack.at) || ctx.now);
  // The entries say when the officer answered, not when the router read it.
  const ids = { orderId: slot.order.orderId, unitId: slot.order.unitId, at: new Date(at).toISOString() };
  switch (ack.status) {
    case 'received':
      break;
    case 'accepted':
      if (d.accept(slot, at)) d.timeline({ type: 'acknowledged', ...ids });
      break;
    case 'refused':
      d.timeline({ type: 'refused', ...ids, ...(ack.note ? { reason: ack.note } : {}) });
      d.escalate(slot, 'refused');
      break;
    case 'en_route':
      if (d.accept(slot, at)) d.timeline({ type: 'acknowledged', ...ids });
      if (slot.enRouteAt === undefined) {
        slot.enRouteAt = at;
        d.progress(slot, 'en_route');
        d.timeline({ type: 'en_route', ...ids });
      }
      break;
    case 'on_scene':
      if (d.accept(slot, at)) d.timeline({ type: 'acknowledged', ...ids });
      if (slot.onSceneAt === undefined) {
        slot.onSceneAt = at;
        d.progress(slot, 'on_scene');
        d.timeline({ type: 'on_scene', ...ids });
        d.sample('dispatchToOnScene', slot.order.orderId, (at - Date.parse(slot.order.issuedAt)) / 1000);
      }
      break;
    case 'completed': {
      d.end(slot, 'completed');
      d.timeline({ type: 'resolved', ...ids, ...(ack.note ? { note: ack.note } : {}) });
      const m = d.matter;
      if (ack.resolution) m.resolution = { ...ack.resolution };
      if (m.refKind === 'incident' && d.activeSlots().length === 0) {
        // The incident is over: what the officer recorded (complaint risk is judged on it). A
        // complaint follow-up's own end is not an incident's.
        if (m.category !== 'complaint_followup')
          d.timeline({
            type: 'incident.resolved',
            ...ids,
            ...(m.incidentCategory === undefined ? {} : { category: m.incidentCategory }),
            ...(m.resolution === undefined ? {} : m.resolution),
            ...(m.address === undefined ? {} : { address: m.address.slice(0, 500) }),
            ...(m.location === undefined ? {} : { location: m.location }),
            ...(ack.note ? { note: ack.note } : {}),
          });
        d.close('resolved', 'completed');
      }
      break;
    }
    default: {
      const unreachable: never = ack.status;
      throw new Error(`unknown ack status ${String(unreachable)}`);
    }
  }
  return d.finish();
}
