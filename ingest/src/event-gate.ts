/**
 * The single way ingest writes to Kafka. It
 * - coalesces the events of concurrent requests into one `sendBatches` call (while one send is in
 *   flight, the next batch gathers), so throughput does not depend on clients' batch sizes; each
 *   request's events keep their own headers (the request's correlation id) in the shared send;
 * - bounds every send by `sendTimeoutMs`, so a request never hangs when the broker is gone;
 * - opens a circuit when Kafka is down: a send the broker refused, or a send that timed out while the
 *   health probe cannot reach the broker either. Further requests are refused at once (503) and one
 *   trial send per `probeIntervalMs` tests the broker; the first success closes the circuit again.
 *   A single slow send to a broker that answers (a first send after a broker start, a leader
 *   moving) fails only its own requests and leaves the circuit closed.
 *
 * - sheds load early: with a `latencyBudgetMs`, a request whose events would wait longer than the
 *   budget for their acknowledgement is refused at once ({@link OverloadedError}, answered 503 with
 *   Retry-After) instead of joining the queue, so the requests that are taken stay fast and clients
 *   back off. The wait is estimated from what is queued and in flight and from the measured ack
 *   times of recent sends (see {@link EventGate.estimateWaitMs}).
 *
 * A send that timed out is *ambiguous*: it may still be acknowledged later. The error carries
 * `outcome`, which settles to whether the broker finally took the events, so the caller can keep
 * or drop its dedupe claims accordingly. With a transactional sender, a send refused with
 * `TransactionOutcomeUnknownError` (a commit whose answer was lost) is ambiguous too: its `outcome`
 * settles to whether the commit was applied once the producer found out, or to `undefined` when it
 * could not (and so does that of time-outs of the same send).
 */
import type { TopicEventMap, TopicName } from '@fenghuo/contracts';
import { isTransactionOutcomeUnknown, type OutgoingBatch } from '@fenghuo/kit';
import { FenghuoError } from '@fenghuo/kit/errors';
import type { IHeaders } from 'kafkajs';
import { SendTimeModel } from './send-time-model.ts';

export type { OutgoingBatch } from '@fenghuo/kit';

/** What the gate needs from a producer; `@fenghuo/kit`'s `EventProducer` is one. */
export interface BatchSender {
  sendBatches(batches: readonly OutgoingBatch[]): Promise<unknown>;
}

/** Kafka did not take the events, or it is known to be down. Retriable. */
export class KafkaUnavailableError extends FenghuoError {
  constructor(
    message: string,
    /**
     * For ambiguous sends: settles to true when the send was acknowledged after all, false when it
     * surely was not, undefined when that cannot be known (a transaction's commit unanswered).
     * Undefined itself when the send surely failed or never started.
     */
    readonly outcome?: Promise<boolean | undefined>,
    options?: { readonly cause?: unknown },
  ) {
    super(message, { code: 'KAFKA_UNAVAILABLE', retriable: true, cause: options?.cause });
  }
}

/**
 * The events would wait longer than the latency budget: refused before anything was queued, so
 * nothing was written. Retriable after `retryAfterMs`.
 */
export class OverloadedError extends FenghuoError {
  constructor(
    /** The estimated wait for the acknowledgement, had the events been queued. */
    readonly estimatedMs: number,
    readonly budgetMs: number,
  ) {
    super(
      `ingest is overloaded: the events would wait about ${Math.round(estimatedMs)} ms for Kafka, over the budget of ${budgetMs} ms`,
      { code: 'OVERLOADED', retriable: true },
    );
  }

  /** When a retry is likely to be taken: once today's queue has drained. */
  get retryAfterMs(): number {
    return Math.max(1_000, Math.ceil(this.estimatedMs));
  }
}

