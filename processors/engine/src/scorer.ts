/**
 * The engine's public face: `createScorer({ rules, store })` scores batches of indicators and applies
 * outcome labels against per-subject state in a {@link StateStore}, and returns the alert revisions
 * to publish. The same object runs live (Redis store, rules hot-reloaded) and in backtests (memory
 * store, a fixed rule set, an event-time clock).
 *
 * One call: load every subject's state (one store round trip) → score in memory → write the states
 * back with compare-and-set (one round trip; the subjects that lost reload and rescore) → return. The
 * caller publishes the revisions and only then commits its input: a crash in between is healed on
 * redelivery, because redelivered events are recognised as processed and the revision they caused is
 * returned again (same alert id and revision).
 */
import type { Alert, FraudIndicator, OutcomeLabel } from '@fenghuo/contracts';
import type { CompiledRuleSet } from './compile.ts';
import { StateConflictError } from './errors.ts';
import { applyOutcome, scoreSubject } from './score.ts';
import type { StreamPosition, SubjectState } from './state.ts';
import type { StateStore, StateWrite } from './store/state-store.ts';

/** One input event with what travels with it. */
export interface EngineInput<E> {
  readonly event: E;
  /** Carried on to the revisions this event causes (the `correlation-id` of the Kafka record). */
  readonly correlationId?: string | undefined;
  /**
   * Where the event sits in its ordered stream (Kafka: partition and offset; a backtest: a sequence
   * number). An indicator at or below the subject's last processed position is a redelivery, known
   * without remembering its id. Without it, only the bounded seen-set of event ids tells.
   */
  readonly position?: StreamPosition | undefined;
}

/** An alert revision to publish, with the input that caused it (the latest one, when several did). */
export interface AlertRevision {
  readonly alert: Alert;
  /** `eventId` of the causing indicator or outcome label. */
  readonly causeEventId: string;
  /** Correlation id of that input, if it had one. */
  readonly correlationId: string | undefined;
}

export interface BatchStats {
  readonly events: number;
  readonly subjects: number;
  /** Events skipped as already processed (redelivery). */
  readonly duplicates: number;
  readonly revisions: number;
  /** Subject writes that lost a compare-and-set race and were redone. */
  readonly casConflicts: number;
}

export interface ScoreOutcome {
  readonly revisions: AlertRevision[];
  readonly stats: BatchStats;
}

export interface ScorerOptions {
  /** The rule set in force, read once per compare-and-set round (a hot reload swaps what it returns). */
  readonly rules: () => CompiledRuleSet;
  readonly store: StateStore;
  /**
   * Wall time in epoch ms. Scoring itself uses only event time (`occurredAt`, `labelledAt`); the clock
   * is the one wall time the engine has: it dates state expiry, passed to the store on every load and
   * save (Redis expires keys by its own clock; the memory store by this one, so a backtest passes an
   * event-time clock).
   * @defaultValue `Date.now`
   */
  readonly clock?: () => number;
  /**
   * Compare-and-set rounds before giving up with a retriable {@link StateConflictError}.
   * @defaultValue 5
   */
  readonly maxCasRounds?: number;
  /**
   * Longest stretch of scoring without giving the event loop a turn. A Kafka batch of thousands of
   * residents is scored in one go, and several partitions' batches often resume together (their
   * state reads answered in one Redis reply): without a turn, timers wait, heartbeats among them,
   * and on a loaded machine the consumer group threw the working scorer out (seen in every spread
   * run of bench:scorer at load 20: all 12 in-flight batches lost and redone).
   * @defaultValue 20
   */
  readonly yieldAfterMs?: number;
}

/** Lets timers and I/O run (setImmediate: after them, unlike a resolved promise). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface FraudScorer {
  /** Scores indicators (each subject's in the order given: partition order) and returns revisions. */
  scoreIndicators(inputs: readonly EngineInput<FraudIndicator>[]): Promise<ScoreOutcome>;
  /** Applies outcome labels (close + cooldown) and returns the revisions that close alerts. */
  applyOutcomes(inputs: readonly EngineInput<OutcomeLabel>[]): Promise<ScoreOutcome>;
}

/** Subjects scored between two looks at the clock (see `yieldAfterMs`). */
const YIELD_CHECK_EVERY = 8;

/** Margin kept beyond the rule set's horizon before an idle subject's state expires. */
const STATE_TTL_MARGIN_MS = 60 * 60_000;

/** How long a subject's state is kept after its last write (by the scorer's clock). */
export function stateTtlMs(rules: CompiledRuleSet): number {
  return rules.horizonMs + STATE_TTL_MARGIN_MS;
}

