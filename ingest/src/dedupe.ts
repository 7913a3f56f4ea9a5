/**
 * Duplicate suppression for (source, eventId) within 24 h, in Redis, in three steps per request:
 *
 * 1. `claim`: one pipelined `SET key p:<token> NX PX <pendingTtl> GET` per event. An absent key is
 *    now ours (pending); `d` means already written (a duplicate); `p:…` means another request is
 *    writing that event right now.
 * 2. after Kafka acknowledged: `commit` turns our claims into `d` for 24 h.
 * 3. when Kafka refused: `release` deletes our claims (compare-and-delete on the token), so the
 *    client's retry is not mistaken for a duplicate.
 *
 * A claim left pending by a crash or an ambiguous time-out expires after `pendingTtlMs`, after
 * which a retry produces the event again (at least once, never lost).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export const DEDUPE_WINDOW_SEC = 24 * 60 * 60;

export type ClaimState = 'claimed' | 'duplicate' | 'in_flight';

export interface Claim {
  /** Per event id, in the order given. */
  readonly states: readonly ClaimState[];
  /** Opaque token identifying this request's pending claims. */
  readonly token: string;
}

export interface DedupeStore {
  claim(source: string, eventIds: readonly string[]): Promise<Claim>;
  commit(source: string, eventIds: readonly string[]): Promise<void>;
  release(source: string, eventIds: readonly string[], token: string): Promise<void>;
}

const RELEASE_SCRIPT = `
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 0`;

export interface RedisDedupeOptions {
  /** Prepended to every key. @defaultValue `fh:` */
  readonly keyPrefix?: string;
  /** How long a claim may stay pending (must exceed the longest Kafka send). @defaultValue 60000 */
  readonly pendingTtlMs?: number;
  /** @defaultValue 86400 */
  readonly windowSec?: number;
}

export class RedisDedupeStore implements DedupeStore {
  private readonly prefix: string;
  private readonly pendingTtlMs: number;
  private readonly windowSec: number;

  constructor(
    private readonly redis: Redis,
    opts: RedisDedupeOptions = {},
  ) {
    this.prefix = `${opts.keyPrefix ?? 'fh:'}ingest:dedupe:`;
    this.pendingTtlMs = opts.pendingTtlMs ?? 60_000;
    this.windowSec = opts.windowSec ?? DEDUPE_WINDOW_SEC;
  }

  key(source: string, eventId: string): string {
    return `${this.prefix}${source}:${eventId}`;
  }

  async claim(source: string, eventIds: readonly string[]): Promise<Claim> {
    const token = `p:${randomBytes(8).toString('hex')}`;
    if (eventIds.length === 0) return { states: [], token };
    const pipeline = this.redis.pipeline();
    for (const id of eventIds)
      pipeline.set(this.key(source, id), token, 'PX', this.pendingTtlMs, 'NX', 'GET');
    const results = (await pipeline.exec()) ?? [];
    const states = eventIds.map((_, i): ClaimState => {
      const [err, previous] = results[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      if (previous === null) return 'claimed';
      return previous === 'd' ? 'duplicate' : 'in_flight';
    });
    return { states, token };
  }

  async commit(source: string, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of eventIds) pipeline.set(this.key(source, id), 'd', 'EX', this.windowSec);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  async release(source: string, eventIds: readonly string[], token: string): Promise<void> {
    if (eventIds.length === 0) return;
    await this.redis.eval(
      RELEASE_SCRIPT,
      eventIds.length,
      ...eventIds.map((id) => this.key(source, id)),
      token,
    );
  }
}
