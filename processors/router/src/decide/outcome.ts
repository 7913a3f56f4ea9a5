/**
 * What came of a fraud warning (an officer's outcome label): an outcome entry on the alert's
 * timeline, its orders completed, the matter closed.
 */
import type { OutcomeLabel } from '@fenghuo/contracts';
import { type DecideContext, Draft } from '../draft.ts';
import type { Decision, Matter } from '../model.ts';

export function outcomeDecisionId(label: OutcomeLabel): string {
  return `outcome:${label.eventId}`;
}

/** A matter for an alert the router never saw raised (the label came first). */
export function outcomeOnlyMatter(ctx: DecideContext, label: OutcomeLabel): Matter {
  return {
    refKind: 'alert',
    refId: label.alertId,
    category: 'alert',
    deadlineClass: 'notice',
    priority: 3,
    signalAt: ctx.now,
    inputRevision: 0,
    needed: 0,
    orders: [],
    closed: false,
    seen: [],
  };
}

export function decideOutcome(
  ctx: DecideContext,
  matter: Matter,
  label: OutcomeLabel,
  correlationId: string | undefined,
): Decision | undefined {
  const d = new Draft(ctx, matter, outcomeDecisionId(label), correlationId ?? matter.correlationId);
  d.timeline(
    {
      type: 'outcome',
      outcome: label.outcome,
      ...(label.amountSaved === undefined ? {} : { amountSaved: label.amountSaved }),
      ...(label.lossAmount === undefined ? {} : { lossAmount: label.lossAmount }),
      ...(label.note === undefined ? {} : { note: label.note }),
    },
    label.eventId,
  );
  d.close('outcome', 'completed');
  return d.finish();
}