interface StepResult {
  readonly state: SubjectState;
  readonly alerts: readonly Alert[];
  /** `causes[i]`: event id of the input that caused `alerts[i]`. */
  readonly causes: readonly string[];
  readonly duplicates: number;
  readonly changed: boolean;
}

type Step<E> = (
  rules: CompiledRuleSet,
  subjectId: string,
  prev: SubjectState | undefined,
  items: readonly EngineInput<E>[],
) => StepResult;

function groupBySubject<E extends { subjectId: string }>(
  inputs: readonly EngineInput<E>[],
): Map<string, EngineInput<E>[]> {
  const groups = new Map<string, EngineInput<E>[]>();
  for (const input of inputs) {
    const k = input.event.subjectId;
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [input]);
    else list.push(input);
  }
  return groups;
}

function scoreItems(
  rules: CompiledRuleSet,
  subjectId: string,
  prev: SubjectState | undefined,
  items: readonly EngineInput<FraudIndicator>[],
): StepResult {
  const events: FraudIndicator[] = new Array(items.length);
  const positions: (StreamPosition | undefined)[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as EngineInput<FraudIndicator>;
    events[i] = item.event;
    positions[i] = item.position;
  }
  return scoreSubject(rules, subjectId, prev, events, positions);
}

export function createScorer(opts: ScorerOptions): FraudScorer {
  const clock = opts.clock ?? Date.now;
  const maxRounds = opts.maxCasRounds ?? 5;
  const yieldAfterMs = opts.yieldAfterMs ?? 20;

  /** Runs `step` per subject with compare-and-set, reloading and redoing the subjects that lost. */
  async function casLoop<E extends { subjectId: string; eventId: string }>(
    inputs: readonly EngineInput<E>[],
    step: Step<E>,
  ): Promise<ScoreOutcome> {
    const groups = groupBySubject(inputs);
    const results = new Map<string, StepResult>();
    let pending = [...groups.keys()];
    let conflicts = 0;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= maxRounds) throw new StateConflictError(maxRounds, pending.length);
      const rules = opts.rules();
      const loaded = await opts.store.load(pending, clock());
      const writes: StateWrite[] = [];
      let slice = performance.now();
      let sinceCheck = 0;
      for (const subjectId of pending) {
        // A subject takes tens of microseconds: the clock is read every few subjects.
        if (++sinceCheck === YIELD_CHECK_EVERY) {
          sinceCheck = 0;
          if (performance.now() - slice > yieldAfterMs) {
            await yieldToEventLoop();
            slice = performance.now();
          }
        }
        const cur = loaded.get(subjectId);
        const r = step(rules, subjectId, cur?.state, groups.get(subjectId) ?? []);
        results.set(subjectId, r);
        if (r.changed) writes.push({ subjectId, expectedVersion: cur?.version ?? '0', state: r.state });
      }
      const lost = await opts.store.save(writes, {
        ttlMs: stateTtlMs(rules),
        nowMs: clock(),
      });
      conflicts += lost.size;
      pending = pending.filter((s) => lost.has(s));
    }

    const revisions: AlertRevision[] = [];
    let duplicates = 0;
    for (const [subjectId, r] of results) {
      duplicates += r.duplicates;
      if (r.alerts.length === 0) continue;
      // The latest input of this subject with the causing event id gives the correlation id.
      const correlationOf = new Map<string, string | undefined>();
      for (const input of groups.get(subjectId) ?? [])
        correlationOf.set(input.event.eventId, input.correlationId);
      r.alerts.forEach((alert, i) => {
        const causeEventId = r.causes[i] ?? '';
        revisions.push({ alert, causeEventId, correlationId: correlationOf.get(causeEventId) });
      });
    }
    return {
      revisions,
      stats: {
        events: inputs.length,
        subjects: groups.size,
        duplicates,
        revisions: revisions.length,
        casConflicts: conflicts,
      },
    };
  }

  return {
    scoreIndicators: (inputs) => casLoop(inputs, scoreItems),

    applyOutcomes: (inputs) =>
      casLoop(inputs, (rules, _subjectId, prev, items) => {
        let state = prev;
        const alerts: Alert[] = [];
        const causes: string[] = [];
        let duplicates = 0;
        for (const { event: label } of items) {
          const r = applyOutcome(rules, state, label);
          state = r.state;
          if (r.duplicate) duplicates++;
          for (const a of r.alerts) {
            alerts.push(a);
            causes.push(label.eventId);
          }
        }
        return {
          state: state as SubjectState,
          alerts,
          causes,
          duplicates,
          changed: duplicates < items.length,
        };
      }),
  };
}
