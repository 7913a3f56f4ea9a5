/**
 * Pursuits in Redis, so any instance can take over any plate: one key per plate
 * (`{ic}:p:<plate>`, value `<version>|<pursuit JSON>`) written by compare-and-set (a Lua script that
 * writes only when the version is still the one read), a set of plates with an active pursuit
 * (`{ic}:active`), and short locks for the periodic re-plan (`{ic}:lock:<plate>`). The `{ic}` hash
 * tag keeps them in one slot on Redis Cluster, since the script writes a plate and the shared set
 * together (pursuits are few: one master holds them all). Sightings, incidents
 * and commands of one plate may reach different instances (their topics are keyed differently), so
 * every change goes through the version check; the loser reloads and applies its event again.
 */
import { type RedisClient, renameKeyPrefix } from '@fenghuo/kit';
import type { Pursuit } from './pursuit.ts';

/** Namespace of the interceptor's keys under the client's key prefix (one hash slot). */
export const NS = '{ic}:';

/**
 * Moves pursuits of an interceptor older than the hash tag (`ic:…`) to {@link NS}, once, on one
 * server, when some pursuit is active (closed ones only wait to expire); run before the service
 * reads, with no older instance still running.
 */
export function migratePursuitKeys(redis: RedisClient): Promise<number> {
  return renameKeyPrefix(redis, 'ic:', NS, 'active');
}

export interface StoredPursuit {
  /** '0' when the plate has no pursuit. */
  readonly version: string;
  readonly pursuit: Pursuit | undefined;
}

export interface PursuitStore {
  load(plate: string): Promise<StoredPursuit>;
  /** Writes when the stored version is still `expectedVersion`; false when another write won. */
  save(plate: string, expectedVersion: string, pursuit: Pursuit): Promise<boolean>;
  /** Plates with an active pursuit. */
  activePlates(): Promise<string[]>;
  /** Takes a lock for `ms` (true) unless another holder has it (false). */
  tryLock(name: string, owner: string, ms: number): Promise<boolean>;
}

const CAS_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
local v = '0'
if cur then v = string.match(cur, '^(%d+)|') or '0' end
if v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], tostring(tonumber(ARGV[1]) + 1) .. '|' .. ARGV[2], 'PX', ARGV[4])
if ARGV[3] == 'active' then redis.call('SADD', KEYS[2], ARGV[5]) else redis.call('SREM', KEYS[2], ARGV[5]) end
return 1
`;

/** A closed pursuit is kept this long (a late sighting of the plate then does not reopen it at once). */
const CLOSED_TTL_MS = 24 * 60 * 60 * 1000;
/** An active pursuit lives as long as it is written to, and a week at most without a write. */
const ACTIVE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

type CasRedis = RedisClient & {
  interceptorPursuitCas(numKeys: number, ...args: string[]): Promise<number>;
};

export function parseStoredPursuit(value: string | null): StoredPursuit {
  if (value === null) return { version: '0', pursuit: undefined };
  const bar = value.indexOf('|');
  if (bar <= 0) return { version: '0', pursuit: undefined };
  return { version: value.slice(0, bar), pursuit: JSON.parse(value.slice(bar + 1)) as Pursuit };
}

export class RedisPursuitStore implements PursuitStore {
  private readonly redis: CasRedis;

  constructor(redis: RedisClient) {
    if (!('interceptorPursuitCas' in redis))
      redis.defineCommand('interceptorPursuitCas', { lua: CAS_SCRIPT });
    this.redis = redis as CasRedis;
  }

  async load(plate: string): Promise<StoredPursuit> {
    return parseStoredPursuit(await this.redis.get(`${NS}p:${plate}`));
  }

  async save(plate: string, expectedVersion: string, pursuit: Pursuit): Promise<boolean> {
    const active = pursuit.status === 'active';
    const won = await this.redis.interceptorPursuitCas(
      2,
      `${NS}p:${plate}`,
      `${NS}active`,
      expectedVersion,
      JSON.stringify(pursuit),
      active ? 'active' : 'closed',
      String(active ? ACTIVE_TTL_MS : CLOSED_TTL_MS),
      plate,
    );
    return won === 1;
  }

  async activePlates(): Promise<string[]> {
    return (await this.redis.smembers(`${NS}active`)).sort();
  }

  async tryLock(name: string, owner: string, ms: number): Promise<boolean> {
    return (await this.redis.set(`${NS}lock:${name}`, owner, 'PX', ms, 'NX')) === 'OK';
  }
}

/** The same in memory, for unit tests and the dry run. */
export class MemoryPursuitStore implements PursuitStore {
  private readonly values = new Map<string, string>();
  private readonly locks = new Map<string, number>();

  async load(plate: string): Promise<StoredPursuit> {
    return parseStoredPursuit(this.values.get(plate) ?? null);
  }

  async save(plate: string, expectedVersion: string, pursuit: Pursuit): Promise<boolean> {
    const cur = parseStoredPursuit(this.values.get(plate) ?? null).version;
    if (cur !== expectedVersion) return false;
    this.values.set(plate, `${Number(cur) + 1}|${JSON.stringify(pursuit)}`);
    return true;
  }

  async activePlates(): Promise<string[]> {
    const out: string[] = [];
    for (const [plate, v] of this.values)
      if (parseStoredPursuit(v).pursuit?.status === 'active') out.push(plate);
    return out.sort();
  }

  async tryLock(name: string, _owner: string, ms: number): Promise<boolean> {
    const until = this.locks.get(name) ?? 0;
    if (until > Date.now()) return false;
    this.locks.set(name, Date.now() + ms);
    return true;
  }
}
