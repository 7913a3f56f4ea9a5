/**
 * Judges resolved incidents (`incident.resolved` entries of `timeline.events`) for complaint risk:
 * the case is the entry's category, outcome and satisfaction plus the calls from the same address
 * within the rule set's window; an assessment that reaches the set's follow-up level becomes a
 * {@link FollowUpInput}. Runs in the router, in a consumer group of its own on `timeline.events`
 * (where the router itself wrote the entry): its input is durable in Kafka, so a crash or a
 * restart judges the entry again, and the follow-up's deterministic id makes that harmless.
 */
import type { TimelineEvent } from '@fenghuo/contracts';
import type { CompiledComplaintRisk } from '@fenghuo/engine';
import type { FollowUpInput } from '../decide/followup.ts';
import { addressKey, type CallHistory } from './call-history.ts';

type Resolved = Extract<TimelineEvent, { type: 'incident.resolved' }>;

const DAY_MS = 24 * 3600_000;

export function isResolvedIncident(e: TimelineEvent): e is Resolved {
  return e.type === 'incident.resolved' && e.refKind === 'incident';
}

export interface Judged {
  readonly entry: Resolved;
  /** The follow-up to open, when the risk reached the set's level. */
  readonly followUp: FollowUpInput | undefined;
}

export async function judgeResolved(
  entries: readonly Resolved[],
  risk: CompiledComplaintRisk,
  history: CallHistory,
): Promise<Judged[]> {
  const out: Judged[] = [];
  for (const e of entries) {
    const at = Date.parse(e.at);
    const key = addressKey(e.address, e.location);
    const repeatCalls =
      key === undefined ? 0 : await history.count(key, at - risk.repeatWindowDays * DAY_MS, at, e.refId);
    const assessment = risk.assess({
      ...(e.category === undefined ? {} : { category: e.category }),
      ...(e.outcome === undefined ? {} : { outcome: e.outcome }),
      ...(e.satisfaction === undefined ? {} : { satisfaction: e.satisfaction }),
      repeatCalls,
    });
    out.push({
      entry: e,
      followUp: assessment.followUp
        ? {
            incidentId: e.refId,
            ...(e.category === undefined ? {} : { category: e.category }),
            ...(e.location === undefined ? {} : { location: e.location }),
            ...(e.address === undefined ? {} : { address: e.address }),
            ...(e.gridCellId === undefined ? {} : { gridCellId: e.gridCellId }),
            ...(e.stationId === undefined ? {} : { stationId: e.stationId }),
            assessment,
            resolvedAt: at,
          }
        : undefined,
    });
  }
  return out;
}
