/**
 * A backtest run split over worker threads by stream: each partition of the recording (or the
 * uploaded file) goes to one worker (partition modulo the number of workers), which decodes the raw
 * records and scores them in a {@link BacktestRun} of its own (`score-worker.ts`). A resident's
 * indicators are all on one partition, so its state lives in one worker; the run's clock is kept per
 * stream, so each worker gives for its streams exactly what one run over every stream gives. At the
 * end the workers' alerts are merged and the report is made as one run makes it (`reportOf`).
 *
 * The reader is not held up by the scoring: a batch is posted to its worker and the call returns at
 * once, unless that worker already has `maxInFlight` batches waiting (back-pressure).
 *
 * The workers compile the versions' rule sets (`rules.source`) with the engine's default options,
 * as the rules service compiles them. They run the bundle of `backtestWorkerEntry` when given it
 * (`entry`), else they load the TypeScript sources through tsx's loader, registered in each worker
 * (the service and the benches run under tsx); see `worker-entry.ts`.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Alert, BacktestReport, OutcomeLabel } from '@fenghuo/contracts';
import { type PackedRecords, packRecords, type RangeRecord } from './kafka-range.ts';
import { VersionAlerts } from './report.ts';
import { type BacktestRunOptions, type RecordedIndicator, type RunPart, reportOf } from './runner.ts';
import { TSX_ENTRY, type WorkerEntry } from './worker-entry.ts';
import type { ToPool, ToWorker, WorkerInit } from './worker-protocol.ts';

export interface BacktestPoolOptions extends BacktestRunOptions {
  /** Worker threads, at least 1. */
  readonly workers: number;
  /**
   * Batches posted to one worker and not yet scored before a post waits.
   * @defaultValue 4
   */
  readonly maxInFlight?: number;
  /**
   * How the workers load their code (`backtestWorkerEntry()` gives the bundle).
   * @defaultValue tsx's loader ({@link TSX_ENTRY})
   */
  readonly entry?: WorkerEntry;
}

/**
 * Each worker registers tsx's loader (its ESM API: `tsx/esm/api`, the `import` build beside the
 * `require` one that `require.resolve` finds), then loads the worker module (TypeScript). A `data:`
 * module, so that it runs as ESM; it imports by absolute URL only.
 */