export interface EventGateOptions {
  /** Longest a caller waits for an acknowledgement. @defaultValue 1500 */
  readonly sendTimeoutMs?: number;
  /** While the circuit is open, one trial send is let through this often. @defaultValue 1000 */
  readonly probeIntervalMs?: number;
  /** Most events in one coalesced send. @defaultValue 5000 */
  readonly maxBatchEvents?: number;
  /** Concurrent coalesced sends. @defaultValue 1 (the idempotent producer sends one request at a time) */
  readonly maxInFlight?: number;
  /**
   * Checks the broker (e.g. a metadata request): after a send timed out, to tell a slow send from
   * a broker that is gone (only the latter opens the circuit), and while the circuit is open, every
   * `probeIntervalMs`, so the service turns ready again without traffic (a load balancer sends none
   * to an unready one). Without it, a time-out opens the circuit.
   */
  readonly healthProbe?: () => Promise<void>;
  /** A health probe slower than this counts as failed. @defaultValue 2000 */
  readonly probeTimeoutMs?: number;
  /** Called when the circuit opens or closes. */
  readonly onStateChange?: (open: boolean, cause?: unknown) => void;
  /**
   * Longest estimated wait for an acknowledgement a request may face; beyond it the request is
   * refused with {@link OverloadedError}. An idle gate always takes a request (its own send is not
   * queueing). @defaultValue undefined (never shed)
   */
  readonly latencyBudgetMs?: number;
  /** Called for each refused request, with its estimated wait and event count (0 when refused on arrival, unread). */
  readonly onShed?: (estimatedMs: number, events: number) => void;
  /** Learns send times from acknowledged sends. @defaultValue a new {@link SendTimeModel} */
  readonly sendTimeModel?: SendTimeModel;
}

interface Entry {
  readonly topic: TopicName;
  readonly events: readonly unknown[];
  /** Headers of every record of this entry (one request's correlation id). */
  readonly headers: IHeaders | undefined;
  /** Set when the entry's send starts: settles to whether Kafka acknowledged it (undefined: unknown). */
  outcome: Promise<boolean | undefined> | undefined;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

export class EventGate {
  private readonly queue: Entry[] = [];
  private inFlight = 0;
  private open = false;
  private nextProbeAt = 0;
  private probing = false;
  private scheduled = false;
  private readonly sendTimeoutMs: number;
  private readonly probeIntervalMs: number;
  private readonly maxBatchEvents: number;
  private readonly maxInFlight: number;
  private readonly model: SendTimeModel;
  /** Start time and size of each send in flight. */
  private readonly sending = new Set<{ readonly startedAt: number; readonly events: number }>();
  private queuedEvents = 0;
  /** Decayed average of a request's lead time per request in progress when it arrived (ms). */
  private leadPerRequestMs = 0;

  constructor(
    private readonly sender: BatchSender,
    private readonly opts: EventGateOptions = {},
  ) {
    this.sendTimeoutMs = opts.sendTimeoutMs ?? 1_500;
    this.probeIntervalMs = opts.probeIntervalMs ?? 1_000;
    this.maxBatchEvents = opts.maxBatchEvents ?? 5_000;
    this.maxInFlight = opts.maxInFlight ?? 1;
    this.model = opts.sendTimeModel ?? new SendTimeModel();
  }

  /**
   * Estimated milliseconds until a request of `events` events arriving now would be acknowledged:
   * - the rest of the sends in flight, if they hold every send slot (their predicted time minus
   *   the time they have been running, at least 0);
   * - then the queued events plus these, drained in sends of up to `maxBatchEvents`, `maxInFlight`
   *   at a time, each taking what the {@link SendTimeModel} predicts for its size.
   * 0 while nothing was measured yet.
   */
  estimateWaitMs(events: number): number {
    if (!this.model.trained) return 0;
    let ahead = 0;
    if (this.sending.size >= this.maxInFlight) {
      const now = Date.now();
      for (const s of this.sending)
        ahead = Math.max(ahead, this.model.predict(s.events) - (now - s.startedAt));
    }
    const total = this.queuedEvents + events;
    const fullSends = Math.floor(total / this.maxBatchEvents);
    const rest = total % this.maxBatchEvents;
    const drain =
      fullSends * this.model.predict(this.maxBatchEvents) + (rest > 0 ? this.model.predict(rest) : 0);
    return ahead + drain / this.maxInFlight;
  }

  /**
   * Records the lead time of a request reaching the gate: `ms` since it arrived (reading, parsing,
   * validating, the dedupe claim), when `inProgress` other requests were being worked on as it
   * arrived. Under load that work queues on the one event loop and on Redis, so the lead time grows
   * with the requests in progress; the gate keeps the per-request share (decayed, weight 0.9 per
   * older sample) to predict the lead time of the next arrival.
   */
  observeLead(ms: number, inProgress: number): void {
    const sample = Math.max(0, ms) / (inProgress + 1); // its own work and the work ahead of it
    this.leadPerRequestMs = this.leadPerRequestMs === 0 ? sample : this.leadPerRequestMs * 0.9 + sample * 0.1;
  }

