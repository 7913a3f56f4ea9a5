/**
 * Runs a batch of decisions against Redis and Kafka with a fixed number of round trips:
 *
 * 1. load every matter the batch touches (with its outbox), the units and the unit pools the
 *    decisions are likely to need — one pipeline (plus one for acks, whose matter is found
 *    through the order index);
 * 2. decide, in input order, on an in-memory overlay (a decision sees the matters and units as the
 *    batch's earlier decisions left them); data a decision needs but was not loaded is loaded and
 *    the (pure) decision made again;
 * 3. commit every decision in one pipeline, each atomically: compare-and-set on its matter, its unit
 *    claims checked (a patrol unit must still be free), deadlines; its records go into the matter's
 *    outbox in the same script;
 * 4. publish the records of the committed decisions and wait for the broker's acknowledgement;
 * 5. drop their outbox entries.
 *
 * {@link Decider.decide} returns after 3 (the decisions and their outboxes are durable in Redis)
 * with 4–5 under way; publishes go out in the order of their commits, one after the other, whoever
 * started them (grouped runs, the job poller), so a matter's records reach Kafka in decision order.
 * {@link Decider.run} waits for them as well.
 *
 * A decision that lost a compare-and-set (another instance or partition changed the matter or a
 * unit) is decided again from fresh state, with every later decision of the batch it depended on.
 * A crash between 3 and 5 leaves the records in the outbox: the redelivered input (its offset was
 * never committed) finds its decision already made and publishes the outbox entry again, with the
 * same ids; entries a dead instance left behind are published by the next decision on the matter.
 */
import {
  bindingFor,
  type EscalationLadderSet,
  type GeoPoint,
  Topic,
  type TopicName,
} from '@fenghuo/contracts';
import { FenghuoError, ValidationFailedError } from '@fenghuo/kit';
import type { CityView } from './city-view.ts';
import { type DecideContext, NeedData } from './draft.ts';
import { type Ranker, RankMemo } from './eta.ts';
import {
  type Decision,
  isExclusive,
  type Matter,
  type Outputs,
  type Sample,
  type UnitView,
} from './model.ts';
import type { LoadedMatter, OutboxEntry, RouterStore } from './store.ts';
import { applyUnitOp } from './unit-ops.ts';

/** One input (or due job) to decide on. */
export interface Task {
  /** The matter it is about; for an answer to an order, resolved from {@link orderId}. */
  matterKey?: string;
  /** The order an acknowledgement or deadline is about. */
  readonly orderId?: string;
  /** The decision id the input leads to, when known before the matter is read (redeliveries). */
  readonly decisionId?: string;
  /** Units and places (for unit pools) worth loading up front. */
  readonly units?: readonly string[];
  readonly pools?: readonly GeoPoint[];
  readonly correlationId: string | undefined;
  /**
   * Units and places worth loading that only the matter tells (a due job knows only its matter or
   * order): asked once the batch's matters are read, and loaded for the whole batch in one more
   * pipeline instead of one round trip per decision.
   */
  prefetch?(matter: Matter, city: CityView): { units?: readonly string[]; pools?: readonly GeoPoint[] };
  /** The decision, or `undefined` when the input changes nothing (a duplicate, an unknown order). */
  decide(ctx: DecideContext, matter: Matter | undefined): Decision | undefined;
}

export interface DeciderDeps {
  readonly store: RouterStore;
  readonly city: CityView;
  readonly ranker: Ranker;
  readonly ladder: () => EscalationLadderSet;
  readonly now: () => number;
  /** Publishes records (each with its correlation id); resolves when the broker acknowledged them. */
  readonly publish: (outputs: readonly PublishItem[]) => Promise<void>;
  /** An outbox clean-up or figure write failed (logged; the entries are published again later). */
  readonly onTrailingError?: (err: unknown) => void;
  /** Figures of committed decisions (the instance's histograms; the window is kept in Redis). */
  readonly onSamples?: (samples: readonly Sample[]) => void;
  readonly options: {
    readonly recommend: number;
    readonly queueRetryMs: number;
    readonly staleAfterMs: number;
    readonly unseenUnits: 'home' | 'skip';
    readonly poolSize: number;
    readonly poolRadiusM: number;
    /** An outbox entry older than this was left by an instance that died; publish it. */
    readonly orphanAfterMs: number;
    /** Compare-and-set rounds before giving up (retriable). */
    readonly maxRounds: number;
    /** How long response-time samples are kept for the summary. */
    readonly summaryWindowMs: number;
  };
}

