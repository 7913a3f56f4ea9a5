/**
 * A fraud warning (a revision of an alert) → an order to the community officer of the victim's
 * cell, or the next rung that can answer (duty desk, nearest patrol…). A later revision updates
 * the same order in place (its level, instructions and, for an unaccepted order, a shorter
 * deadline) instead of sending anyone new; a closed alert cancels its orders.
 */
import type { Alert } from '@fenghuo/contracts';
import { type DecideContext, Draft } from '../draft.ts';
import { deadlineSecOf } from '../ladder.ts';
import { type Decision, type Matter, priorityOfLevel } from '../model.ts';
import { ALERT_INSTRUCTIONS, fill } from './fill.ts';

export function alertDecisionId(alert: Alert): string {
  return `alert:${alert.alertId}:r${alert.revision}`;
}

function newMatter(ctx: DecideContext, alert: Alert, correlationId: string | undefined): Matter {
  const cell =
    (alert.gridCellId ? ctx.city.cell(alert.gridCellId) : undefined) ??
    (alert.location ? ctx.city.cellAt(alert.location) : undefined);
  const gridCellId = cell?.id ?? alert.gridCellId;
  return {
    refKind: 'alert',
    refId: alert.alertId,
    category: 'alert',
    deadlineClass: alert.level,
    priority: priorityOfLevel(alert.level),
    level: alert.level,
    ...(alert.location ? { location: alert.location } : {}),
    ...(gridCellId === undefined ? {} : { gridCellId }),
    ...(cell ? { stationId: cell.stationId } : {}),
    signalAt: Math.min(ctx.now, Date.parse(alert.updatedAt) || ctx.now),
    inputRevision: 0,
    needed: 1,
    orders: [],
    closed: false,
    seen: [],
    ...(correlationId === undefined ? {} : { correlationId }),
  };
}

/** `undefined` when the revision is not newer than the one applied (a redelivery). */
export function decideAlert(
  ctx: DecideContext,
  prev: Matter | undefined,
  alert: Alert,
  correlationId: string | undefined,
): Decision | undefined {
  if (prev && (prev.closed || alert.revision <= prev.inputRevision)) return undefined;
  const d = new Draft(
    ctx,
    prev ?? newMatter(ctx, alert, correlationId),
    alertDecisionId(alert),
    correlationId ?? prev?.correlationId,
  );
  const m = d.matter;
  const upgraded = prev !== undefined && prev.level !== alert.level;
  m.inputRevision = alert.revision;
  m.level = alert.level;
  m.priority = priorityOfLevel(alert.level);
  m.deadlineClass = alert.level;
  if (alert.location) m.location = alert.location;
  d.timeline(
    {
      type: 'raised',
      revision: alert.revision,
      level: alert.level,
      fraudType: alert.fraudType,
      ...(alert.location ? { location: alert.location } : {}),
      summary: alert.reason.en.slice(0, 1000),
    },
    String(alert.revision),
  );
  if (alert.status === 'closed') {
    d.close('expired', 'cancelled');
    return d.finish();
  }
  const instructions = ALERT_INSTRUCTIONS[alert.level];
  if (upgraded) {
    for (const slot of d.activeSlots()) {
      let ackDeadline = slot.order.ackDeadline;
      if (slot.acceptedAt === undefined) {
        const sooner = ctx.now + deadlineSecOf(ctx.ladder, m.category, slot.rungIndex, alert.level) * 1000;
        const at = Math.min(Date.parse(ackDeadline), sooner);
        ackDeadline = new Date(at).toISOString();
        d.setDeadline(slot.order.orderId, at);
      }
      d.revise(slot, { level: alert.level, priority: m.priority, instructions, ackDeadline }, true);
    }
  }
  fill(d, 'alert', instructions);
  return d.finish();
}
