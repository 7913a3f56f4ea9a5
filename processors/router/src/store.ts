/**
 * The router's state in Redis: matters (compare-and-set JSON), units (versioned state, last
 * position, a GEO set of the available patrol units), the order index, each matter's outbox, the
 * jobs (acknowledgement deadlines and waiting matters, claimed with a lease) and the response-time
 * samples of the last hour. A batch reads with one script call per kind of data and commits up to
 * 64 decisions per script call, each decision atomically.
 */
import type { UnitKind, UnitState, UnitStatus } from '@fenghuo/contracts';
import { type RedisClient, renameKeyPrefix } from '@fenghuo/kit';
import type { ChainableCommander } from 'ioredis';
import type { RosterUnit } from './city-view.ts';
import {
  AFTER_PUBLISH,
  CLAIM_JOBS,
  COMMIT_MANY,
  FINISH_JOB,
  LOAD_MATTERS,
  LOAD_UNITS,
  PERSON_STATUS,
  POOL,
  POSITIONS,
  SEED_UNITS,
} from './lua.ts';
import type { Decision, Matter, Outputs, Sample, SampleMetric, UnitView } from './model.ts';
import { outboxJson } from './record-json.ts';

/**
 * Namespace of the router's keys under the client's key prefix. The hash tag keeps every router
 * key in one slot, so on Redis Cluster the scripts (which build their keys from the prefix), the
 * pipelines and MGETs all reach one master: the router's state (units, open matters, deadlines)
 * is small and its GEO set and jobs are single keys anyway, so it is not spread over masters.
 */
export const NS = '{rt}:';

/** The namespace before the hash tag (moved once to {@link NS} by {@link RouterStore.migrate}). */
export const LEGACY_NS = 'rt:';

/** Declared to each script so a cluster client sends it to the master of the router's slot. */
const ANCHOR = `${NS}jobs`;

const SCRIPTS = {
  rtCommitMany: COMMIT_MANY,
  rtAfterPublish: AFTER_PUBLISH,
  rtLoadMatters: LOAD_MATTERS,
  rtLoadUnits: LOAD_UNITS,
  rtPool: POOL,
  rtPositions: POSITIONS,
  rtPersonStatus: PERSON_STATUS,
  rtSeedUnits: SEED_UNITS,
  rtClaimJobs: CLAIM_JOBS,
  rtFinishJob: FINISH_JOB,
} as const;
type ScriptName = keyof typeof SCRIPTS;
type ScriptCaller = (...args: (string | number)[]) => Promise<unknown>;

/**
 * Decisions committed per script call: one command instead of one per decision, while a call
 * holds Redis only a few milliseconds (other clients' commands wait for a running script).
 */
const COMMIT_CHUNK = 64;

/** A record waiting to be published, kept with the matter until the broker acknowledged it. */
export interface OutboxEntry {
  /** Epoch ms (wall clock) of the commit. */
  readonly at: number;
  readonly cid?: string;
  readonly o: Outputs;
}

export interface LoadedMatter {
  /** The version read ('0' when the matter does not exist). */
  readonly v: string;
  readonly matter: Matter | undefined;
  readonly outbox: ReadonlyMap<string, OutboxEntry>;
}

/** A unit of a pool: available, with no order. */
export interface PoolRow {
  readonly id: string;
  readonly lon: number;
  readonly lat: number;
  /** Last report, epoch ms; 0 when never. */
  readonly seenAt: number;
}

export interface CommitResult {
  readonly ok: boolean;
  readonly conflict?: string;
  /** The unit status records of a committed decision. */
  readonly statuses?: readonly UnitStatus[];
}

/** The key of a matter: `<refKind>:<refId>`. */
export function matterKeyOf(refKind: string, refId: string): string {
  return `${refKind}:${refId}`;
}

export interface StoreOptions {
  /**
   * How long a matter (and its orders' index) is kept after its last change.
   * @defaultValue 30 days
   */
  readonly matterTtlMs?: number;
}

const STATUSES: ReadonlySet<string> = new Set([
  'available',
  'dispatched',
  'en_route',
  'on_scene',
  'busy',
  'off_duty',
]);

function unitFrom(
  id: string,
  s: readonly (string | null)[],
  p: readonly (string | null)[],
): UnitView | undefined {
  const [status, orders, kind, station] = s;
  if (!kind || !status || !STATUSES.has(status)) return undefined;
  const [lon, lat, t] = p;
  return {
    id,
    kind: kind as UnitKind,
    stationId: station ?? '',
    status: status as UnitState,
    orders: JSON.parse(orders ?? '[]') as string[],
    lon: lon ? Number(lon) : undefined,
    lat: lat ? Number(lat) : undefined,
    seenAt: Number(t ?? '0'),
  };
}