/** One decision's records to publish. */
export interface PublishItem {
  readonly outputs: Outputs;
  readonly correlationId: string | undefined;
  /**
   * The records were checked against their contracts by this process (all but the unit statuses,
   * which the commit script wrote); records taken back from an outbox are not.
   */
  readonly checked?: boolean;
}

export interface BatchStats {
  decisions: number;
  duplicates: number;
  conflicts: number;
  republished: number;
  escalations: number;
}

/** Lost compare-and-set too often: retried from the last committed offset. */
export class DecisionConflictError extends FenghuoError {
  constructor(count: number, rounds: number) {
    super(`${count} decisions lost compare-and-set ${rounds} times`, {
      code: 'ROUTER_CONFLICT',
      retriable: true,
    });
  }
}

const poolKey = (p: GeoPoint) => `${p.lon.toFixed(6)},${p.lat.toFixed(6)}`;

/** Checks every record against its contract before anything is committed. */
function validateOutputs(o: Outputs): void {
  const check = <T extends TopicName>(topic: T, list: readonly unknown[]) => {
    const codec = bindingFor(topic).codec;
    for (const e of list) {
      const r = codec.validate(e);
      if (!r.ok) throw new ValidationFailedError(codec.name, r.errors);
    }
  };
  check(Topic.DispatchOrders, o.orders);
  check(Topic.TimelineEvents, o.timeline);
  check(Topic.UnitsStatus, o.statuses);
  check(Topic.AuditEvents, o.audits);
}

/** How long a patrol unit claimed by this instance is kept out of its own rankings after the commit. */
const CLAIM_SHADOW_MS = 1_000;

