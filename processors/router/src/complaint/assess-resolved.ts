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
  // The calls from each entry's address, for the whole batch in one round trip.
  const queries = entries.flatMap((e, i) => {
    const key = addressKey(e.address, e.location);
    const at = Date.parse(e.at);
    return key === undefined
      ? []
      : [{ i, addr: key, from: at - risk.repeatWindowDays * DAY_MS, to: at, except: e.refId }];
  });
  const counts = await history.countMany(queries);
  const callsOf = new Map(queries.map((q, n) => [q.i, counts[n] ?? 0]));
  const out: Judged[] = [];
  for (const [i, e] of entries.entries()) {
    const at = Date.parse(e.at);
    const repeatCalls = callsOf.get(i) ?? 0;
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
