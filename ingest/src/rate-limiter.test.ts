import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './rate-limiter.ts';

describe('TokenBucketLimiter', () => {
  it('allows the burst, refuses beyond it with Retry-After, and refills over time', () => {
    const limiter = new TokenBucketLimiter({ ratePerSec: 100, burst: 200 });
    expect(limiter.take('a', 150, 0).allowed).toBe(true);
    const refused = limiter.take('a', 100, 0);
    expect(refused).toEqual({ allowed: false, retryAfterSec: 1 });
    expect(limiter.take('b', 200, 0).allowed).toBe(true); // sources are independent
    expect(limiter.take('a', 100, 500).allowed).toBe(true); // 50 left + 50 refilled
  });

  it('gives a Retry-After that is long enough for a big request', () => {
    const limiter = new TokenBucketLimiter({ ratePerSec: 10, burst: 100 });
    limiter.take('a', 100, 0);
    expect(limiter.take('a', 100, 0).retryAfterSec).toBe(10);
  });
});
