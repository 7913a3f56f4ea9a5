/** An in-memory {@link DedupeStore} with the same semantics as the Redis one (for unit tests). */
import { randomBytes } from 'node:crypto';
import type { Claim, ClaimState, DedupeStore } from './dedupe.ts';

export class MemoryDedupeStore implements DedupeStore {
  readonly values = new Map<string, string>();

  async claim(source: string, eventIds: readonly string[]): Promise<Claim> {
    const token = `p:${randomBytes(8).toString('hex')}`;
    const states = eventIds.map((id): ClaimState => {
      const key = `${source}:${id}`;
      const prev = this.values.get(key);
      if (prev === undefined) {
        this.values.set(key, token);
        return 'claimed';
      }
      return prev === 'd' ? 'duplicate' : 'in_flight';
    });
    return { states, token };
  }

  async commit(source: string, eventIds: readonly string[]): Promise<void> {
    for (const id of eventIds) this.values.set(`${source}:${id}`, 'd');
  }

  async release(source: string, eventIds: readonly string[], token: string): Promise<void> {
    for (const id of eventIds) {
      const key = `${source}:${id}`;
      if (this.values.get(key) === token) this.values.delete(key);
    }
  }
}
