/**
 * Batch handlers of the scorer's consumers. `handleIndicatorBatch` has the engine score a Kafka batch
 * of indicators and publishes the resulting alert revisions; `handleOutcomeBatch` applies outcome
 * labels (close + cooldown). Both resolve only after the broker acknowledged the revisions, after
 * which the consumer commits the batch's offsets: a crash in between is healed on redelivery (the
 * engine recognises the events as processed by their offsets and returns the revisions they caused
 * again).
 *
 * With a shadow version in force, the same batch is then scored by it (its own state, its alerts to
 * `alerts.shadow`; see shadow.ts); a shadow failure never fails the batch.
 *
 * A flood for one resident does not hold up the others on its partition: a batch is scored in rounds
 * that take at most `maxPerSubjectPerRound` indicators of each resident (in partition order), and
 * each round's revisions are published before the next round starts. The others' alerts go out with
 * the first round; the flooded resident's indicators follow in later rounds.
 */
import type { FraudIndicator, OutcomeLabel } from '@fenghuo/contracts';
import type { AlertRevision, BatchStats, EngineInput, FraudScorer } from '@fenghuo/engine';
import type { ShadowDeps } from './shadow.ts';

export interface HandlerDeps {
  readonly engine: FraudScorer;
  /** Publishes alert revisions; resolves when the broker acknowledged them. */
  readonly publish: (revisions: readonly AlertRevision[]) => Promise<void>;
  /**
   * Most indicators of one resident scored in one round of a batch.
   * @defaultValue 256
   */
  readonly maxPerSubjectPerRound?: number;
  /**
   * The shadow version, scored after the live one on the same batch (see shadow.ts).
   * @defaultValue none
   */
  readonly shadow?: ShadowDeps;
}

/** What the handlers need of a consumed Kafka record (a subset of the kit's `ConsumedEvent`). */
export interface ConsumedInput<E> {
  readonly event: E;
  readonly partition: number;
  readonly offset: string;
  readonly correlationId: string | undefined;
}

const DEFAULT_MAX_PER_SUBJECT_PER_ROUND = 256;

function toInput<E>(c: ConsumedInput<E>): EngineInput<E> {
  return {
    event: c.event,
    correlationId: c.correlationId,
    position: { stream: String(c.partition), seq: c.offset },
  };
}

/**
 * Splits a batch into rounds: round k holds each subject's inputs k·max … (k+1)·max − 1, in their
 * original order. Every subject's inputs stay in order across rounds.
 */
export function fairRounds<T extends { readonly event: { readonly subjectId: string } }>(
  items: readonly T[],
  maxPerSubject: number,
): T[][] {
  const max = Math.max(1, maxPerSubject);
  const seen = new Map<string, number>();
  const rounds: T[][] = [];
  for (const item of items) {
    const n = seen.get(item.event.subjectId) ?? 0;
    seen.set(item.event.subjectId, n + 1);
    const k = Math.floor(n / max);
    const round = rounds[k];
    if (round === undefined) rounds[k] = [item];
    else round.push(item);
  }
  return rounds;
}

export async function handleIndicatorBatch(
  consumed: readonly ConsumedInput<FraudIndicator>[],
  deps: HandlerDeps,
): Promise<BatchStats> {
  const rounds = fairRounds(consumed, deps.maxPerSubjectPerRound ?? DEFAULT_MAX_PER_SUBJECT_PER_ROUND);
  let duplicates = 0;
  let revisionCount = 0;
  let casConflicts = 0;
  for (const round of rounds) {
    const { revisions, stats } = await deps.engine.scoreIndicators(round.map(toInput));
    if (revisions.length > 0) await deps.publish(revisions);
    duplicates += stats.duplicates;
    revisionCount += stats.revisions;
    casConflicts += stats.casConflicts;
  }
  // The same rounds for the shadow: its revisions come at the same granularity as live ones.
  await runShadow(deps.shadow, (engine) => scoreRounds(engine, rounds));
  return {
    events: consumed.length,
    subjects: new Set(consumed.map((c) => c.event.subjectId)).size,
    duplicates,
    revisions: revisionCount,
    casConflicts,
  };
}

export async function handleOutcomeBatch(
  consumed: readonly ConsumedInput<OutcomeLabel>[],
  deps: HandlerDeps,
): Promise<BatchStats> {
  // Labels carry no position the engine can use (their topic is keyed by alert, not by subject).
  const inputs = consumed.map((c) => ({ event: c.event, correlationId: c.correlationId }));
  const { revisions, stats } = await deps.engine.applyOutcomes(inputs);
  if (revisions.length > 0) await deps.publish(revisions);
  // A label names a live alert; it closes the shadow's alert of the resident when the ids agree.
  await runShadow(deps.shadow, (engine) => engine.applyOutcomes(inputs));
  return stats;
}

async function scoreRounds(
  engine: FraudScorer,
  rounds: readonly (readonly ConsumedInput<FraudIndicator>[])[],
): Promise<{ revisions: AlertRevision[]; stats: BatchStats }> {
  const revisions: AlertRevision[] = [];
  let duplicates = 0;
  let casConflicts = 0;
  let events = 0;
  const subjects = new Set<string>();
  for (const round of rounds) {
    const r = await engine.scoreIndicators(round.map(toInput));
    revisions.push(...r.revisions);
    duplicates += r.stats.duplicates;
    casConflicts += r.stats.casConflicts;
    events += r.stats.events;
    for (const c of round) subjects.add(c.event.subjectId);
  }
  return {
    revisions,
    stats: { events, subjects: subjects.size, duplicates, revisions: revisions.length, casConflicts },
  };
}

/** Runs the shadow version, if one is in force; its failures are reported, never thrown. */
async function runShadow(
  shadow: ShadowDeps | undefined,
  score: (engine: FraudScorer) => Promise<{ revisions: AlertRevision[]; stats: BatchStats }>,
): Promise<void> {
  const engine = shadow?.engine();
  if (shadow === undefined || engine === undefined) return;
  try {
    const { revisions, stats } = await score(engine);
    if (revisions.length > 0) await shadow.publish(revisions);
    shadow.onRevisions?.(stats);
  } catch (err) {
    shadow.onFailure(err);
  }
}