  /**
   * Estimated milliseconds until a request arriving now, with `inProgress` requests being worked on
   * ahead of it, would be acknowledged: their lead work and its own (`inProgress + 1` × the
   * measured per-request lead time) plus the gate's own queue ({@link estimateWaitMs}, for `events` more events).
   */
  estimateAdmissionMs(inProgress: number, events = 0): number {
    return (inProgress + 1) * this.leadPerRequestMs + this.estimateWaitMs(events);
  }

  /**
   * The refusal a request arriving now would get, before anything of it is read, or undefined when
   * it is taken. With no request in progress it is always taken, so the estimate falls as soon as
   * the shed load is gone.
   */
  admit(inProgress: number): OverloadedError | undefined {
    const budget = this.opts.latencyBudgetMs;
    if (budget === undefined || budget <= 0 || inProgress === 0) return undefined;
    const estimate = this.estimateAdmissionMs(inProgress);
    if (estimate <= budget) return undefined;
    this.opts.onShed?.(estimate, 0);
    return new OverloadedError(estimate, budget);
  }

  /**
   * The refusal a request of `events` events would get now, or undefined when it would be taken:
   * callers check it before doing work for a request (ingest before its dedupe claims); `send`
   * checks it again.
   */
  shed(events: number): OverloadedError | undefined {
    const budget = this.opts.latencyBudgetMs;
    if (budget === undefined || budget <= 0 || events === 0) return undefined;
    if (this.sending.size === 0 && this.queue.length === 0) return undefined; // idle: take it
    const estimate = this.estimateWaitMs(events);
    if (estimate <= budget) return undefined;
    this.opts.onShed?.(estimate, events);
    return new OverloadedError(estimate, budget);
  }

  /** True while the last send succeeded (what `/readyz` reports). */
  get healthy(): boolean {
    return !this.open;
  }