function bootstrap(): URL {
  const require = createRequire(import.meta.url);
  const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./score-worker.ts', import.meta.url).href;
  const code = [
    `import { register } from ${JSON.stringify(tsxApi)};`,
    'register();',
    `await import(${JSON.stringify(entry)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

interface Pending {
  resolve(msg: ToPool): void;
  reject(err: Error): void;
}

class PoolWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  inFlight = 0;
  private waiters: (() => void)[] = [];
  failed: Error | undefined;

  constructor(entry: WorkerEntry, init: WorkerInit, onScored: (events: number) => void) {
    // Not the parent's flags: under the tsx CLI they would load tsx a second time.
    this.worker =
      entry.kind === 'bundle'
        ? new Worker(entry.code, { eval: true, workerData: init, execArgv: [] })
        : new Worker(bootstrap(), { workerData: init, execArgv: [] });
    let readied: () => void = () => undefined;
    this.ready = new Promise<void>((resolve) => {
      readied = resolve;
    });
    this.worker.on('message', (msg: ToPool) => {
      if (msg.type === 'ready') {
        readied();
        return;
      }
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.type === 'scored') {
        onScored(msg.events);
        this.inFlight--;
        this.waiters.shift()?.();
      }
      if (msg.type === 'failed') this.fail(new Error(`backtest worker: ${msg.message}`));
      else p?.resolve(msg);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (this.failed === undefined && this.pending.size > 0)
        this.fail(new Error(`backtest worker exited (code ${code})`));
    });
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const w of this.waiters) w();
    this.waiters = [];
  }

  /** Posts a batch; waits first while `max` batches are in flight. */
  async post(msg: ToWorker, max: number, transfer: ArrayBuffer[] = []): Promise<void> {
    while (this.failed === undefined && this.inFlight >= max) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failed !== undefined) throw this.failed;
    this.inFlight++;
    this.pending.set(msg.id, {
      resolve: () => undefined,
      // Seen by the next post or by `ask` (`failed`).
      reject: () => undefined,
    });
    this.worker.postMessage(msg, transfer);
  }

  /** Sends a message and waits for its answer. */
  ask(msg: ToWorker): Promise<ToPool> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    return new Promise<ToPool>((resolve, reject) => {
      this.pending.set(msg.id, { resolve, reject });
      this.worker.postMessage(msg);
    });
  }
}

/** Which worker a stream goes to: a partition number modulo the workers, else a hash of the name. */
function workerOf(stream: string, workers: number): number {
  if (/^\d{1,9}$/.test(stream)) return Number(stream) % workers;
  let h = 0;
  for (let i = 0; i < stream.length; i++) h = (h * 31 + stream.charCodeAt(i)) | 0;
  return Math.abs(h) % workers;
}

export class BacktestPool {
  private readonly workers: PoolWorker[];
  private readonly maxInFlight: number;
  private readonly labels: readonly OutcomeLabel[];
  private nextId = 1;
  private started = performance.now();
  private merged: { candidate: VersionAlerts; baseline: VersionAlerts } | undefined;
  /** Indicators scored so far (by the workers). */
  events = 0;

  constructor(private readonly opts: BacktestPoolOptions) {
    const n = Math.max(1, Math.floor(opts.workers));
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 4);
    this.labels = [...(opts.labels ?? [])].sort((a, b) => a.labelledAt.localeCompare(b.labelledAt));
    const init: WorkerInit = {
      candidate: opts.candidate.rules.source,
      candidateLabel: opts.candidate.label,
      baseline: opts.baseline.rules.source,
      baselineLabel: opts.baseline.label,
      labels: this.labels,
      keepRevisions: opts.keepRevisions ?? false,
    };
    const entry = opts.entry ?? TSX_ENTRY;
    const onScored = (events: number) => {
      this.events += events;
    };
    this.workers = Array.from({ length: n }, () => new PoolWorker(entry, init, onScored));
  }

  /** Resolves once every worker has compiled the rule sets (or rejects with a worker's failure). */
  async ready(): Promise<void> {
    await Promise.all(
      this.workers.map((w) =>
        Promise.race([
          w.ready,
          new Promise<void>((_, reject) => {
            w.worker.once('error', reject);
            w.worker.once('exit', (code) => reject(new Error(`backtest worker exited (code ${code})`)));
          }),
        ]),
      ),
    );
  }

  /** Raw Kafka records (any partitions, each partition's in order), decoded and scored in the workers. */
  async scoreRecords(records: readonly RangeRecord[]): Promise<void> {
    const byPartition = new Map<number, RangeRecord[]>();
    for (const r of records) {
      const list = byPartition.get(r.partition);
      if (list === undefined) byPartition.set(r.partition, [r]);
      else list.push(r);
    }
    for (const [partition, list] of byPartition) await this.scorePacked(packRecords(partition, list));
  }

  /** One partition's raw records, packed, decoded and scored in the partition's worker. */
  async scorePacked(batch: PackedRecords): Promise<void> {
    const { data, ends, offsets } = batch;
    const stream = String(batch.partition);
    const w = this.workers[workerOf(stream, this.workers.length)] as PoolWorker;
    await w.post({ type: 'records', id: this.nextId++, stream, data, ends, offsets }, this.maxInFlight, [
      data.buffer,
      ends.buffer,
      offsets.buffer,
    ]);
  }

  /** Decoded indicators (an uploaded file), each stream's to its worker. */
  async score(batch: readonly RecordedIndicator[]): Promise<void> {
    const byStream = new Map<string, RecordedIndicator[]>();
    for (const r of batch) {
      const list = byStream.get(r.position.stream);
      if (list === undefined) byStream.set(r.position.stream, [r]);
      else list.push(r);
    }
    for (const [stream, list] of byStream) {
      const w = this.workers[workerOf(stream, this.workers.length)] as PoolWorker;
      await w.post({ type: 'events', id: this.nextId++, batch: list }, this.maxInFlight);
    }
  }

  /** Waits for every batch, merges the workers' alerts and builds the report; ends the workers. */
  async finish(): Promise<BacktestReport> {
    try {
      const parts: RunPart[] = [];
      for (const w of this.workers) {
        const answer = await w.ask({ type: 'finish', id: this.nextId++ });
        if (answer.type !== 'finished') throw new Error(`backtest worker answered ${answer.type}`);
        parts.push(answer.part);
      }
      const keep = this.opts.keepRevisions ?? false;
      const { candidate, baseline } = this.opts;
      this.merged = {
        candidate: VersionAlerts.merged(
          candidate.rules,
          candidate.label,
          parts.map((p) => p.candidate),
          keep,
        ),
        baseline: VersionAlerts.merged(
          baseline.rules,
          baseline.label,
          parts.map((p) => p.baseline),
          keep,
        ),
      };
      return reportOf(
        {
          events: parts.reduce((n, p) => n + p.events, 0),
          firstMs: Math.min(...parts.map((p) => p.firstMs)),
          lastMs: Math.max(...parts.map((p) => p.lastMs)),
          elapsedMs: performance.now() - this.started,
        },
        this.merged.candidate,
        this.merged.baseline,
        this.labels,
      );
    } finally {
      await this.close();
    }
  }

  /**
   * Every revision the candidate raised (with `keepRevisions`, after `finish`): each resident's in
   * order, the workers' one after the other.
   */
  get candidateAlerts(): readonly Alert[] {
    return this.merged?.candidate.kept ?? [];
  }

  get baselineAlerts(): readonly Alert[] {
    return this.merged?.baseline.kept ?? [];
  }

  /** Ends the workers (a cancelled or failed run; `finish` does it too). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  /** Restarts the clock of `elapsedMs` (a run that waited before its first event). */
  markStart(): void {
    this.started = performance.now();
  }
}
