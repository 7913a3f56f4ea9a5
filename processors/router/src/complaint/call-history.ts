/**
 * Calls per address, for the complaint-risk signal "repeat calls from the same address": every
 * reported incident is a member of a Redis sorted set per address (scored by when it was
 * reported), so a resolved incident counts the others from its address within the rule set's
 * window. Recording is idempotent (the incident id is the member), so redelivered reports count once.
 */
import type { GeoPoint } from '@fenghuo/contracts';
import type { RedisClient } from '@fenghuo/kit';
import { NS } from '../store.ts';

/** The longest window a complaint-risk set may ask for: older calls are dropped. */
const KEEP_MS = 366 * 24 * 3600_000;

/**
 * The address a call is filed under: its written address, lower-cased with its spaces collapsed,
 * else its position rounded to 4 decimals (about 10 m), else none.
 */
export function addressKey(address: string | undefined, location: GeoPoint | undefined): string | undefined {
  const written = address?.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  if (written) return `a:${written}`;
  if (location) return `g:${location.lat.toFixed(4)},${location.lon.toFixed(4)}`;
  return undefined;
}

export interface CallRecord {
  readonly incidentId: string;
  readonly key: string;
  /** Epoch ms the incident was reported. */
  readonly at: number;
}

export class CallHistory {
  constructor(private readonly redis: RedisClient) {}

  private key(addr: string): string {
    return `${NS}calls:${addr}`;
  }

  async record(calls: readonly CallRecord[]): Promise<void> {
    if (calls.length === 0) return;
    const p = this.redis.pipeline();
    for (const c of calls) {
      const k = this.key(c.key);
      p.zadd(k, c.at, c.incidentId);
      p.zremrangebyscore(k, '-inf', c.at - KEEP_MS);
      p.pexpire(k, KEEP_MS);
    }
    await p.exec();
  }

  /**
   * For each query, the incidents from `addr` reported in [from, to], leaving out `except`: one
   * pipeline, so one round trip (and one socket write) for a batch of resolved incidents instead
   * of one each.
   */
  async countMany(
    queries: readonly { addr: string; from: number; to: number; except: string }[],
  ): Promise<number[]> {
    if (queries.length === 0) return [];
    const p = this.redis.pipeline();
    for (const q of queries) p.zrangebyscore(this.key(q.addr), q.from, q.to);
    const results = await p.exec();
    if (!results) throw new Error('redis pipeline returned nothing');
    return results.map(([err, members], i) => {
      if (err) throw err;
      return (members as string[]).filter((m) => m !== queries[i]?.except).length;
    });
  }
}
