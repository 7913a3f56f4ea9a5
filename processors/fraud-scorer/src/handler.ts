/**
 * Batch handlers: `handleIndicatorBatch` scores a Kafka batch of indicators and publishes the
 * resulting alert revisions; `handleOutcomeBatch` applies outcome labels (close + cooldown).
 *
 * Order per batch: load every subject's state (1 round trip) → score in memory → write states back
 * with compare-and-set (1 round trip; lost subjects reload and rescore) → publish alerts and wait
 * for the broker's ack → return, after which the consumer commits offsets. A crash after the state
 * write but before the publish is healed on redelivery: the redelivered indicators are recognised
 * as processed and the alert revision they caused is sent again (same id and revision).
 */
import type { Alert, FraudIndicator, OutcomeLabel } from '@fenghuo/contracts';
import { FenghuoError } from '@fenghuo/kit';
import type { CompiledRuleSet } from './engine/compile.ts';
import { applyOutcome, scoreSubject } from './engine/score.ts';
import type { SubjectState } from './engine/state.ts';
import type { StateStore, StateWrite } from './state-store.ts';

export interface ScorerDeps {
  /** The rule set in force (hot-reloaded from `rules.sets`). */
  readonly rules: () => CompiledRuleSet;
  readonly store: StateStore;
  /** Publishes alert revisions; resolves when the broker acknowledged them. */
  readonly publish: (alerts: readonly Alert[]) => Promise<void>;
  /**
   * Compare-and-set rounds before giving up with a retriable error.
   * @defaultValue 5
   */
  readonly maxCasRounds?: number;
}

export interface BatchStats {
  readonly indicators: number;
  readonly subjects: number;
  readonly duplicates: number;
  readonly alerts: number;
  readonly casConflicts: number;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [item]);
    else list.push(item);
  }
  return groups;
}

/** Runs `step` per subject with compare-and-set, reloading and retrying the subjects that lost. */
async function casLoop<T>(
  deps: ScorerDeps,
  groups: Map<string, T[]>,
  step: (
    rules: CompiledRuleSet,
    subjectId: string,
    prev: SubjectState | undefined,
    items: T[],
  ) => {
    state: SubjectState;
    alerts: Alert[];
    changed: boolean;
  },
): Promise<{ alerts: Alert[]; conflicts: number }> {
  const rounds = deps.maxCasRounds ?? 5;
  const alertsBySubject = new Map<string, Alert[]>();
  let pending = [...groups.keys()];
  let conflicts = 0;
  for (let round = 0; pending.length > 0; round++) {
    if (round >= rounds) {
      throw new FenghuoError(`state write lost ${rounds} times for ${pending.length} subjects`, {
        code: 'STATE_CONFLICT',
        retriable: true,
      });
    }
    const rules = deps.rules();
    const loaded = await deps.store.load(pending);
    const writes: StateWrite[] = [];
    for (const subjectId of pending) {
      const cur = loaded.get(subjectId);
      const r = step(rules, subjectId, cur?.state, groups.get(subjectId) ?? []);
      alertsBySubject.set(subjectId, r.alerts);
      if (r.changed) writes.push({ subjectId, expectedVersion: cur?.version ?? '0', state: r.state });
    }
    const ttl = rules.horizonMs + 60 * 60_000;
    const lost = await deps.store.save(writes, ttl);
    conflicts += lost.size;
    pending = pending.filter((s) => lost.has(s));
  }
  return { alerts: [...alertsBySubject.values()].flat(), conflicts };
}

export async function handleIndicatorBatch(
  events: readonly FraudIndicator[],
  deps: ScorerDeps,
): Promise<BatchStats> {
  const groups = groupBy(events, (e) => e.subjectId);
  let duplicates = 0;
  const dupBySubject = new Map<string, number>();
  const { alerts, conflicts } = await casLoop(deps, groups, (rules, subjectId, prev, items) => {
    const r = scoreSubject(rules, subjectId, prev, items);
    dupBySubject.set(subjectId, r.duplicates);
    return { state: r.state, alerts: r.alerts, changed: r.duplicates < items.length };
  });
  for (const d of dupBySubject.values()) duplicates += d;
  if (alerts.length > 0) await deps.publish(alerts);
  return {
    indicators: events.length,
    subjects: groups.size,
    duplicates,
    alerts: alerts.length,
    casConflicts: conflicts,
  };
}

export async function handleOutcomeBatch(
  labels: readonly OutcomeLabel[],
  deps: ScorerDeps,
): Promise<BatchStats> {
  const groups = groupBy(labels, (l) => l.subjectId);
  const { alerts, conflicts } = await casLoop(deps, groups, (rules, _subjectId, prev, items) => {
    let state = prev;
    const out: Alert[] = [];
    for (const label of items) {
      const r = applyOutcome(rules, state, label);
      state = r.state;
      out.push(...r.alerts);
    }
    return { state: state as SubjectState, alerts: out, changed: true };
  });
  if (alerts.length > 0) await deps.publish(alerts);
  return {
    indicators: labels.length,
    subjects: groups.size,
    duplicates: 0,
    alerts: alerts.length,
    casConflicts: conflicts,
  };
}