export class Decider {
  /**
   * Patrol units claimed by this instance's decisions that are being committed (until the commit,
   * and for a moment after, while pools read before it may still show them available): decisions
   * of other partitions' batches running at the same time leave them out instead of losing the
   * compare-and-set to them.
   */
  private readonly claiming = new Map<string, number>();
  /** Outbox clean-ups and figures still being written (awaited by {@link drain}). */
  private readonly trailing = new Set<Promise<void>>();
  /**
   * The last publish queued: each waits for the one before (failed or not: a failed run's records
   * stay in their outboxes and go out when its inputs come again or as orphans).
   */
  private publishTail: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DeciderDeps) {}

  /** On the wall clock: this is about batches running at the same time, whatever the decisions' clock. */
  private isClaiming(unitId: string): boolean {
    const until = this.claiming.get(unitId);
    if (until === undefined) return false;
    if (until >= Date.now()) return true;
    this.claiming.delete(unitId);
    return false;
  }

  /** Waits for the publishes queued and the clean-ups of published batches (shutdown). */
  async drain(): Promise<void> {
    await this.publishTail.catch(() => undefined);
    await Promise.allSettled([...this.trailing]);
  }

  /** Queues `fn` behind every publish queued before it. */
  private queuePublish(fn: () => Promise<void>): Promise<void> {
    const p = this.publishTail.catch(() => undefined).then(fn);
    this.publishTail = p;
    return p;
  }

  offered(u: UnitView, now: number): boolean {
    if (u.kind === 'duty_desk') return true;
    if (u.seenAt <= 0) return this.deps.options.unseenUnits === 'home';
    return u.seenAt >= now - this.deps.options.staleAfterMs;
  }

  /** Pools of available units (read from the GEO set: available, no order, on the roster). */
  private async pools(places: readonly GeoPoint[], now: number): Promise<UnitView[][]> {
    const { store, options, city } = this.deps;
    const rows = await store.pools(places, {
      // Within 5 km first; the whole radius only when fewer than a quarter of the pool is there.
      nearM: 5_000,
      radiusM: options.poolRadiusM,
      count: options.poolSize,
      enough: Math.max(options.recommend + 2, Math.ceil(options.poolSize / 4)),
      freshSince: now - options.staleAfterMs,
      unseen: options.unseenUnits === 'home',
    });
    return rows.map((list) =>
      list.flatMap((r): UnitView[] => {
        const u = city.unit(r.id);
        if (!u) return [];
        return [
          {
            id: r.id,
            kind: u.kind,
            stationId: u.stationId,
            status: 'available',
            orders: [],
            lon: r.lon,
            lat: r.lat,
            seenAt: r.seenAt,
          },
        ];
      }),
    );
  }

  /** Decides, commits and publishes `tasks` in order; resolves once published. */
  async run(tasks: readonly Task[]): Promise<BatchStats> {
    const { stats, published } = await this.decide(tasks);
    await published;
    return stats;
  }

  /**
   * Decides and commits `tasks` in order; resolves once every decision is committed to Redis (with
   * its outbox), with `published` resolving once their records are published (after every publish
   * queued before them) or rejecting when that failed (the records stay in the outboxes).
   */
  async decide(tasks: readonly Task[]): Promise<{ stats: BatchStats; published: Promise<void> }> {
    const stats: BatchStats = { decisions: 0, duplicates: 0, conflicts: 0, republished: 0, escalations: 0 };
    let pending = [...tasks];
    const publishes: Promise<void>[] = [];
    try {
      for (let round = 0; pending.length > 0; round++) {
        if (round >= this.deps.options.maxRounds) throw new DecisionConflictError(pending.length, round);
        const failed = await this.round(pending, stats, publishes);
        stats.conflicts += failed.length;
        pending = failed;
      }
    } catch (err) {
      // Earlier rounds' publishes go on; nobody waits for them here.
      for (const p of publishes) p.catch(() => undefined);
      throw err;
    }
    const last = publishes.at(-1);
    // Publishes run one after the other: the last one settles after the others.
    const published =
      publishes.length <= 1 ? (last ?? Promise.resolve()) : Promise.all(publishes).then(() => undefined);
    return { stats, published };
  }

  private async round(
    tasks: readonly Task[],
    stats: BatchStats,
    publishes: Promise<void>[],
  ): Promise<Task[]> {
    const { store, options } = this.deps;
    const now = this.deps.now();

    // 1. Load.
    const byOrder = tasks.filter((t) => t.matterKey === undefined && t.orderId !== undefined);
    if (byOrder.length > 0) {
      const found = await store.matterOfOrders([...new Set(byOrder.map((t) => t.orderId as string))]);
      for (const t of byOrder) {
        const key = found.get(t.orderId as string);
        if (key !== undefined) t.matterKey = key;
      }
    }
    const keys = [...new Set(tasks.flatMap((t) => (t.matterKey === undefined ? [] : [t.matterKey])))];
    const unitIds = [...new Set(tasks.flatMap((t) => t.units ?? []))];
    const places = new Map<string, GeoPoint>();
    for (const t of tasks) for (const p of t.pools ?? []) places.set(poolKey(p), p);
    const [matters, units, pools] = await Promise.all([
      store.loadMatters(keys),
      store.loadUnits(unitIds),
      this.pools([...places.values()], now),
    ]);
    const poolOf = new Map<string, UnitView[]>();
    const addPools = (at: readonly string[], found: readonly UnitView[][]) => {
      at.forEach((k, i) => {
        const pool = found[i] ?? [];
        poolOf.set(k, pool);
        for (const u of pool) if (!units.has(u.id)) units.set(u.id, u);
      });
    };
    addPools([...places.keys()], pools);
    // What only the matters tell (due jobs): one more pipeline for the batch.
    const moreUnits = new Set<string>();
    const morePlaces = new Map<string, GeoPoint>();
    for (const t of tasks) {
      const matter = t.prefetch && t.matterKey !== undefined ? matters.get(t.matterKey)?.matter : undefined;
      if (!matter || !t.prefetch) continue;
      const need = t.prefetch(matter, this.deps.city);
      for (const id of need.units ?? []) if (!units.has(id)) moreUnits.add(id);
      for (const p of need.pools ?? []) if (!places.has(poolKey(p))) morePlaces.set(poolKey(p), p);
    }
    if (moreUnits.size > 0 || morePlaces.size > 0) {
      const [loaded, found] = await Promise.all([
        store.loadUnits([...moreUnits]),
        this.pools([...morePlaces.values()], now),
      ]);
      for (const [id, u] of loaded) units.set(id, u);
      addPools([...morePlaces.keys()], found);
    }

    // 2. Decide on the overlay.
    const overlay = new Map<string, { v: string; matter: Matter | undefined }>();
    const unitOverlay = new Map<string, UnitView>();
    const orphansDone = new Set<string>();
    const republish: { matterKey: string; decisionId: string; entry: OutboxEntry }[] = [];
    const decided: { task: Task; decision: Decision; matterKey: string; expectedV: string }[] = [];
    const claims: string[] = [];
    // The round's last ranking, reused when a decision asks again at the same place (see RankMemo).
    const ranks = new RankMemo();
    const unitOf = (id: string): UnitView | undefined => {
      const o = unitOverlay.get(id);
      if (o) return o;
      if (!units.has(id)) throw new NeedData([id], []);
      return units.get(id);
    };
    const ctx: DecideContext = {
      now,
      ladder: this.deps.ladder(),
      city: this.deps.city,
      recommend: options.recommend,
      queueRetryMs: options.queueRetryMs,
      unit: unitOf,
      offered: (u) => this.offered(u, now),
      rank: (to, exclude, k, ahead = 0) => {
        const place = poolKey(to);
        const pool = poolOf.get(place);
        if (!pool) throw new NeedData([], [to]);
        const free = pool.filter((p) => {
          if (exclude.has(p.id)) return false;
          const own = unitOverlay.get(p.id);
          if (!own && this.isClaiming(p.id)) return false;
          const u = own ?? p;
          return (
            u.status === 'available' && u.orders.length === 0 && isExclusive(u.kind) && this.offered(u, now)
          );
        });
        return ranks.rank(place, free, k, ahead, (asked) =>
          this.deps.ranker.rank(
            to,
            free.map((u) => ({ id: u.id, lon: u.lon as number, lat: u.lat as number })),
            asked,
            now,
          ),
        );
      },
    };

    let results: Awaited<ReturnType<RouterStore['commit']>>;
    try {
      for (const task of tasks) {
        const key = task.matterKey;
        if (key === undefined) {
          // An answer to an order nobody knows (another system's, or expired): nothing to do.
          const d = task.decide(ctx, undefined);
          if (d) throw new Error('a decision without a matter');
          stats.duplicates++;
          continue;
        }
        const loaded = matters.get(key) as LoadedMatter | undefined;
        const state = overlay.get(key) ?? { v: loaded?.v ?? '0', matter: loaded?.matter };
        // Records left behind by a decision whose instance died before publishing them.
        if (loaded && !orphansDone.has(key)) {
          orphansDone.add(key);
          for (const [decisionId, entry] of loaded.outbox) {
            const mine = decisionId === task.decisionId;
            if (mine || entry.at < Date.now() - options.orphanAfterMs)
              republish.push({ matterKey: key, decisionId, entry });
          }
        } else if (loaded && task.decisionId !== undefined) {
          const entry = loaded.outbox.get(task.decisionId);
          if (entry && !republish.some((r) => r.decisionId === task.decisionId && r.matterKey === key)) {
            republish.push({ matterKey: key, decisionId: task.decisionId, entry });
          }
        }
        if (task.decisionId !== undefined && state.matter?.seen.includes(task.decisionId)) {
          stats.duplicates++;
          continue;
        }
        const decision = await this.decideWithData(task, ctx, state.matter, units, poolOf);
        if (!decision?.matter) {
          stats.duplicates++;
          continue;
        }
        validateOutputs(decision.outputs);
        decided.push({ task, decision, matterKey: key, expectedV: state.v });
        overlay.set(key, { v: String(Number(state.v) + 1), matter: decision.matter });
        for (const op of decision.unitOps) {
          const base = unitOf(op.unitId);
          const after = base ? applyUnitOp(base, op) : undefined;
          if (after) unitOverlay.set(op.unitId, after);
          if (op.op === 'claim' && base && isExclusive(base.kind)) {
            claims.push(op.unitId);
            this.claiming.set(op.unitId, Number.POSITIVE_INFINITY);
          }
        }
      }

      // 3. Commit.
      results = await store.commit(
        decided.map(({ decision, matterKey, expectedV }) => ({ decision, matterKey, expectedV, now })),
      );
    } finally {
      // Claimed units leave this instance's rankings for a moment more (pools read before the
      // commit may still show them free), whether the batch got this far or not.
      const until = Date.now() + CLAIM_SHADOW_MS;
      for (const id of claims) this.claiming.set(id, until);
    }
    // What the script did to the units is what the records say.
    const committed = decided.flatMap((d, i) => {
      const r = results[i];
      if (!r?.ok) return [];
      return [
        {
          ...d,
          decision: { ...d.decision, outputs: { ...d.decision.outputs, statuses: [...(r.statuses ?? [])] } },
        },
      ];
    });
    const failedTasks = decided.filter((_, i) => results[i]?.ok !== true).map((d) => d.task);

    // 4. Publish (left-behind records first), then 5. clear the outbox.
    const toPublish = [
      ...republish.map((r) => ({ outputs: r.entry.o, correlationId: r.entry.cid })),
      ...committed.map(
        (c): PublishItem => ({
          outputs: c.decision.outputs,
          correlationId: c.decision.correlationId,
          checked: true,
        }),
      ),
    ].filter((x) => Object.values(x.outputs).some((l) => l.length > 0));
    const samples = committed.flatMap((c) => c.decision.samples);
    const published = [
      ...republish.map((r) => [r.matterKey, r.decisionId] as const),
      ...committed
        .filter(
          (c) => Object.values(c.decision.outputs).some((l) => l.length > 0) || c.decision.unitOps.length > 0,
        )
        .map((c) => [c.matterKey, c.decision.decisionId] as const),
    ];
    publishes.push(
      this.queuePublish(async () => {
        if (toPublish.length > 0) await this.deps.publish(toPublish);
        // One round trip, off the batch's path (the records are out; a lost clean-up only means an
        // entry published once more, as an orphan, with the same ids): the published entries leave
        // the outbox, the figures join the window.
        const trailing = store.afterPublish(published, samples, now, options.summaryWindowMs);
        const tracked = trailing.catch((err: unknown) => this.deps.onTrailingError?.(err));
        this.trailing.add(tracked);
        void tracked.finally(() => this.trailing.delete(tracked));
        if (samples.length > 0) this.deps.onSamples?.(samples);
      }),
    );
    stats.republished += republish.length;
    stats.decisions += committed.length;
    for (const c of committed) {
      stats.escalations += c.decision.outputs.audits.filter((a) => a.action === 'escalation').length;
    }
    return failedTasks;
  }

  /** Decides; when the decision needs units or pools not loaded yet, loads them and decides again. */
  private async decideWithData(
    task: Task,
    ctx: DecideContext,
    matter: Matter | undefined,
    units: Map<string, UnitView | undefined>,
    poolOf: Map<string, UnitView[]>,
  ): Promise<Decision | undefined> {
    const { store } = this.deps;
    for (let attempt = 0; ; attempt++) {
      try {
        return task.decide(ctx, matter);
      } catch (err) {
        if (!(err instanceof NeedData) || attempt >= 5) throw err;
        // The matter's own units come along the first time: a decision that ends many orders (a
        // closing plan, an operator's close) would otherwise ask for them one by one.
        const ownUnits =
          attempt === 0
            ? (matter?.orders.filter((s) => s.order.status === 'active').map((s) => s.order.unitId) ?? [])
            : [];
        const missingUnits = [...new Set([...err.units, ...ownUnits])].filter((id) => !units.has(id));
        const missingPools = err.pools.filter((p) => !poolOf.has(poolKey(p)));
        const [loaded, pools] = await Promise.all([
          store.loadUnits(missingUnits),
          this.pools(missingPools, ctx.now),
        ]);
        for (const [id, u] of loaded) units.set(id, u);
        missingPools.forEach((p, i) => {
          const pool = pools[i] ?? [];
          poolOf.set(poolKey(p), pool);
          for (const u of pool) if (!units.has(u.id)) units.set(u.id, u);
        });
      }
    }
  }
}
