/**
 * The live state snapshots are made of, kept in Redis by the gateway's consumers: open alerts and
 * incidents, active orders and plans, unit positions and statuses, the watch list. Each item is
 * stored under every room that may see it (`<prefix>state:<kind>:<room>`, a hash id → JSON), with
 * its rooms remembered (`<prefix>state:<kind>:@rooms`) so an item that moves or ends leaves the
 * rooms it no longer belongs to. Any instance writes the partitions it owns and reads everything.
 */
import type { ChainableCommander, Redis } from 'ioredis';

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

/**
 * ARGV: key base (`<prefix>state:<kind>:`, the prefix included since the keys are computed here),
 * id, JSON value ('' removes), JSON rooms. Runs on one Redis node (not a cluster: its keys are not
 * declared).
 */
const STATE_APPLY = `
local base, id, value = ARGV[1], ARGV[2], ARGV[3]
local rooms = cjson.decode(ARGV[4])
local keep = {}
for _, r in ipairs(rooms) do keep[r] = true end
local old = redis.call('HGET', base .. '@rooms', id)
if old then
  for _, r in ipairs(cjson.decode(old)) do
    if not keep[r] then redis.call('HDEL', base .. r, id) end
  end
end
if value == '' then
  redis.call('HDEL', base .. '@rooms', id)
  return 0
end
for _, r in ipairs(rooms) do redis.call('HSET', base .. r, id, value) end
redis.call('HSET', base .. '@rooms', id, ARGV[4])
return 1`;

export class StateStore {
  private readonly prefix: string;

  constructor(private readonly redis: Redis) {
    this.prefix = redis.options.keyPrefix ?? '';
    if (!('fhStateApply' in redis)) redis.defineCommand('fhStateApply', { lua: STATE_APPLY });
  }

  private key(kind: StateKind, room: string): string {
    return `state:${kind}:${room}`;
  }

  /**
   * Applies changes in order, in one round trip: a script per item reads the rooms it was stored
   * under, leaves those it no longer belongs to, and writes it under the new ones (or removes it).
   * `alongside` adds other commands (the figures, reads) to the same round trip; their answers are
   * returned in order.
   */
  async apply(
    changes: readonly StateChange[],
    alongside?: (pipe: ChainableCommander) => void,
  ): Promise<unknown[]> {
    if (changes.length === 0 && alongside === undefined) return [];
    // The last change of each item wins; earlier ones in the same batch are superseded.
    const last = new Map<string, StateChange>();
    for (const c of changes) last.set(`${c.kind}\u0000${c.id}`, c);
    const pipe = this.redis.pipeline() as ChainableCommander & {
      fhStateApply(numKeys: number, ...args: string[]): unknown;
    };
    for (const c of last.values()) {
      const base = `${this.prefix}state:${c.kind}:`;
      pipe.fhStateApply(
        0,
        base,
        c.id,
        c.value === undefined ? '' : JSON.stringify(c.value),
        JSON.stringify(c.value === undefined ? [] : c.rooms),
      );
    }
    alongside?.(pipe);
    const results = (await pipe.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    return results.slice(last.size).map(([, value]) => value);
  }

  /**
   * Which units hold an active order about each matter (`<prefix>ref-units:<refId>`): officers sent
   * to an alert receive its updates. Returns, per change, whether the unit was newly added.
   */
  async trackRefUnits(
    changes: readonly { refId: string; unitId: string; active: boolean }[],
  ): Promise<boolean[]> {
    if (changes.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const c of changes) {
      if (c.active) pipe.sadd(`ref-units:${c.refId}`, c.unitId);
      else pipe.srem(`ref-units:${c.refId}`, c.unitId);
    }
    const results = (await pipe.exec()) ?? [];
    return results.map(([err, n], i) => {
      if (err) throw err;
      return changes[i]!.active && n === 1;
    });
  }

  /** Queues a read of the units holding an active order about each of `refIds` (one answer each). */
  queueRefUnits(pipe: ChainableCommander, refIds: readonly string[]): void {
    for (const id of refIds) pipe.smembers(`ref-units:${id}`);
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
