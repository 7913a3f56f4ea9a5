/**
 * Batch handlers of the scorer's consumers. `handleIndicatorBatch` has the engine score a Kafka batch
 * of indicators and publishes the resulting alert revisions; `handleOutcomeBatch` applies outcome
 * labels (close + cooldown). Both resolve only after the broker acknowledged the revisions, after
 * which the consumer commits the batch's offsets: a crash in between is healed on redelivery (the
 * engine recognises the events as processed and returns the revisions they caused again).
 */
import type { FraudIndicator, OutcomeLabel } from '@fenghuo/contracts';
import type { AlertRevision, BatchStats, EngineInput, FraudScorer } from '@fenghuo/engine';

export interface HandlerDeps {
  readonly engine: FraudScorer;
  /** Publishes alert revisions; resolves when the broker acknowledged them. */
  readonly publish: (revisions: readonly AlertRevision[]) => Promise<void>;
}

/** What the engine needs of a consumed Kafka record. */
export interface ConsumedInput<E> {
  readonly event: E;
  readonly correlationId: string | undefined;
}

function toInputs<E>(consumed: readonly ConsumedInput<E>[]): EngineInput<E>[] {
  return consumed.map((c) => ({ event: c.event, correlationId: c.correlationId }));
}

export async function handleIndicatorBatch(
  consumed: readonly ConsumedInput<FraudIndicator>[],
  deps: HandlerDeps,
): Promise<BatchStats> {
  const { revisions, stats } = await deps.engine.scoreIndicators(toInputs(consumed));
  if (revisions.length > 0) await deps.publish(revisions);
  return stats;
}

export async function handleOutcomeBatch(
  consumed: readonly ConsumedInput<OutcomeLabel>[],
  deps: HandlerDeps,
): Promise<BatchStats> {
  const { revisions, stats } = await deps.engine.applyOutcomes(toInputs(consumed));
  if (revisions.length > 0) await deps.publish(revisions);
  return stats;
}
