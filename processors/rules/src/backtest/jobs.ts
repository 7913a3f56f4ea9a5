/**
 * Backtests as jobs: started by a request (202 at once), run in the background on this instance,
 * with progress (events scored of those planned) saved every second, a cancel that any instance can
 * ask for (checked between batches), and the report kept in the store when done. At most
 * `maxRunning` run at once on one instance; more are refused with 429. With `workers`, a backtest over
 * Kafka is decoded and scored in worker threads (`pool.ts`), which run the bundle of
 * `worker-entry.ts`, built once when the jobs are made (tsx's loader if it cannot be built).
 */
import { randomBytes } from 'node:crypto';
import type { Actor, Backtest, OutcomeLabel } from '@fenghuo/contracts';
import type { Logger } from '@fenghuo/kit';
import { RulesError } from '../rules-error.ts';
import { type BacktestListing, type BacktestStore, listing } from './backtest-store.ts';
import type { PackedRecords, RangeRecord } from './kafka-range.ts';
import { BacktestPool } from './pool.ts';
import { BacktestRun, type RunVersion } from './runner.ts';
import type { IndicatorSource } from './sources.ts';
import { backtestWorkerEntry, type WorkerEntry } from './worker-entry.ts';

export interface BacktestSpec {
  readonly createdBy: Actor;
  readonly source: Backtest['source'];
  readonly candidate: RunVersion;
  readonly baseline: RunVersion;
  /** Loaded once the job starts (reading them may take a moment). */
  readonly labels: () => Promise<readonly OutcomeLabel[]>;
  readonly indicators: IndicatorSource;
}

export interface BacktestJobsOptions {
  readonly store: BacktestStore;
  readonly logger: Logger;
  /** @defaultValue 2 */
  readonly maxRunning?: number;
  /**
   * How often progress is saved and a cancel asked elsewhere is checked.
   * @defaultValue 1000
   */
  readonly saveEveryMs?: number;
  /** @defaultValue `Date.now` */
  readonly now?: () => number;
  /**
   * Worker threads one backtest of recorded Kafka indicators decodes and scores in (a pool split by
   * partition, see `pool.ts`); 0 scores in this thread, as an upload always is.
   * @defaultValue 0
   */
  readonly workers?: number;
  /**
   * How the workers load their code.
   * @defaultValue {@link backtestWorkerEntry} (the bundle, built once per process)
   */
  readonly workerEntry?: () => Promise<WorkerEntry>;
}

interface Running {
  readonly backtest: Backtest;
  cancelled: boolean;
  readonly done: Promise<void>;
}

export class BacktestJobs {
  private readonly running = new Map<string, Running>();
  private readonly now: () => number;

  private readonly workerEntry: () => Promise<WorkerEntry>;

  constructor(private readonly opts: BacktestJobsOptions) {
    this.now = opts.now ?? Date.now;
    const entry = opts.workerEntry ?? backtestWorkerEntry;
    let logged = false;
    this.workerEntry = () =>
      entry().then((e) => {
        if (e.kind === 'tsx' && e.reason !== undefined && !logged) {
          logged = true;
          opts.logger.warn({ reason: e.reason }, "backtest workers load the sources through tsx's loader");
        }
        return e;
      });
    // The bundle is built now, not when the first backtest waits for it.
    if ((opts.workers ?? 0) > 0) void this.workerEntry();
  }

  /** Starts a backtest; resolves with its first state (status `running`) once saved. */
  async start(spec: BacktestSpec): Promise<Backtest> {
    if (this.running.size >= (this.opts.maxRunning ?? 2)) {
      throw new RulesError(
        429,
        'too_many_backtests',
        'this instance is running as many backtests as it may; try again later',
      );
    }
    const backtest: Backtest = {
      backtestId: `bt-${randomBytes(6).toString('hex')}`,
      status: 'running',
      createdBy: spec.createdBy,
      createdAt: new Date(this.now()).toISOString(),
      source: spec.source,
      candidate: spec.candidate.label,
      baseline: spec.baseline.label,
      progress: { events: 0, fraction: 0 },
    };
    await this.opts.store.save(backtest);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const job: Running = { backtest, cancelled: false, done: gate.then(() => this.run(job, spec)) };
    this.running.set(backtest.backtestId, job);
    const first = structuredClone(backtest);
    release();
    return first;
  }

