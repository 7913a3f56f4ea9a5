/**
 * The lossless write path for validated events of one request:
 * drop repeats inside the batch → claim (source, eventId) in Redis → for fraud indicators, seal
 * residents' contacts into the contact store and pseudonymise their own accounts → produce the new
 * ones → mark them done after Kafka acknowledged, or release the claims when it did not.
 * Answers `{accepted, duplicates}` or throws an {@link IngestError} 503 with Retry-After: `overloaded`
 * when the gate's queue would make the events wait past its latency budget (checked before any
 * Redis work, and again as the events join the queue), `redis_unavailable`, `in_flight` or
 * `kafka_unavailable`.
 */
import type { IngestAccepted } from '@fenghuo/contracts';
import { correlationHeaders } from '@fenghuo/kit';
import type { DedupeStore } from './dedupe.ts';
import type { EventGate } from './event-gate.ts';
import { KafkaUnavailableError, OverloadedError } from './event-gate.ts';
import { type IngestError, unavailable } from './ingest-error.ts';
import { type EventKind, KIND_TOPIC, type KindEvent } from './kinds.ts';
import { protectIndicators, type ResidentPrivacy } from './resident-privacy.ts';

export interface IngestDeps {
  readonly gate: Pick<EventGate, 'send' | 'shed' | 'observeLead'>;
  readonly dedupe: DedupeStore;
  /**
   * Residents' contact store and account key: fraud indicators are written without their contact
   * (stored sealed first) and with the resident's own account pseudonymised.
   */
  readonly residents: ResidentPrivacy;
  /** Background failures (a commit or release that did not reach Redis). */
  readonly warn: (obj: Record<string, unknown>, msg: string) => void;
}

export interface IngestContext {
  /**
   * The request id (`X-Request-Id`): written on every accepted event as the `correlation-id` Kafka
   * header, so one grep follows the event from the HTTP request to the alert.
   */
  readonly correlationId?: string;
  /** When the request arrived (`performance.now()`) and how many others were in progress then. */
  readonly arrival?: RequestArrival;
}

export interface RequestArrival {
  readonly at: number;
  readonly inProgress: number;
}

export async function ingestEvents<K extends EventKind>(
  kind: K,
  source: string,
  events: readonly KindEvent<K>[],
  deps: IngestDeps,
  context: IngestContext = {},
): Promise<IngestAccepted> {
  // Repeats inside one batch: the first occurrence wins.
  const seen = new Set<string>();
  const unique: KindEvent<K>[] = [];
  for (const e of events) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    unique.push(e);
  }
  const ids = unique.map((e) => e.eventId);

  if (context.arrival)
    deps.gate.observeLead(performance.now() - context.arrival.at, context.arrival.inProgress);
  // Shed before claiming anything: an overloaded ingest spends nothing on a request it refuses.
  const overloaded = deps.gate.shed(unique.length);
  if (overloaded) throw shedError(overloaded);

  let claim: Awaited<ReturnType<DedupeStore['claim']>>;
  try {
    claim = await deps.dedupe.claim(source, ids);
  } catch (err) {
    throw unavailable('redis_unavailable', 'the duplicate check is unavailable; retry later', 1, err);
  }
  const claimedIds: string[] = [];
  const fresh: KindEvent<K>[] = [];
  let inFlight = 0;
  claim.states.forEach((state, i) => {
    if (state === 'claimed') {
      claimedIds.push(ids[i]!);
      fresh.push(unique[i]!);
    } else if (state === 'in_flight') inFlight += 1;
  });
  const release = () =>
    deps.dedupe.release(source, claimedIds, claim.token).catch((err: unknown) => {
      deps.warn(
        { err, source, events: claimedIds.length },
        'could not release dedupe claims; they expire on their own',
      );
    });

  if (inFlight > 0) {
    // Another request is writing some of these events right now; answering "duplicate" before it
    // succeeds could lose them if it fails. Let the client retry shortly.
    await release();
    throw unavailable(
      'in_flight',
      `${inFlight} event(s) of this request are being written by another request`,
      1,
    );
  }

  if (fresh.length > 0) {
    let outgoing: readonly KindEvent<K>[] = fresh;
    if (kind === 'fraud-indicators') {
      const safe = protectIndicators(
        fresh as readonly KindEvent<'fraud-indicators'>[],
        deps.residents.accountKey,
      );
      try {
        // Stored before anything is produced: an event on Kafka always has its contact on record.
        await deps.residents.contacts.putMany(safe.contacts);
      } catch (err) {
        await release();
        throw unavailable('redis_unavailable', 'the contact store is unavailable; retry later', 1, err);
      }
      outgoing = safe.events as unknown as readonly KindEvent<K>[];
    }
    try {
      await deps.gate.send(KIND_TOPIC[kind], outgoing as never, correlationHeaders(context.correlationId));
    } catch (err) {
      if (err instanceof OverloadedError) {
        await release(); // nothing was queued
        throw shedError(err);
      }
      if (err instanceof KafkaUnavailableError && err.outcome) {
        // Ambiguous: keep the claims pending until the send settles (a transaction's commit
        // unanswered: until the producer found out whether it was applied), so a quick retry cannot
        // write twice. When that cannot be known, they stay pending until they expire
        // (INGEST_DEDUPE_PENDING_TTL_MS): marking them done could lose the events, releasing them
        // at once could write them twice.
        void err.outcome.then((acked) => {
          if (acked === true) return commit();
          if (acked === false) return release();
          deps.warn(
            { source, events: claimedIds.length },
            'Kafka commit unanswered: dedupe claims left pending until they expire',
          );
        });
        throw unavailable(
          'kafka_unavailable',
          'Kafka did not acknowledge in time; retry later (a retry is never written twice)',
          1,
          err,
        );
      }
      await release();
      throw unavailable(
        'kafka_unavailable',
        'Kafka is unavailable; nothing was written, retry later',
        1,
        err,
      );
    }
    // The events are in Kafka: answer now and mark them done in the background. Until the marks
    // land, a retry of the same ids sees them pending (503 in_flight), never as new.
    void commit();
  }
  return { accepted: fresh.length, duplicates: events.length - fresh.length };

  function commit(): Promise<void> {
    return deps.dedupe.commit(source, claimedIds).catch((err: unknown) => {
      deps.warn(
        { err, source, events: claimedIds.length },
        'events written but dedupe marks failed; a retry after the pending TTL may write them again',
      );
    });
  }
}

/** The 503 `overloaded` answer for a refusal of the gate, with its estimate as `Retry-After`. */
export function shedError(err: OverloadedError): IngestError {
  return unavailable(
    'overloaded',
    `${err.message}; nothing was written, retry later`,
    Math.ceil(err.retryAfterMs / 1000),
    err,
  );
}
