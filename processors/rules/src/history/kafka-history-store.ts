/**
 * The history on Kafka. Each instance reads `rules.versions` and `rules.sets` from the start, in a
 * consumer group of its own, into its {@link RuleHistory}; that is the whole state of the service
 * (drafts included), so instances need nothing else in common but a Redis lock.
 *
 * A change is written under one lock (Redis `SET NX PX`, released only by its holder), after this
 * instance's index has caught up with both topics (their high watermarks), so the version number it
 * takes is above every version any instance wrote: versions never collide and never go down. Then,
 * in order: the `rules.versions` event (acks from all replicas: the record of the change), the
 * `rules.sets` record and the audit events (one request), and a wait until the index applied the
 * change. Should the service stop between the first and second write, the next start finds a version
 * recorded as published that processors do not see and publishes it again (`unpublished()`).
 */
import { randomBytes } from 'node:crypto';
import { type AuditEvent, type RuleSet, type RuleVersionEvent, Topic } from '@fenghuo/contracts';
import type { RedisClient } from '@fenghuo/kit';
import {
  type EventProducer,
  type Logger,
  prefixedTopic,
  type RunningConsumer,
  runMultiTopicConsumer,
} from '@fenghuo/kit';
import type { Admin, Kafka } from 'kafkajs';
import { RulesError } from '../rules-error.ts';
import type { ChangeSet, HistoryStore } from './history-store.ts';
import type { RuleHistory } from './rule-history.ts';

export interface KafkaHistoryStoreOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** The service's producer (idempotent, acks from all replicas). */
  readonly producer: EventProducer;
  /** Redis with the service's key prefix (the write lock). */
  readonly redis: RedisClient;
  readonly history: RuleHistory;
  /** Prefix of this instance's consumer group. */
  readonly groupId: string;
  /** @defaultValue `''` */
  readonly topicPrefix?: string;
  /** @defaultValue the kit's consumer default */
  readonly sessionTimeoutMs?: number;
  /**
   * How long one change may hold the lock.
   * @defaultValue 15000
   */
  readonly lockMs?: number;
  /**
   * How long to wait for the lock, or for the index to catch up, before answering 503.
   * @defaultValue 10000
   */
  readonly waitMs?: number;
  /** Called for the audit of a version published again at start. */
  readonly recoveryAudit?: (ruleSet: RuleSet) => AuditEvent;
}

const LOCK_KEY = 'rules:write-lock';
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

type Watched = typeof Topic.RulesVersions | typeof Topic.RulesSets;

export class KafkaHistoryStore implements HistoryStore {
  readonly history: RuleHistory;
  private readonly applied = new Map<Watched, number>([
    [Topic.RulesVersions, -1],
    [Topic.RulesSets, -1],
  ]);
  private consumer: RunningConsumer | undefined;
  private admin: Admin | undefined;
  private readonly lockMs: number;
  private readonly waitMs: number;
  private readonly prefix: string;

  private constructor(private readonly opts: KafkaHistoryStoreOptions) {
    this.history = opts.history;
    this.lockMs = opts.lockMs ?? 15_000;
    this.waitMs = opts.waitMs ?? 10_000;
    this.prefix = opts.topicPrefix ?? '';
  }