  /**
   * Resolves once Kafka acknowledged every event; rejects with {@link KafkaUnavailableError}, or
   * with {@link OverloadedError} (at once, nothing queued) when the wait would exceed the budget.
   * `headers` go on every record of these events (not on the other requests' records they share a
   * send with).
   */
  send<T extends TopicName>(
    topic: T,
    events: readonly TopicEventMap[T][],
    headers?: IHeaders,
  ): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    if (this.open) {
      const now = Date.now();
      if (this.probing || now < this.nextProbeAt) {
        return Promise.reject(new KafkaUnavailableError('Kafka is unavailable (circuit open)'));
      }
      this.probing = true; // this request is the trial send
      this.nextProbeAt = now + this.probeIntervalMs;
    } else {
      const overloaded = this.shed(events.length);
      if (overloaded) return Promise.reject(overloaded);
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Entry = {
        topic,
        events,
        headers,
        outcome: undefined,
        timer: undefined,
        settled: false,
        resolve: () => {
          if (entry.settled) return;
          entry.settled = true;
          clearTimeout(entry.timer);
          resolve();
        },
        reject: (err) => {
          if (entry.settled) return;
          entry.settled = true;
          clearTimeout(entry.timer);
          reject(err);
        },
      };
      // The deadline runs from the caller's point of view: waiting in the queue behind a stuck
      // send counts too, so no request waits longer than sendTimeoutMs.
      entry.timer = setTimeout(() => this.expire(entry), this.sendTimeoutMs);
      this.queue.push(entry);
      this.queuedEvents += events.length;
      this.schedule();
    });
  }

  private expire(entry: Entry): void {
    const queued = this.queue.indexOf(entry);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.queuedEvents -= entry.events.length;
      entry.reject(
        new KafkaUnavailableError(`Kafka did not take the events within ${this.sendTimeoutMs} ms`),
      );
    } else {
      entry.reject(
        new KafkaUnavailableError(`Kafka did not acknowledge within ${this.sendTimeoutMs} ms`, entry.outcome),
      );
    }
    this.suspect(new Error(`no acknowledgement within ${this.sendTimeoutMs} ms`));
  }

  private checking = false;

  /**
   * A send timed out: a broker that is gone, or one that is only slow? Without a health probe we
   * cannot tell and open the circuit; with one, only a failed probe opens it.
   */
  private suspect(cause: Error): void {
    const probe = this.opts.healthProbe;
    if (probe === undefined) {
      this.trip(cause);
      return;
    }
    if (this.open || this.checking || this.stopped) return;
    this.checking = true;
    this.probeWithTimeout(probe).then(
      () => {
        this.checking = false;
      },
      (err: unknown) => {
        this.checking = false;
        if (!this.stopped)
          this.trip(new Error(`${cause.message}, and the broker does not answer`, { cause: err }));
      },
    );
  }

  private probeWithTimeout(probe: () => Promise<void>): Promise<void> {
    const timeoutMs = this.opts.probeTimeoutMs ?? 2_000;
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`health probe took over ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.queue.length > 0) this.flush();
    });
  }

  private take(): Entry[] {
    const taken: Entry[] = [];
    let count = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (taken.length > 0 && count + next.events.length > this.maxBatchEvents) break;
      taken.push(this.queue.shift()!);
      count += next.events.length;
    }
    this.queuedEvents -= count;
    return taken;
  }

  private flush(): void {
    const entries = this.take();
    const byTopic = new Map<TopicName, { events: unknown[]; headers: (IHeaders | undefined)[] }>();
    let anyHeaders = false;
    for (const e of entries) {
      let group = byTopic.get(e.topic);
      if (group === undefined) {
        group = { events: [], headers: [] };
        byTopic.set(e.topic, group);
      }
      for (const ev of e.events) {
        group.events.push(ev);
        group.headers.push(e.headers);
      }
      anyHeaders ||= e.headers !== undefined;
    }
    const batches = [...byTopic].map(
      ([topic, { events, headers }]) =>
        (anyHeaders
          ? { topic, events, headersOf: (_event: unknown, i: number) => headers[i] }
          : { topic, events }) as OutgoingBatch,
    );
    this.inFlight += 1;
    const measured = { startedAt: Date.now(), events: entries.reduce((n, e) => n + e.events.length, 0) };
    this.sending.add(measured);
    const sending = Promise.resolve().then(() => this.sender.sendBatches(batches));
    const outcome = sending.then(
      () => true,
      // A commit unanswered: whether it was applied, once the producer found out (else undefined).
      (cause: unknown) => (isTransactionOutcomeUnknown(cause) ? cause.committed : false),
    );
    for (const e of entries) e.outcome = outcome;
    sending.then(
      () => {
        this.inFlight -= 1;
        this.sending.delete(measured);
        this.model.observe(measured.events, Date.now() - measured.startedAt);
        this.close();
        for (const e of entries) e.resolve(); // no-op for entries that already timed out
        this.schedule();
      },
      (cause: unknown) => {
        this.inFlight -= 1;
        this.sending.delete(measured);
        this.trip(cause);
        const err = new KafkaUnavailableError(
          `Kafka refused the send: ${(cause as Error)?.message ?? cause}`,
          isTransactionOutcomeUnknown(cause) ? outcome : undefined,
          {
            cause,
          },
        );
        for (const e of entries) e.reject(err);
        this.schedule();
      },
    );
  }

  private trip(cause: unknown): void {
    this.probing = false;
    this.nextProbeAt = Date.now() + this.probeIntervalMs;
    // Requests queued behind the failed send would wait for a broker we know is down.
    this.queuedEvents = 0;
    for (const e of this.queue.splice(0))
      e.reject(new KafkaUnavailableError('Kafka is unavailable', undefined, { cause }));
    if (!this.open) {
      this.open = true;
      this.opts.onStateChange?.(true, cause);
      this.startProbing();
    }
  }

  private probeTimer: NodeJS.Timeout | undefined;

  private startProbing(): void {
    const probe = this.opts.healthProbe;
    if (probe === undefined || this.probeTimer !== undefined) return;
    const tick = () => {
      this.probeTimer = undefined;
      if (!this.open || this.stopped) return;
      this.probeWithTimeout(probe).then(
        () => this.close(),
        () => {
          if (this.open && !this.stopped) this.probeTimer = setTimeout(tick, this.probeIntervalMs).unref();
        },
      );
    };
    this.probeTimer = setTimeout(tick, this.probeIntervalMs).unref();
  }

  private stopped = false;

  /** Stops the background probe; in-flight sends still settle. Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private close(): void {
    this.probing = false;
    if (this.open) {
      this.open = false;
      this.opts.onStateChange?.(false);
    }
  }
}
