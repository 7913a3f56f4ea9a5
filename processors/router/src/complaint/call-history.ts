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

  /** Incidents from `addr` reported in [from, to], leaving out `except`. */
  async count(addr: string, from: number, to: number, except: string): Promise<number> {
    const members = await this.redis.zrangebyscore(this.key(addr), from, to);
    return members.filter((m) => m !== except).length;
  }
}
