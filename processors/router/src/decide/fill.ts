/** Giving a matter the orders it still needs, and the texts orders carry. */
import type { AlertLevel, IncidentCategory, OrderKind } from '@fenghuo/contracts';
import type { Draft } from '../draft.ts';

/** What an officer is to do about a fraud warning, by level. */
export const ALERT_INSTRUCTIONS: Readonly<Record<AlertLevel, string>> = {
  notice: '电话联系居民，核实情况并劝阻。Phone the resident: check what is happening and dissuade.',
  warning: '立即电话联系居民，并上门劝阻。Phone the resident now, then visit.',
  urgent: '立即上门劝阻，并通知银行止付。Visit now, and tell the bank to stop the transfer.',
};

/** Incidents that need two units at once. */
export const TWO_UNIT_CATEGORIES: ReadonlySet<IncidentCategory> = new Set(['violence', 'robbery']);

/**
 * Issues orders until the matter has as many as it needs (active ones, and completed ones: a job
 * done needs nobody more), climbing the ladder from its first rung for each. What no one can take
 * is tried again after the queue delay.
 */
export function fill(d: Draft, kind: OrderKind, instructions: string | undefined): void {
  const m = d.matter;
  if (m.closed) {
    d.retryAt = null;
    return;
  }
  const held = m.orders.filter((s) => s.order.status === 'active' || s.order.status === 'completed').length;
  let missing = m.needed - held;
  while (missing > 0) {
    // A matter that needs more than one unit ranks the next ones in the same search.
    const slot = d.dispatchFrom(
      0,
      { kind, escalationLevel: 0, ...(instructions === undefined ? {} : { instructions }) },
      undefined,
      missing - 1,
    );
    if (!slot) break;
    missing--;
  }
  d.retryAt = missing > 0 ? d.now + d.ctx.queueRetryMs : null;
}