  /** Reads both topics to their ends, publishes what a stop left unpublished, and returns the store. */
  static async start(opts: KafkaHistoryStoreOptions): Promise<KafkaHistoryStore> {
    const store = new KafkaHistoryStore(opts);
    try {
      await store.open();
      return store;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  private async open(): Promise<void> {
    const { kafka, logger, producer } = this.opts;
    this.admin = kafka.admin();
    await this.admin.connect();
    const instance = randomBytes(4).toString('hex');
    const real = new Map<string, Watched>([
      [prefixedTopic(this.prefix, Topic.RulesVersions), Topic.RulesVersions],
      [prefixedTopic(this.prefix, Topic.RulesSets), Topic.RulesSets],
    ]);
    this.consumer = await runMultiTopicConsumer({
      kafka,
      logger,
      producer,
      groupId: `${this.opts.groupId}-history-${instance}`,
      topicPrefix: this.prefix,
      fromBeginning: true,
      ...(this.opts.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: this.opts.sessionTimeoutMs }),
      consumer: { maxWaitTimeInMs: 250 },
      handlers: {
        [Topic.RulesVersions]: async (events) => {
          for (const { event } of events) this.history.apply(event);
        },
        [Topic.RulesSets]: async (events) => {
          for (const { event } of events) this.history.observe(event);
        },
      },
    });
    // After each batch (its events applied, or dead-lettered when invalid), the offset it reached.
    const c = this.consumer.consumer;
    c.on(c.events.END_BATCH_PROCESS, ({ payload }) => {
      const topic = real.get(payload.topic);
      if (topic !== undefined) {
        this.applied.set(topic, Math.max(this.applied.get(topic) ?? -1, Number(payload.lastOffset)));
      }
    });
    await this.caughtUp(60_000);
    const missing = this.history.unpublished();
    if (missing.length > 0) {
      logger.warn(
        { count: missing.length },
        'versions recorded but not on rules.sets: publishing them again',
      );
      await producer.sendBatches([
        { topic: Topic.RulesSets, events: missing },
        { topic: Topic.AuditEvents, events: missing.flatMap((rs) => this.opts.recoveryAudit?.(rs) ?? []) },
      ]);
    }
  }

  private async waitApplied(topic: Watched, offset: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.applied.get(topic) ?? -1) < offset) {
      if (Date.now() > deadline) {
        throw new RulesError(503, 'unavailable', `the rules history did not catch up with ${topic} in time`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Waits until the index holds every record both topics hold now. */
  private async caughtUp(timeoutMs = this.waitMs): Promise<void> {
    const admin = this.admin;
    if (admin === undefined) throw new Error('history store not open');
    for (const topic of [Topic.RulesVersions, Topic.RulesSets] as const) {
      const offsets = await admin.fetchTopicOffsets(prefixedTopic(this.prefix, topic));
      for (const p of offsets) {
        if (Number(p.high) > Number(p.low)) await this.waitApplied(topic, Number(p.high) - 1, timeoutMs);
      }
    }
  }

  private async lock(): Promise<() => Promise<void>> {
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const ok = await this.opts.redis.set(LOCK_KEY, token, 'PX', this.lockMs, 'NX');
      if (ok === 'OK') break;
      if (Date.now() > deadline) {
        throw new RulesError(503, 'busy', 'another change is being written; try again shortly');
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return async () => {
      await this.opts.redis.eval(RELEASE, 1, LOCK_KEY, token);
    };
  }

  async change<T>(build: (history: RuleHistory) => ChangeSet<T>): Promise<T> {
    const release = await this.lock();
    try {
      await this.caughtUp();
      const c = build(this.history);
      const { producer } = this.opts;
      let last = -1;
      if (c.versions.length > 0) {
        const meta = await producer.send(Topic.RulesVersions, c.versions as RuleVersionEvent[]);
        last = Number(meta[0]?.baseOffset ?? -1) + c.versions.length - 1;
      }
      const meta = await producer.sendBatches([
        { topic: Topic.RulesSets, events: c.ruleSets ?? [] },
        { topic: Topic.AuditEvents, events: c.audit },
      ]);
      const setsTopic = prefixedTopic(this.prefix, Topic.RulesSets);
      const setsOffset = meta.find((m) => m.topicName === setsTopic);
      if (last >= 0) await this.waitApplied(Topic.RulesVersions, last, this.waitMs);
      if (setsOffset !== undefined && (c.ruleSets?.length ?? 0) > 0) {
        await this.waitApplied(
          Topic.RulesSets,
          Number(setsOffset.baseOffset) + (c.ruleSets?.length ?? 0) - 1,
          this.waitMs,
        );
      }
      return c.result;
    } finally {
      await release().catch((err: unknown) =>
        this.opts.logger.warn({ err }, 'releasing the write lock failed'),
      );
    }
  }

  async audit(events: readonly AuditEvent[]): Promise<void> {
    if (events.length > 0) await this.opts.producer.send(Topic.AuditEvents, events);
  }

  /** Idempotent. Stops reading; never closes the producer or Redis it was given. */
  async close(): Promise<void> {
    const consumer = this.consumer;
    const admin = this.admin;
    this.consumer = undefined;
    this.admin = undefined;
    await Promise.allSettled([consumer?.stop(), admin?.disconnect()]);
  }
}