  private async run(job: Running, spec: BacktestSpec): Promise<void> {
    const b = job.backtest;
    const { store, logger } = this.opts;
    const every = this.opts.saveEveryMs ?? 1_000;
    let lastSave = this.now();
    let pool: BacktestPool | undefined;
    const checkpoint = async () => {
      if (this.now() - lastSave < every) return;
      lastSave = this.now();
      if (await store.cancelRequested(b.backtestId)) job.cancelled = true;
      await store.save(b);
    };
    try {
      const labels = await spec.labels();
      // Uploads are decoded already: posting decoded indicators to a worker costs more than scoring
      // them here (bench backtest-profile: 28,676/s here, 14,390/s over 2 workers).
      const workers = spec.source.kind === 'kafka' ? (this.opts.workers ?? 0) : 0;
      const versions = { candidate: spec.candidate, baseline: spec.baseline, labels };
      pool =
        workers > 0 ? new BacktestPool({ ...versions, workers, entry: await this.workerEntry() }) : undefined;
      const run = pool ?? new BacktestRun(versions);
      await pool?.ready();
      let total: number | undefined;
      const progress = async () => {
        b.progress = {
          events: run.events,
          ...(total === undefined ? {} : { total }),
          fraction: total === undefined || total === 0 ? 0 : Math.min(1, run.events / total),
        };
        await checkpoint();
      };
      const scoreRecords =
        pool === undefined
          ? {}
          : {
              onRecords: async (records: readonly RangeRecord[]) => {
                await pool?.scoreRecords(records);
                await progress();
              },
              onPacked: async (batch: PackedRecords) => {
                await pool?.scorePacked(batch);
                await progress();
              },
            };
      await spec.indicators({
        onPlan: (n) => {
          total = n;
          b.progress = { events: 0, total: n, fraction: n === 0 ? 1 : 0 };
        },
        onBatch: async (batch) => {
          await run.score(batch);
          await progress();
        },
        ...scoreRecords,
        isCancelled: () => job.cancelled,
      });
      if (job.cancelled) {
        b.status = 'cancelled';
      } else {
        b.report = await run.finish();
        b.status = 'done';
        b.progress = { ...b.progress, events: b.report.events, fraction: 1 };
      }
    } catch (err) {
      logger.error({ err, backtestId: b.backtestId }, 'backtest failed');
      b.status = 'failed';
      b.error = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
    } finally {
      await pool?.close();
      b.finishedAt = new Date(this.now()).toISOString();
      this.running.delete(b.backtestId);
      await store
        .save(b)
        .catch((err: unknown) => logger.error({ err }, 'could not save a finished backtest'));
    }
  }

  /** The freshest state: this instance's own running job, else the store. */
  async get(backtestId: string): Promise<Backtest | undefined> {
    const mine = this.running.get(backtestId);
    return mine === undefined ? this.opts.store.get(backtestId) : structuredClone(mine.backtest);
  }

  /** Kept backtests, newest first; this instance's running ones with their latest progress. */
  async list(limit: number): Promise<BacktestListing[]> {
    const stored = await this.opts.store.list(limit);
    return stored.map((b) => {
      const mine = this.running.get(b.backtestId);
      return mine === undefined ? b : listing(mine.backtest);
    });
  }

  /** Asks the run to stop (wherever it runs); resolves with its state. */
  async cancel(backtestId: string): Promise<Backtest | undefined> {
    const mine = this.running.get(backtestId);
    if (mine !== undefined) {
      mine.cancelled = true;
      await mine.done;
      return this.opts.store.get(backtestId);
    }
    const b = await this.opts.store.get(backtestId);
    if (b?.status === 'running') await this.opts.store.requestCancel(backtestId);
    return b;
  }

  /** Backtests running on this instance now. */
  get runningCount(): number {
    return this.running.size;
  }

  /** Resolves when the backtest running here has finished (tests, shutdown). */
  async settled(backtestId: string): Promise<void> {
    await this.running.get(backtestId)?.done;
  }

  /** Cancels every run of this instance and waits for them (shutdown). */
  async stop(): Promise<void> {
    for (const job of this.running.values()) job.cancelled = true;
    await Promise.allSettled([...this.running.values()].map((j) => j.done));
  }
}
