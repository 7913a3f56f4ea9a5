/**
 * Rate limits on reports, counted in Redis so every gateway instance counts together: fixed
 * windows per address and per cell for the public form, per user for signed-in grid workers. The
 * address is counted first and a refused address does not count against the cell, so one flooding
 * address cannot shut a cell's form for its other residents.
 */
import type { Redis } from 'ioredis';

export interface ReportLimits {
  /** Public-form reports per address per window. */
  readonly perAddress: number;
  /** Public-form reports per cell per window (from every address). */
  readonly perCell: number;
  /** Reports per signed-in grid worker per window. */
  readonly perUser: number;
  readonly windowSec: number;
}

export type LimitVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly scope: 'address' | 'cell' | 'user'; readonly retryAfterSec: number };

export class ReportLimiter {
  constructor(
    private readonly redis: Redis,
    readonly limits: ReportLimits,
  ) {}

  /** Counts one attempt against `key`; refused past `limit` within the window. */
  private async take(key: string, limit: number): Promise<{ allowed: boolean; retryAfterSec: number }> {
    const results = await this.redis
      .multi()
      .incr(key)
      .expire(key, this.limits.windowSec, 'NX')
      .ttl(key)
      .exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? this.limits.windowSec);
    return { allowed: count <= limit, retryAfterSec: Math.max(1, ttl) };
  }

  /** One public-form report from `address` about `cellId`. */
  async publicReport(address: string, cellId: string): Promise<LimitVerdict> {
    const byAddress = await this.take(`gr:rl:a:${address}`, this.limits.perAddress);
    if (!byAddress.allowed)
      return { allowed: false, scope: 'address', retryAfterSec: byAddress.retryAfterSec };
    const byCell = await this.take(`gr:rl:c:${cellId}`, this.limits.perCell);
    if (!byCell.allowed) return { allowed: false, scope: 'cell', retryAfterSec: byCell.retryAfterSec };
    return { allowed: true };
  }

  /** One report from a signed-in grid worker. */
  async userReport(username: string): Promise<LimitVerdict> {
    const r = await this.take(`gr:rl:u:${username}`, this.limits.perUser);
    return r.allowed ? { allowed: true } : { allowed: false, scope: 'user', retryAfterSec: r.retryAfterSec };
  }
}