/** Checks a pipeline's replies and returns their values. */
function replies(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('redis pipeline returned nothing');
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** Gets the replies of the turn's pipeline (or its error). */
type TurnWaiter = (err: unknown, results: [Error | null, unknown][] | null) => void;

export class RouterStore {
  /** Prefix of keys built inside scripts: the client's own prefix plus {@link NS}. */
  private readonly scriptPrefix: string;
  private readonly ttlMs: number;

  constructor(
    readonly redis: RedisClient,
    opts: StoreOptions = {},
  ) {
    this.scriptPrefix = `${redis.options.keyPrefix ?? ''}${NS}`;
    this.ttlMs = opts.matterTtlMs ?? 30 * 24 * 3600_000;
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua });
    }
  }

  private call(name: ScriptName, ...args: (string | number)[]): Promise<unknown> {
    // defineCommand adds the method at run time; ioredis's types cannot know it.
    const fn = (this.redis as unknown as Record<string, ScriptCaller>)[name] as ScriptCaller;
    return fn.call(this.redis, ANCHOR, this.scriptPrefix, ...args);
  }

  /** The pipeline of the current turn's reads (see {@link together}), until it is sent. */
  private turn: { p: ChainableCommander; waiters: TurnWaiter[] } | undefined;

  /**
   * Reads started in the same turn of the event loop (a batch's matters, units and pools, asked
   * for together) go to Redis in one pipeline: one socket write instead of one per read. On this
   * machine a write costs the process ~0.3–1 ms of wall time (the loopback wakes Redis, often on
   * the same core), which is most of what a run pays per round trip. `queue` adds its commands;
   * the promise gets their replies, or the first error among them.
   */
  private together(queue: (p: ChainableCommander) => number): Promise<unknown[]> {
    let t = this.turn;
    if (t === undefined) {
      const created: { p: ChainableCommander; waiters: TurnWaiter[] } = {
        p: this.redis.pipeline(),
        waiters: [],
      };
      this.turn = t = created;
      queueMicrotask(() => {
        this.turn = undefined;
        created.p.exec().then(
          (results) => {
            for (const w of created.waiters) w(undefined, results);
          },
          (err: unknown) => {
            for (const w of created.waiters) w(err, null);
          },
        );
      });
    }
    const turn = t;
    const first = turn.p.length;
    const count = queue(turn.p);
    return new Promise<unknown[]>((resolve, reject) => {
      turn.waiters.push((err, results) => {
        if (err !== undefined) return reject(err);
        try {
          resolve(replies(results === null ? null : results.slice(first, first + count)));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  private queue(p: ChainableCommander, name: ScriptName, ...args: (string | number)[]): void {
    const fn = (p as unknown as Record<string, (...a: (string | number)[]) => unknown>)[name] as (
      ...a: (string | number)[]
    ) => unknown;
    fn.call(p, ANCHOR, this.scriptPrefix, ...args);
  }

  /**
   * Moves the keys of a router older than the hash tag (`rt:…`) to {@link NS}, once, on one
   * server (a cluster starts empty). Run before seeding, with no older router still running.
   */
  async migrate(): Promise<number> {
    return renameKeyPrefix(this.redis, LEGACY_NS, NS, 'seen');
  }

  /** Puts roster units that Redis does not know yet in it; returns how many. */
  /**
   * Roster units that have never changed status since they were seeded: `available` at their post
   * as far as the router knows, and never announced on `units.status` by a transition.
   */
  async neverMoved(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of ids) p.hmget(`${NS}us:${id}`, 's', 'at');
    const r = replies(await p.exec());
    return ids.filter((_id, i) => {
      const [s, at] = r[i] as (string | null)[];
      return s === 'available' && at === '0';
    });
  }

  async seed(roster: readonly RosterUnit[]): Promise<number> {
    let added = 0;
    for (let i = 0; i < roster.length; i += 500) {
      const args = roster
        .slice(i, i + 500)
        .flatMap((u) => [u.id, u.kind, u.stationId, String(u.position.lon), String(u.position.lat)]);
      added += Number(await this.call('rtSeedUnits', ...args));
    }
    return added;
  }

  /**
   * Matters with their outboxes. One script call for the batch rather than two commands per
   * matter: each command costs the client several µs of CPU (a command object, a promise, its
   * encoding and reply), which showed in the router's profile.
   */
  async loadMatters(keys: readonly string[]): Promise<Map<string, LoadedMatter>> {
    const out = new Map<string, LoadedMatter>();
    if (keys.length === 0) return out;
    const [reply] = await this.together((p) => {
      this.queue(p, 'rtLoadMatters', ...keys);
      return 1;
    });
    const r = reply as (string | null | string[])[];
    keys.forEach((k, i) => {
      const v = r[i * 3] as string | null;
      const j = r[i * 3 + 1] as string | null;
      const flat = r[i * 3 + 2] as string[];
      const ob: Record<string, string> = {};
      for (let f = 0; f + 1 < flat.length; f += 2) ob[flat[f] as string] = flat[f + 1] as string;
      const outbox = new Map<string, OutboxEntry>();
      for (const [id, text] of Object.entries(ob)) {
        if (id.endsWith('#st')) continue;
        const entry = JSON.parse(text) as OutboxEntry;
        const statuses = ob[`${id}#st`];
        outbox.set(id, statuses ? { ...entry, o: { ...entry.o, statuses: JSON.parse(statuses) } } : entry);
      }
      out.set(k, { v: v ?? '0', matter: j ? (JSON.parse(j) as Matter) : undefined, outbox });
    });
    return out;
  }

  /** The matter each order belongs to. */
  async matterOfOrders(orderIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (orderIds.length === 0) return out;
    const found = await this.redis.mget(...orderIds.map((o) => `${NS}oi:${o}`));
    orderIds.forEach((o, i) => {
      const m = found[i];
      if (m) out.set(o, m);
    });
    return out;
  }

  /** Units by id; a unit not in Redis maps to `undefined`. One script call (see {@link loadMatters}). */
  async loadUnits(ids: readonly string[]): Promise<Map<string, UnitView | undefined>> {
    const out = new Map<string, UnitView | undefined>();
    if (ids.length === 0) return out;
    const [reply] = await this.together((p) => {
      this.queue(p, 'rtLoadUnits', ...ids);
      return 1;
    });
    const r = reply as (string | null)[];
    ids.forEach((id, i) => {
      out.set(id, unitFrom(id, r.slice(i * 7, i * 7 + 4), r.slice(i * 7 + 4, i * 7 + 7)));
    });
    return out;
  }

  /**
   * The available patrol units around each place, nearest by air first: id, position and last
   * report (their state is implied: a unit in the GEO set is available with no order).
   */
  async pools(
    places: readonly { lon: number; lat: number }[],
    opts: {
      nearM: number;
      radiusM: number;
      count: number;
      enough: number;
      freshSince: number;
      unseen: boolean;
    },
  ): Promise<PoolRow[][]> {
    if (places.length === 0) return [];
    const r = await this.together((p) => {
      for (const pl of places) {
        this.queue(
          p,
          'rtPool',
          pl.lon,
          pl.lat,
          Math.round(Math.min(opts.nearM, opts.radiusM)),
          Math.round(opts.radiusM),
          opts.count,
          opts.enough,
          Math.round(opts.freshSince),
          opts.unseen ? '1' : '0',
        );
      }
      return places.length;
    });
    return r.map((flat) => {
      const rows: PoolRow[] = [];
      const list = flat as string[];
      for (let i = 0; i + 3 < list.length; i += 4) {
        rows.push({
          id: list[i] as string,
          lon: Number(list[i + 1]),
          lat: Number(list[i + 2]),
          seenAt: Number(list[i + 3]),
        });
      }
      return rows;
    });
  }

  /**
   * Commits decisions in order, each atomically; a conflict leaves that decision unapplied. A
   * committed decision's result carries the unit status records of what the script did.
   */
  async commit(
    entries: readonly { decision: Decision; matterKey: string; expectedV: string; now: number }[],
  ): Promise<CommitResult[]> {
    if (entries.length === 0) return [];
    // Up to COMMIT_CHUNK decisions per script call (each still committed on its own, in order).
    const calls: string[][] = [];
    for (const { decision: d, matterKey, expectedV, now } of entries) {
      const { statuses: _expected, ...published } = d.outputs;
      const hasRecords = Object.values(published).some((list) => list.length > 0) || d.unitOps.length > 0;
      const header = {
        id: d.decisionId,
        m: matterKey,
        mv: expectedV,
        ttl: String(this.ttlMs),
        now: String(now),
        iso: new Date(now).toISOString(),
        ops: d.unitOps.map((o) =>
          o.op === 'progress' ? [o.op, o.unitId, o.orderId, o.status] : [o.op, o.unitId, o.orderId],
        ),
        oi: d.outputs.orders.filter((o) => o.revision === 1).map((o) => [o.orderId, matterKey]),
        ds: d.deadlines.set.map(([o, at]) => [o, String(Math.round(at))]),
        dc: d.deadlines.clear,
        ...(d.retryAt === null
          ? { q: 'clear' }
          : d.retryAt === undefined
            ? {}
            : { q: String(Math.round(d.retryAt)) }),
      };
      // The outbox entry ({@link OutboxEntry}) as JSON, each record's text made once for the outbox
      // and the publish. Wall-clock time: an entry is an orphan when the process that wrote it is
      // gone, whatever clock the decisions run on.
      const outbox = hasRecords
        ? outboxJson(Date.now(), d.correlationId, { ...published, statuses: [] })
        : '';
      let call = calls[calls.length - 1];
      if (call === undefined || call.length >= COMMIT_CHUNK * 3) {
        call = [];
        calls.push(call);
      }
      call.push(JSON.stringify(header), JSON.stringify(d.matter), outbox);
    }
    const p = this.redis.pipeline();
    for (const call of calls) this.queue(p, 'rtCommitMany', ...call);
    const r = replies(await p.exec()).flat(1);
    return r.map((x) => {
      const [ok, ...rest] = x as [number, ...string[]];
      if (ok !== 1) return { ok: false, conflict: rest[0] ?? '' };
      return { ok: true, statuses: rest.map((json) => JSON.parse(json) as UnitStatus) };
    });
  }

  /**
   * After publishing: drops the published outbox entries and keeps the response-time samples for
   * the summary window (shared by every instance), in one round trip.
   */
  async afterPublish(
    published: readonly (readonly [string, string])[],
    samples: readonly Sample[],
    now: number,
    windowMs: number,
  ): Promise<void> {
    if (published.length === 0 && samples.length === 0) return;
    // One script call rather than a command per entry and sample (see {@link loadMatters}).
    const args: (string | number)[] = [published.length];
    for (const [matterKey, decisionId] of published) args.push(matterKey, decisionId);
    args.push(Math.round(now - windowMs), windowMs * 2);
    for (const s of samples) {
      args.push(`${s.metric}:${s.priority}`, Math.round(now), `${s.id}|${s.seconds.toFixed(3)}`);
    }
    await this.call('rtAfterPublish', ...args);
  }

  /** Last positions; returns how many units were not on the roster. */
  async positions(
    list: readonly { unitId: string; lon: number; lat: number; at: number }[],
  ): Promise<number> {
    if (list.length === 0) return 0;
    const args = list.flatMap((x) => [x.unitId, String(x.lon), String(x.lat), String(Math.round(x.at))]);
    return Number(await this.call('rtPositions', ...args));
  }

  /** A person's status for a unit; `undefined` for a unit not on the roster. */
  async personStatus(
    unitId: string,
    status: UnitState,
    now: number,
  ): Promise<{ status: UnitState; orders: string[] } | undefined> {
    const r = (await this.call('rtPersonStatus', unitId, status, Math.round(now))) as string[];
    if (r.length < 2) return undefined;
    return { status: r[0] as UnitState, orders: JSON.parse(r[1] as string) as string[] };
  }

  /** Claims up to `limit` due jobs for `leaseMs`. */
  async claimJobs(now: number, leaseMs: number, limit: number): Promise<{ member: string; dueAt: number }[]> {
    const r = (await this.call('rtClaimJobs', Math.round(now), leaseMs, limit)) as string[];
    const out: { member: string; dueAt: number }[] = [];
    for (let i = 0; i + 1 < r.length; i += 2) out.push({ member: r[i] as string, dueAt: Number(r[i + 1]) });
    return out;
  }

  /**
   * Puts each claimed job back at `at`, or removes it (`null`), if nobody rescheduled it meanwhile;
   * one pipeline.
   */
  async finishJobs(
    jobs: readonly { member: string; leasedScore: number; at: number | null }[],
  ): Promise<void> {
    if (jobs.length === 0) return;
    const p = this.redis.pipeline();
    for (const j of jobs) {
      this.queue(
        p,
        'rtFinishJob',
        j.member,
        Math.round(j.leasedScore),
        j.at === null ? '' : Math.round(j.at),
      );
    }
    replies(await p.exec());
  }

  /** The samples of the window, in seconds, per metric and priority. */
  async windowSamples(now: number, windowMs: number): Promise<Map<`${SampleMetric}:${number}`, number[]>> {
    const metrics: SampleMetric[] = ['signalToDispatch', 'dispatchToAck', 'dispatchToOnScene'];
    const keys: `${SampleMetric}:${number}`[] = [];
    const p = this.redis.pipeline();
    for (const m of metrics) {
      for (const priority of [1, 2, 3, 4]) {
        keys.push(`${m}:${priority}`);
        p.zrangebyscore(`${NS}stats:${m}:${priority}`, Math.round(now - windowMs), '+inf');
      }
    }
    const r = replies(await p.exec());
    const out = new Map<`${SampleMetric}:${number}`, number[]>();
    keys.forEach((k, i) => {
      out.set(
        k,
        (r[i] as string[]).map((member) => Number(member.slice(member.lastIndexOf('|') + 1))),
      );
    });
    return out;
  }
}
