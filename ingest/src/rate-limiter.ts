/**
 * Per-source rate limit: a token bucket counted in events (a 1,000-event batch costs 1,000 tokens),
 * refilled continuously. In memory, per ingest instance: with N instances behind a load balancer a
 * source may send up to N times the rate. A request larger than the burst costs the whole burst.
 */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole seconds until enough tokens will be there (for `Retry-After`); 0 when allowed. */
  readonly retryAfterSec: number;
}

export interface RateLimiter {
  take(source: string, cost: number, nowMs?: number): RateLimitDecision;
}

export interface TokenBucketOptions {
  /** Events per second per source. */
  readonly ratePerSec: number;
  /** Bucket size (largest burst). @defaultValue ratePerSec */
  readonly burst?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;

  constructor(private readonly opts: TokenBucketOptions) {
    this.burst = opts.burst ?? opts.ratePerSec;
  }

  take(source: string, cost: number, nowMs = Date.now()): RateLimitDecision {
    let b = this.buckets.get(source);
    if (b === undefined) {
      b = { tokens: this.burst, updatedMs: nowMs };
      this.buckets.set(source, b);
    }
    const elapsed = Math.max(0, nowMs - b.updatedMs) / 1000;
    b.tokens = Math.min(this.burst, b.tokens + elapsed * this.opts.ratePerSec);
    b.updatedMs = nowMs;
    const c = Math.min(cost, this.burst);
    if (c <= b.tokens) {
      b.tokens -= c;
      return { allowed: true, retryAfterSec: 0 };
    }
    const missing = c - b.tokens;
    return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(missing / this.opts.ratePerSec)) };
  }
}
