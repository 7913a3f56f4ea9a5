/**
 * How far the router group has read `dispatch.acks`, in the router's clock: an acknowledgement
 * deadline escalates for a missing answer only once every answer that reached Kafka before the
 * deadline has been read. Without this, a router that was down or behind for longer than an order's
 * deadline escalated the order at once on its return, although the officer's `accepted` sat unread
 * on the topic — a second unit sent to a matter that had one.
 *
 * The fence reads the topic's high watermarks at a moment T (T ≥ every deadline it will clear),
 * then waits until the group's committed offsets reach them: the group's handlers run before its
 * commits, so every answer appended before T has then been applied, by whichever instance owns its
 * partition. `readThrough()` returns the latest such T. It never blocks an escalation for good: when
 * the group cannot reach a target for `maxWaitMs` (a consumer stuck on a batch, the broker's admin
 * requests failing), deadlines escalate as before, with a warning, until a target is reached again.
 */
import type { Clock, Logger } from '@fenghuo/kit';
import type { Admin, Kafka } from 'kafkajs';

/** One partition's offsets, as kafkajs gives them (strings of integers; `-1` = none committed). */
export interface PartitionWatermark {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

export interface AckOffsetsSource {
  /** The topic's low and high watermarks, per partition. */
  watermarks(): Promise<PartitionWatermark[]>;
  /** The group's committed offsets, per partition (`-1` where it never committed). */
  committed(): Promise<Map<number, string>>;
}

export interface AckFenceOptions {
  /**
   * How long the group may fail to read up to a target before deadlines escalate without it;
   * 0 = never wait (a deadline escalates when due, whatever is unread).
   */
  readonly maxWaitMs: number;
  /** Called each time deadlines start escalating without waiting (a metric). */
  readonly onGiveUp?: () => void;
}

interface Target {
  /** Clock time at which the watermarks were read. */
  readonly at: number;
  readonly highs: readonly PartitionWatermark[];
}

export class AckFence {
  private through = Number.NEGATIVE_INFINITY;
  private target: Target | undefined;
  /** Since when deadlines have been waiting for a target to be reached (or the broker to answer). */
  private waitingSince: number | undefined;
  private forcing = false;

  constructor(
    private readonly source: AckOffsetsSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: AckFenceOptions,
  ) {}

  /**
   * The clock time through which every answer on `dispatch.acks` has been read, as far as can be
   * told now; a deadline at or before it may escalate. Asks the broker only when `needed` (the
   * latest deadline waiting) is past what is known.
   */
  async readThrough(needed: number): Promise<number> {
    const now = this.clock.now();
    if (this.opts.maxWaitMs <= 0) return now;
    if (needed <= this.through) return this.through;
    try {
      if (this.target === undefined) this.target = { at: now, highs: await this.source.watermarks() };
      const target = this.target;
      if (reached(target.highs, await this.source.committed())) {
        this.through = Math.max(this.through, target.at);
        this.target = undefined;
        this.waitingSince = undefined;
        if (this.forcing) {
          this.forcing = false;
          this.logger.info('the group has read dispatch.acks up to date again; deadlines wait for it');
        }
        return this.through;
      }
    } catch (err) {
      if (!this.forcing) this.logger.warn({ err }, 'could not tell how far dispatch.acks has been read');
    }
    this.waitingSince ??= this.target?.at ?? now;
    const since = this.waitingSince;
    if (now - since < this.opts.maxWaitMs) return this.through;
    if (!this.forcing) {
      this.forcing = true;
      this.opts.onGiveUp?.();
      this.logger.warn(
        { waitedMs: now - since, target: this.target?.highs },
        'the group has not read dispatch.acks up to the deadlines for too long: escalating without waiting',
      );
    }
    return now;
  }
}

/** Every partition with records is read up to the target's high watermark. */
function reached(highs: readonly PartitionWatermark[], committed: Map<number, string>): boolean {
  return highs.every((w) => {
    const high = BigInt(w.high);
    if (BigInt(w.low) >= high) return true;
    const c = committed.get(w.partition);
    return c !== undefined && BigInt(c) >= high;
  });
}

/**
 * The source of a real broker: the router group's commits on its `dispatch.acks` topic. One admin
 * client, connected when first asked and again after a failed request; `close()` at shutdown.
 */
export function kafkaAckOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
  /** A request not answered within this fails (the poller must not hang on a broker that is gone). */
  timeoutMs = 5_000,
): AckOffsetsSource & { close(): Promise<void> } {
  let admin: Admin | undefined;
  let connecting: Promise<Admin> | undefined;
  const connected = (): Promise<Admin> => {
    if (admin) return Promise.resolve(admin);
    connecting ??= (async () => {
      const a = kafka.admin();
      try {
        await a.connect();
        admin = a;
        return a;
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };
  const ask = async <T>(fn: (a: Admin) => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer about ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const a = await Promise.race([connected(), timeout]).catch((err: unknown) => {
      clearTimeout(timer);
      throw err;
    });
    try {
      return await Promise.race([fn(a), timeout]);
    } catch (err) {
      // Connect afresh next time: the broker may have moved or restarted.
      if (admin === a) admin = undefined;
      await a.disconnect().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    watermarks: () =>
      ask(async (a) =>
        (await a.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, low: p.low, high: p.high })),
      ),
    committed: () =>
      ask(async (a) => {
        const [t] = await a.fetchOffsets({ groupId, topics: [topic] });
        return new Map((t?.partitions ?? []).map((p) => [p.partition, p.offset]));
      }),
    close: async () => {
      const a = admin ?? (await connecting?.catch(() => undefined));
      admin = undefined;
      await a?.disconnect().catch(() => undefined);
    },
  };
}
