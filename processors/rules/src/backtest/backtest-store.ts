/**
 * Where backtests and their reports are kept, so any instance can list them, show one, and cancel a
 * run another instance is doing. Redis: one JSON value per backtest (`{rules}:bt:<id>`, expiring after
 * `RULES_BACKTEST_KEEP_DAYS`), a sorted set by creation time for the listing, and a cancel flag the
 * running instance polls. Why Redis rather than files: instances share it without a shared disk, and
 * a report is bounded (at most 1,000 added and 1,000 dropped alerts, the 200 busiest cell-days, one
 * line per rule), a few hundred kB at worst. Reports are derived data: a lost one is run again.
 */
import { type Backtest, Codecs } from '@fenghuo/contracts';
import type { RedisClient } from '@fenghuo/kit';

export type BacktestListing = Omit<Backtest, 'report'>;

export interface BacktestStore {
  save(backtest: Backtest): Promise<void>;
  get(backtestId: string): Promise<Backtest | undefined>;
  /** Newest first. */
  list(limit: number): Promise<BacktestListing[]>;
  requestCancel(backtestId: string): Promise<void>;
  cancelRequested(backtestId: string): Promise<boolean>;
}

/**
 * Namespace of the backtests: the `{rules}` hash tag keeps a backtest, the listing and the cancel
 * flags in one slot on Redis Cluster (a save writes the value and the listing in one MULTI; the
 * listing reads values with one MGET). Backtests written before the tag (`rules:bt:`) are no longer
 * listed after an upgrade and expire on their own; they are derived data, run again when wanted.
 */
const NS = '{rules}:bt:';
const INDEX = `${NS}index`;
const key = (id: string) => `${NS}${id}`;
const cancelKey = (id: string) => `${NS}cancel:${id}`;

export function listing(b: Backtest): BacktestListing {
  const { report: _report, ...rest } = b;
  return rest;
}

export class RedisBacktestStore implements BacktestStore {
  private readonly keepMs: number;

  constructor(
    private readonly redis: RedisClient,
    keepDays: number,
  ) {
    this.keepMs = keepDays * 86_400_000;
  }

  async save(b: Backtest): Promise<void> {
    const created = Date.parse(b.createdAt);
    await this.redis
      .multi()
      .set(key(b.backtestId), JSON.stringify(b), 'PX', this.keepMs)
      .zadd(INDEX, created, b.backtestId)
      .zremrangebyscore(INDEX, '-inf', Date.now() - this.keepMs)
      .exec();
  }

  async get(backtestId: string): Promise<Backtest | undefined> {
    const raw = await this.redis.get(key(backtestId));
    if (raw === null) return undefined;
    const decoded = Codecs.Backtest.decode(raw);
    return decoded.ok ? decoded.value : undefined;
  }

  async list(limit: number): Promise<BacktestListing[]> {
    const ids = await this.redis.zrevrange(INDEX, 0, Math.max(0, limit - 1));
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map(key));
    const out: BacktestListing[] = [];
    for (const raw of values) {
      if (raw === null) continue;
      const decoded = Codecs.Backtest.decode(raw);
      if (decoded.ok) out.push(listing(decoded.value));
    }
    return out;
  }

  async requestCancel(backtestId: string): Promise<void> {
    await this.redis.set(cancelKey(backtestId), '1', 'PX', this.keepMs);
  }

  async cancelRequested(backtestId: string): Promise<boolean> {
    return (await this.redis.exists(cancelKey(backtestId))) === 1;
  }
}

/** In process, for unit tests. */
export class MemoryBacktestStore implements BacktestStore {
  readonly saved = new Map<string, Backtest>();
  private readonly cancels = new Set<string>();

  async save(b: Backtest): Promise<void> {
    this.saved.set(b.backtestId, structuredClone(b));
  }

  async get(backtestId: string): Promise<Backtest | undefined> {
    return this.saved.get(backtestId);
  }

  async list(limit: number): Promise<BacktestListing[]> {
    return [...this.saved.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit)
      .map(listing);
  }

  async requestCancel(backtestId: string): Promise<void> {
    this.cancels.add(backtestId);
  }

  async cancelRequested(backtestId: string): Promise<boolean> {
    return this.cancels.has(backtestId);
  }
}
