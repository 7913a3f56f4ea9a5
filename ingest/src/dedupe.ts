/**
 * Duplicate suppression for (source, eventId) within 24 h, in Redis, in three steps per request:
 *
 * 1. `claim`: `SET key p:<token> NX PX <pendingTtl> GET` per event (one script call). An absent key is
 *    now ours (pending); `d` means already written (a duplicate); `p:…` means another request is
 *    writing that event right now.
 * 2. after Kafka acknowledged: `commit` turns our claims into `d` for 24 h.
 * 3. when Kafka refused: `release` deletes our claims (compare-and-delete on the token), so the
 *    client's retry is not mistaken for a duplicate.
 *
 * A claim left pending by a crash or an ambiguous time-out expires after `pendingTtlMs`, after
 * which a retry produces the event again (at least once, never lost).
 *
 * On Redis Cluster a request's events hash to many slots (one key per event): each step is split
 * into one script call per slot, sent together. A hash tag per source would keep a request in one
 * call but put a whole source's day of keys on one master; the scripts treat each key on its own,
 * so splitting changes nothing of their meaning (and a request's claims were never all-or-nothing).
 */
import { randomBytes } from 'node:crypto';
import { groupBySlot, type RedisClient } from '@fenghuo/kit';

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

/**
 * One script call per batch instead of one command per event: the client encodes and parses one
 * command, which matters more on a busy two-core machine than the work Redis does.
 * Replies per key: 0 = claimed, 1 = already done (duplicate), 2 = pending elsewhere (in flight).
 */
const CLAIM_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local prev = redis.call('SET', key, ARGV[1], 'PX', ARGV[2], 'NX', 'GET')
  if not prev then out[i] = 0 elseif prev == 'd' then out[i] = 1 else out[i] = 2 end
end
return out`;

const COMMIT_SCRIPT = `
for i, key in ipairs(KEYS) do redis.call('SET', key, 'd', 'EX', ARGV[1]) end
return #KEYS`;

const RELEASE_SCRIPT = `
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 0`;

type ScriptedRedis = RedisClient & {
  fhDedupeClaim(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  fhDedupeCommit(numKeys: number, ...args: (string | number)[]): Promise<number>;
  fhDedupeRelease(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

function scripted(redis: RedisClient): ScriptedRedis {
  const r = redis as ScriptedRedis;
  // defineCommand loads each script once (EVALSHA, falling back to EVAL after a Redis restart).
  if (typeof r.fhDedupeClaim !== 'function') {
    redis.defineCommand('fhDedupeClaim', { lua: CLAIM_SCRIPT });
    redis.defineCommand('fhDedupeCommit', { lua: COMMIT_SCRIPT });
    redis.defineCommand('fhDedupeRelease', { lua: RELEASE_SCRIPT });
  }
  return r;
}

export interface RedisDedupeOptions {
  /** Prepended to every key, after the client's own `keyPrefix`. @defaultValue `''` */
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
  private readonly redis: ScriptedRedis;

  constructor(redis: RedisClient, opts: RedisDedupeOptions = {}) {
    this.redis = scripted(redis);
    this.prefix = `${opts.keyPrefix ?? ''}ingest:dedupe:`;
    this.pendingTtlMs = opts.pendingTtlMs ?? 60_000;
    this.windowSec = opts.windowSec ?? DEDUPE_WINDOW_SEC;
  }

  key(source: string, eventId: string): string {
    return `${this.prefix}${source}:${eventId}`;
  }

  private keys(source: string, eventIds: readonly string[]): string[] {
    return eventIds.map((id) => this.key(source, id));
  }

  async claim(source: string, eventIds: readonly string[]): Promise<Claim> {
    const token = `p:${randomBytes(8).toString('hex')}`;
    if (eventIds.length === 0) return { states: [], token };
    const keys = this.keys(source, eventIds);
    const codes: number[] = new Array(keys.length);
    const groups = groupBySlot(this.redis, keys);
    const claims = await Promise.allSettled(
      groups.map(async (group) => {
        const replies = await this.redis.fhDedupeClaim(
          group.length,
          ...group.map((i) => keys[i] as string),
          token,
          this.pendingTtlMs,
        );
        group.forEach((i, j) => {
          codes[i] = replies[j] as number;
        });
      }),
    );
    const failed = claims.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (failed) {
      // On a cluster, some slots may have claimed: free them (only ours: the token), or the
      // client's retry would find its own events in flight until the claims expire.
      if (groups.length > 1) await this.release(source, eventIds, token).catch(() => undefined);
      throw failed.reason;
    }
    const states = eventIds.map((_, i): ClaimState => {
      const code = codes[i];
      if (code === 0) return 'claimed';
      if (code === 1) return 'duplicate';
      if (code === 2) return 'in_flight';
      throw new Error(`unexpected dedupe reply ${String(code)}`);
    });
    return { states, token };
  }

  async commit(source: string, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const keys = this.keys(source, eventIds);
    await Promise.all(
      groupBySlot(this.redis, keys).map((group) =>
        this.redis.fhDedupeCommit(group.length, ...group.map((i) => keys[i] as string), this.windowSec),
      ),
    );
  }

  async release(source: string, eventIds: readonly string[], token: string): Promise<void> {
    if (eventIds.length === 0) return;
    const keys = this.keys(source, eventIds);
    await Promise.all(
      groupBySlot(this.redis, keys).map((group) =>
        this.redis.fhDedupeRelease(group.length, ...group.map((i) => keys[i] as string), token),
      ),
    );
  }
}
