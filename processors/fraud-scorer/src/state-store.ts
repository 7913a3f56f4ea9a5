/**
 * Subject state in Redis: one hash per subject (`fs:s:<subjectId>`, fields `v` = version and
 * `s` = state JSON), read for a whole Kafka batch in one pipelined round trip (HMGET per subject)
 * and written back in one more (a compare-and-set Lua script per subject, all in one pipeline).
 *
 * Why compare-and-set rather than MULTI/EXEC or the whole rule engine in Lua: the rules (keyword
 * automaton, regexes, sequences, explanations) run in TypeScript, so the write needs a guard, not a
 * transaction around logic. Kafka already gives each subject one owner, but during a rebalance a
 * fenced-off instance may still be finishing its batch; the version check makes its write fail
 * instead of clobbering the new owner's, and the loser reloads and recomputes (its events are then
 * recognised as already processed). WATCH/MULTI would need one connection per transaction and
 * serialise the pipeline; the per-key script keeps the batch to one round trip and works key by key
 * in Redis Cluster too.
 */
import type { Redis } from 'ioredis';
import type { SubjectState } from './engine/state.ts';

const CAS_SCRIPT = `
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', tostring(tonumber(ARGV[1]) + 1), 's', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

export interface Versioned {
  /** '0' when the subject has no state yet. */
  readonly version: string;
  readonly state: SubjectState | undefined;
}

export interface StateWrite {
  readonly subjectId: string;
  readonly expectedVersion: string;
  readonly state: SubjectState;
}

export interface StateStore {
  load(subjectIds: readonly string[]): Promise<Map<string, Versioned>>;
  /** Writes every state whose version still matches; returns the subjects whose write lost. */
  save(writes: readonly StateWrite[], ttlMs: number): Promise<Set<string>>;
}

type CasRedis = Redis & {
  fraudStateCas(key: string, expected: string, state: string, ttlMs: string): Promise<number>;
};

export function stateKey(subjectId: string): string {
  return `fs:s:${subjectId}`;
}

export class RedisStateStore implements StateStore {
  private readonly redis: CasRedis;

  constructor(redis: Redis) {
    if (!('fraudStateCas' in redis)) {
      redis.defineCommand('fraudStateCas', { numberOfKeys: 1, lua: CAS_SCRIPT });
    }
    this.redis = redis as CasRedis;
  }

  async load(subjectIds: readonly string[]): Promise<Map<string, Versioned>> {
    const out = new Map<string, Versioned>();
    if (subjectIds.length === 0) return out;
    const pipeline = this.redis.pipeline();
    for (const id of subjectIds) pipeline.hmget(stateKey(id), 'v', 's');
    const results = (await pipeline.exec()) ?? [];
    subjectIds.forEach((id, i) => {
      const [err, value] = results[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      const [v, s] = (value as [string | null, string | null] | null) ?? [null, null];
      out.set(id, { version: v ?? '0', state: s === null ? undefined : (JSON.parse(s) as SubjectState) });
    });
    return out;
  }

  async save(writes: readonly StateWrite[], ttlMs: number): Promise<Set<string>> {
    const lost = new Set<string>();
    if (writes.length === 0) return lost;
    const pipeline = this.redis.pipeline();
    const ttl = String(Math.max(1, Math.round(ttlMs)));
    for (const w of writes) {
      (pipeline as unknown as CasRedis).fraudStateCas(
        stateKey(w.subjectId),
        w.expectedVersion,
        JSON.stringify(w.state),
        ttl,
      );
    }
    const results = (await pipeline.exec()) ?? [];
    writes.forEach((w, i) => {
      const [err, value] = results[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      if (value !== 1) lost.add(w.subjectId);
    });
    return lost;
  }
}

/** In-memory store with the same compare-and-set semantics, for unit tests. */
export class MemoryStateStore implements StateStore {
  readonly data = new Map<string, { version: number; json: string }>();
  loads = 0;
  saves = 0;

  async load(subjectIds: readonly string[]): Promise<Map<string, Versioned>> {
    this.loads++;
    const out = new Map<string, Versioned>();
    for (const id of subjectIds) {
      const d = this.data.get(id);
      out.set(id, {
        version: String(d?.version ?? 0),
        state: d === undefined ? undefined : (JSON.parse(d.json) as SubjectState),
      });
    }
    return out;
  }

  async save(writes: readonly StateWrite[]): Promise<Set<string>> {
    this.saves++;
    const lost = new Set<string>();
    for (const w of writes) {
      const cur = this.data.get(w.subjectId)?.version ?? 0;
      if (String(cur) !== w.expectedVersion) {
        lost.add(w.subjectId);
        continue;
      }
      this.data.set(w.subjectId, { version: cur + 1, json: JSON.stringify(w.state) });
    }
    return lost;
  }
}
