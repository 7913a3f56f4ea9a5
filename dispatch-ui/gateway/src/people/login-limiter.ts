/**
 * Failed logins are limited per username and per address, in Redis so every instance counts
 * together: past the limit within the window the answer is 429 even for the right password, so a
 * guesser learns nothing. A success clears the username's count; successes are never limited per
 * address, since a whole station's phones may sit behind one.
 */
import type { Redis } from 'ioredis';

export interface LoginLimits {
  readonly perUser: number;
  readonly perAddress: number;
  readonly windowSec: number;
}

export type LimitDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSec: number };

export class LoginLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: LoginLimits,
  ) {}

  private userKey(username: string): string {
    return `login-fail:u:${username}`;
  }

  private addressKey(address: string): string {
    return `login-fail:a:${address}`;
  }

  /** Whether this username from this address may try now. */
  async check(username: string, address: string): Promise<LimitDecision> {
    const pipe = this.redis.pipeline();
    pipe.get(this.userKey(username));
    pipe.ttl(this.userKey(username));
    pipe.get(this.addressKey(address));
    pipe.ttl(this.addressKey(address));
    const r = ((await pipe.exec()) ?? []).map(([err, v]) => {
      if (err) throw err;
      return v;
    });
    const [users, userTtl, addresses, addressTtl] = [
      Number(r[0] ?? 0),
      Number(r[1]),
      Number(r[2] ?? 0),
      Number(r[3]),
    ];
    if (users >= this.limits.perUser) return { allowed: false, retryAfterSec: Math.max(1, userTtl) };
    if (addresses >= this.limits.perAddress)
      return { allowed: false, retryAfterSec: Math.max(1, addressTtl) };
    return { allowed: true };
  }

  async failed(username: string, address: string): Promise<void> {
    const pipe = this.redis.pipeline();
    for (const key of [this.userKey(username), this.addressKey(address)]) {
      pipe.incr(key);
      pipe.expire(key, this.limits.windowSec, 'NX');
    }
    await pipe.exec();
  }

  async succeeded(username: string): Promise<void> {
    await this.redis.del(this.userKey(username));
  }
}
