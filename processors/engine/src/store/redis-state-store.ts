/**
 * Subject state in Redis: one string key per subject (`fs:s:<subjectId>`, or another namespace, value `<version>|<state
 * JSON>`, see `encodeState`; bounded, most states are 100 B – 2 kB), read for a whole Kafka batch with ONE `MGET` and written
 * back with ONE call of a compare-and-set Lua script over all the batch's keys — two round trips and
 * two commands per batch, whatever the number of subjects.
 *
 * Why compare-and-set rather than MULTI/EXEC or the rule engine in Lua: the rules (keyword automaton,
 * regexes, sequences, explanations) run in TypeScript, so the write needs a guard, not a transaction
 * around logic. Kafka already gives each subject one owner, but during a rebalance a fenced-off
 * instance may still be finishing its batch; the version check makes its write fail instead of
 * clobbering the new owner's, and the loser reloads and recomputes (its events are then recognised
 * as already processed). WATCH/MULTI would need a connection per transaction and fail the whole
 * batch on any change; the script checks key by key and reports only the keys that lost.
 * On Redis Cluster the batch's keys span many slots (one per subject), so the read and the write are
 * split per slot ({@link groupBySlot}), the calls sent together: no hash tag, since one shared by a
 * batch's subjects (the partition) would put a partition's whole state on one master and move every
 * state when partitions are added. The script checks each key on its own, so splitting it changes
 * nothing of its meaning. On one server (or behind Sentinel) it stays one MGET and one call.
 */
import { groupBySlot } from '@fenghuo/kit/redis-slots';
import type { Cluster, Redis } from 'ioredis';
import { decodeState, encodeState } from '../state.ts';
import type { SaveOptions, StateStore, StateWrite, Versioned } from './state-store.ts';

const CAS_SCRIPT = `
local ttl = ARGV[1]
local lost = {}
for i, key in ipairs(KEYS) do
  local expected = ARGV[2 * i]
  local cur = redis.call('GET', key)
  local v = '0'
  if cur then v = string.match(cur, '^(%d+)|') or '0' end
  if v == expected then
    redis.call('SET', key, tostring(tonumber(expected) + 1) .. '|' .. ARGV[2 * i + 1], 'PX', ttl)
  else
    lost[#lost + 1] = i
  end
end
return lost
`;

type CasRedis = (Redis | Cluster) & {
  fraudStateCas(numKeys: number, ...args: string[]): Promise<number[]>;
};

/** Namespace of the live scorer's states. */
export const LIVE_STATE_NAMESPACE = 'fs:s:';

/** The Redis key of a subject's state in a namespace (the live one by default). */
export function stateKey(subjectId: string, namespace = LIVE_STATE_NAMESPACE): string {
  return `${namespace}${subjectId}`;
}

export interface RedisStateStoreOptions {
  /**
   * Prefix of every state key (after the client's own `keyPrefix`): a shadow rule set scores into a
   * namespace of its own, so it never reads or writes the live states.
   * @defaultValue {@link LIVE_STATE_NAMESPACE} (`fs:s:`)
   */
  readonly namespace?: string;
}

/** `<version>|<json>` → parts; a value without the separator counts as no state. */
export function parseStored(value: string | null): Versioned {
  if (value === null) return { version: '0', state: undefined };
  const bar = value.indexOf('|');
  if (bar <= 0) return { version: '0', state: undefined };
  return { version: value.slice(0, bar), state: decodeState(value.slice(bar + 1)) };
}

export class RedisStateStore implements StateStore {
  private readonly redis: CasRedis;
  private readonly namespace: string;

  constructor(redis: Redis | Cluster, opts: RedisStateStoreOptions = {}) {
    if (!('fraudStateCas' in redis)) redis.defineCommand('fraudStateCas', { lua: CAS_SCRIPT });
    this.redis = redis as CasRedis;
    this.namespace = opts.namespace ?? LIVE_STATE_NAMESPACE;
  }

  async load(subjectIds: readonly string[], _nowMs?: number): Promise<Map<string, Versioned>> {
    const out = new Map<string, Versioned>();
    if (subjectIds.length === 0) return out;
    const keys = subjectIds.map((id) => stateKey(id, this.namespace));
    await Promise.all(
      groupBySlot(this.redis, keys).map(async (group) => {
        const values = await this.redis.mget(group.map((i) => keys[i] as string));
        group.forEach((k, j) => {
          out.set(subjectIds[k] as string, parseStored(values[j] ?? null));
        });
      }),
    );
    // In the order asked (the groups answer in any order).
    return new Map(subjectIds.map((id) => [id, out.get(id) as Versioned]));
  }

  async save(writes: readonly StateWrite[], { ttlMs }: SaveOptions): Promise<Set<string>> {
    const lost = new Set<string>();
    if (writes.length === 0) return lost;
    const keys = writes.map((w) => stateKey(w.subjectId, this.namespace));
    const ttl = String(Math.max(1, Math.round(ttlMs)));
    await Promise.all(
      groupBySlot(this.redis, keys).map(async (group) => {
        const args: string[] = [ttl];
        for (const k of group) {
          const w = writes[k] as StateWrite;
          args.push(w.expectedVersion, encodeState(w.state));
        }
        const losers = await this.redis.fraudStateCas(
          group.length,
          ...group.map((k) => keys[k] as string),
          ...args,
        );
        for (const i of losers) {
          const w = writes[group[i - 1] as number];
          if (w !== undefined) lost.add(w.subjectId);
        }
      }),
    );
    return lost;
  }
}
