/**
 * Operators' commands about alerts and incidents: assign another unit, reassign an order, stand a
 * unit down, close the matter. Each is carried out once (its command id) and recorded with who
 * issued it; one that cannot be carried out (the unit is busy, the order is over) is audited as
 * failed and changes nothing. Creating an incident is `decideIncident`; pursuits and the watch list
 * are the interceptor's.
 */
import type { OperatorCommand } from '@fenghuo/contracts';
import { actorOf, type DecideContext, Draft } from '../draft.ts';
import { type Decision, isActive, type Matter } from '../model.ts';
import { ALERT_INSTRUCTIONS } from './fill.ts';
import { incidentInstructions } from './incident.ts';

export function commandDecisionId(c: OperatorCommand): string {
  return `cmd:${c.commandId}`;
}

export function decideCommand(
  ctx: DecideContext,
  matter: Matter,
  c: OperatorCommand,
  correlationId: string | undefined,
): Decision | undefined {
  const body = c.command;
  const actor = actorOf(c.user);
  const d = new Draft(ctx, matter, commandDecisionId(c), correlationId ?? matter.correlationId, actor);
  const m = d.matter;
  const kind = m.refKind === 'alert' ? 'alert' : 'incident';
  const instructions =
    m.refKind === 'alert' && m.level ? ALERT_INSTRUCTIONS[m.level] : incidentInstructions(m);
  switch (body.type) {
    case 'assign': {
      const to = d.destination();
      if (m.closed) d.refuse(body.type, 'matter closed', body.unitId);
      else if (!to) d.refuse(body.type, 'matter has no place to go to', body.unitId);
      else if (!d.canTake(body.unitId, true))
        d.refuse(body.type, 'unit cannot take an order now', body.unitId);
      else {
        d.issue({
          unitId: body.unitId,
          kind,
          rungIndex: 0,
          destination: to,
          escalationLevel: 0,
          instructions: body.instructions ?? instructions,
          ...(actor ? { assignedBy: actor } : {}),
          override: true,
        });
        m.needed = Math.max(m.needed, d.activeSlots().length);
      }
      break;
    }
    case 'reassign': {
      const slot = d.slot(body.orderId);
      if (!slot || !isActive(slot)) d.refuse(body.type, 'order not active', body.orderId);
      else if (!d.canTake(body.unitId, true))
        d.refuse(body.type, 'unit cannot take an order now', body.unitId);
      else {
        d.end(slot, 'superseded');
        d.issue({
          unitId: body.unitId,
          kind: slot.order.kind,
          rungIndex: slot.rungIndex,
          destination: slot.order.destination,
          ...(slot.order.nodeId === undefined ? {} : { nodeId: slot.order.nodeId }),
          escalationLevel: slot.order.escalationLevel,
          supersedes: slot.order.orderId,
          ...(slot.order.instructions === undefined ? {} : { instructions: slot.order.instructions }),
          ...(actor ? { assignedBy: actor } : {}),
          override: true,
        });
      }
      break;
    }
    case 'stand_down': {
      const slot = d.slot(body.orderId);
      if (!slot || !isActive(slot) || slot.order.unitId !== body.unitId) {
        d.refuse(body.type, 'order not active for that unit', body.orderId);
      } else {
        d.end(slot, 'cancelled');
        d.timeline({
          type: 'stood_down',
          orderId: slot.order.orderId,
          unitId: slot.order.unitId,
          ...(body.reason ? { reason: body.reason } : {}),
        });
        // The operator decided: nobody is sent in its place.
        m.needed = Math.max(0, m.needed - 1);
        if (d.activeSlots().length >= m.needed) d.retryAt = null;
      }
      break;
    }
    case 'close':
      if (m.closed) d.refuse(body.type, 'matter closed', m.refId);
      else d.close('operator', 'cancelled', body.reason);
      break;
    case 'create_incident':
    case 'start_pursuit':
    case 'stop_pursuit':
    case 'watchlist_add':
    case 'watchlist_remove':
      return undefined;
    default: {
      const unreachable: never = body;
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
    }
  }
  return d.finish();
}
