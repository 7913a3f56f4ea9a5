/**
 * The live state snapshots are made of, kept in Redis by the gateway's consumers: open alerts and
 * incidents, active orders and plans, unit positions and statuses, the watch list. Each item is
 * stored under every room that may see it (`<prefix>state:<kind>:<room>`, a hash id → JSON), with
 * its rooms remembered (`<prefix>state:<kind>:@rooms`) so an item that moves or ends leaves the
 * rooms it no longer belongs to. Any instance writes the partitions it owns and reads everything.
 */
import type { Redis } from 'ioredis';

export const STATE_KINDS = [
  'alerts',
  'incidents',
  'orders',
  'plans',
  'positions',
  'statuses',
  'watchlist',
] as const;
export type StateKind = (typeof STATE_KINDS)[number];

/** One change: `value` undefined removes the item (an alert closed, an order ended). */
export interface StateChange {
  readonly kind: StateKind;
  readonly id: string;
  readonly value: unknown;
  readonly rooms: readonly string[];
}

export class StateStore {
  constructor(private readonly redis: Redis) {}

  private key(kind: StateKind, room: string): string {
    return `state:${kind}:${room}`;
  }

  /** The rooms each item was stored under before (for moves and removals), in one round trip. */
  async previousRooms(
    changes: readonly Pick<StateChange, 'kind' | 'id'>[],
  ): Promise<(string[] | undefined)[]> {
    if (changes.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const c of changes) pipe.hget(this.key(c.kind, '@rooms'), c.id);
    const results = (await pipe.exec()) ?? [];
    return results.map(([err, raw]) => {
      if (err) throw err;
      return typeof raw === 'string' ? (JSON.parse(raw) as string[]) : undefined;
    });
  }

  /** Applies changes in order, in one round trip after the one reading their previous rooms. */
  async apply(changes: readonly StateChange[]): Promise<void> {
    if (changes.length === 0) return;
    // The last change of each item wins; earlier ones in the same batch are superseded.
    const last = new Map<string, StateChange>();
    for (const c of changes) last.set(`${c.kind}\u0000${c.id}`, c);
    const list = [...last.values()];
    const before = await this.previousRooms(list);
    const pipe = this.redis.pipeline();
    list.forEach((c, i) => {
      const old = before[i] ?? [];
      const keep = c.value === undefined ? [] : c.rooms;
      for (const room of old) if (!keep.includes(room)) pipe.hdel(this.key(c.kind, room), c.id);
      if (c.value === undefined) {
        pipe.hdel(this.key(c.kind, '@rooms'), c.id);
        return;
      }
      const json = JSON.stringify(c.value);
      for (const room of keep) pipe.hset(this.key(c.kind, room), c.id, json);
      pipe.hset(this.key(c.kind, '@rooms'), c.id, JSON.stringify(keep));
    });
    const results = (await pipe.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
  }

  /** One item, as stored under `room`. */
  async get<T>(kind: StateKind, room: string, id: string): Promise<T | undefined> {
    const raw = await this.redis.hget(this.key(kind, room), id);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  /** Every item of each kind visible in any of `rooms`, each once. */
  async read(kinds: readonly StateKind[], rooms: readonly string[]): Promise<Map<StateKind, unknown[]>> {
    const pipe = this.redis.pipeline();
    for (const kind of kinds) for (const room of rooms) pipe.hgetall(this.key(kind, room));
    const results = (await pipe.exec()) ?? [];
    const out = new Map<StateKind, unknown[]>();
    let i = 0;
    for (const kind of kinds) {
      const byId = new Map<string, unknown>();
      for (let r = 0; r < rooms.length; r++) {
        const [err, hash] = results[i++] ?? [null, {}];
        if (err) throw err;
        for (const [id, json] of Object.entries(hash as Record<string, string>)) {
          if (!byId.has(id)) byId.set(id, JSON.parse(json));
        }
      }
      out.set(kind, [...byId.values()]);
    }
    return out;
  }

  /** How many items of `kind` a room holds. */
  count(kind: StateKind, room: string): Promise<number> {
    return this.redis.hlen(this.key(kind, room));
  }
}
