/**
 * One backtest run: the candidate and the baseline version, each scored by the engine's pure scoring
 * (`scoreSubject`, what the live scorer runs) on scratch state in this process and the events' own
 * clock, fed the same recorded indicators in order, with outcome labels applied when event time
 * reaches them (a label closes the alert and starts the cooldown, as live). Nothing here reads or
 * writes live state or any topic.
 *
 * States are kept as the objects the engine returned (a JSON round trip, as through Redis, gives the
 * same: a test checks each version's alerts against the engine alone on the JSON store). When the two
 * versions have the same rules and differ only in how firings become alerts (levels, cooldown,
 * scripts: `sameRuleState`), a subject's rule state is shared and each indicator applied once
 * (`scorePaired`), until the versions' alerts act on it differently; then the subject gets a copy per
 * version.
 *
 * The events come in batches (a Kafka fetch, a slice of a file); each batch is scored in rounds that
 * hold at most one indicator per resident, so every indicator gets the chance to raise or upgrade an
 * alert on its own, as it does live when a resident's indicators arrive apart (which is how they
 * arrive). Positions are the records' own (partition and offset), so a redelivered record in the
 * recording is recognised as the live scorer recognised it.
 *
 * The clock is kept per stream (a partition, or the uploaded file): the latest event time of the
 * stream's rounds so far. A resident's indicators are all on one partition, so its state expires, and
 * outcome labels about it apply, by the clock of its own stream, whatever order the broker serves the
 * partitions in: the same records give the same alerts however the streams are interleaved, and a run
 * split by stream (over worker threads, `pool.ts`) gives what one run gives.
 */
import type { Alert, BacktestReport, FraudIndicator, OutcomeLabel } from '@fenghuo/contracts';
import {
  applyOutcome,
  type CompiledRuleSet,
  type PairedState,
  type StreamPosition,
  type SubjectState,
  sameRuleState,
  scorePaired,
  scoreSubject,
  stateTtlMs,
  withAlertPart,
} from '@fenghuo/engine';
import { compareVersions, VersionAlerts, type VersionPart, versionFigures } from './report.ts';

export interface RecordedIndicator {
  readonly event: FraudIndicator;
  readonly position: StreamPosition;
}

export interface RunVersion {
  readonly rules: CompiledRuleSet;
  /** How the report names it, e.g. `v7 (live)` or `draft d-…`. */
  readonly label: string;
}

export interface BacktestRunOptions {
  readonly candidate: RunVersion;
  readonly baseline: RunVersion;
  /** Outcome labels to join and apply, any order. */
  readonly labels?: readonly OutcomeLabel[];
  /**
   * Keep every alert revision of both versions (`candidateAlerts`, `baselineAlerts`).
   * @defaultValue false
   */
  readonly keepRevisions?: boolean;
}

/** Splits a batch into rounds of at most one indicator per resident, each resident's in order. */
export function oneEachRounds<T extends { readonly event: { readonly subjectId: string } }>(
  items: readonly T[],
): T[][] {
  const seen = new Map<string, number>();
  const rounds: T[][] = [];
  for (const item of items) {
    const k = seen.get(item.event.subjectId) ?? 0;
    seen.set(item.event.subjectId, k + 1);
    const round = rounds[k];
    if (round === undefined) rounds[k] = [item];
    else round.push(item);
  }
  return rounds;
}

/** Writes between two scans of the states for expired ones, at least (see `sweep`). */
const SWEEP_MIN_WRITES = 10_000;

/** Lets timers and I/O run between stretches of scoring (heartbeats, the HTTP server). */
const YIELD_AFTER_MS = 20;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A subject's states in the run: one rule state shared by both versions with each version's alert
 * (`scorePaired`: the versions have the same rules, and their alerts have not acted on the rule state
 * differently), or one state per version. Each expires `stateTtlMs` after its last write by the
 * run's clock, as in Redis.
 */
type Entry =
  | {
      readonly kind: 'shared';
      state: PairedState;
      expiresAt: number;
      /** The stream whose clock dates the expiry. */
      stream: string;
    }
  | {
      readonly kind: 'split';
      stream: string;
      base: SubjectState | undefined;
      baseExpiresAt: number;
      cand: SubjectState | undefined;
      candExpiresAt: number;
    };

/** One stream's clock (the latest event time of its rounds) and its place in the sorted labels. */
interface StreamClock {
  clockMs: number;
  nextLabel: number;
}

/** What one run hands back for a report: its figures and each version's alerts (see `reportOf`). */
export interface RunPart {
  readonly events: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly candidate: VersionPart;
  readonly baseline: VersionPart;
}

export class BacktestRun {
  private readonly candidate: VersionAlerts;
  private readonly baseline: VersionAlerts;
  private readonly candRules: CompiledRuleSet;
  private readonly baseRules: CompiledRuleSet;
  /** Both versions move the rule state alike: scored together while their alerts allow. */
  private readonly paired: boolean;
  private readonly baseTtlMs: number;
  private readonly candTtlMs: number;
  private readonly states = new Map<string, Entry>();
  /** Entries written since the last {@link sweep} scanned the map. */
  private writes = 0;
  private readonly labels: OutcomeLabel[];
  private readonly streams = new Map<string, StreamClock>();
  /** The stream each resident's indicators came on (kept only when there are labels to apply). */
  private readonly subjectStream = new Map<string, string>();
  private firstMs = Number.POSITIVE_INFINITY;
  private lastMs = Number.NEGATIVE_INFINITY;
  private started = performance.now();
  events = 0;

  constructor(opts: BacktestRunOptions) {
    const keep = opts.keepRevisions ?? false;
    this.candidate = new VersionAlerts(opts.candidate.rules, opts.candidate.label, keep);
    this.baseline = new VersionAlerts(opts.baseline.rules, opts.baseline.label, keep);
    this.candRules = opts.candidate.rules;
    this.baseRules = opts.baseline.rules;
    this.paired = sameRuleState(this.baseRules, this.candRules);
    this.baseTtlMs = Math.max(1, stateTtlMs(this.baseRules));
    this.candTtlMs = Math.max(1, stateTtlMs(this.candRules));
    this.labels = [...(opts.labels ?? [])].sort((a, b) => a.labelledAt.localeCompare(b.labelledAt));
  }

  /** Every revision the candidate raised, in order (with `keepRevisions`). */
  get candidateAlerts(): readonly Alert[] {
    return this.candidate.kept ?? [];
  }

  get baselineAlerts(): readonly Alert[] {
    return this.baseline.kept ?? [];
  }

  private stream(name: string): StreamClock {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = { clockMs: Number.NEGATIVE_INFINITY, nextLabel: 0 };
      this.streams.set(name, s);
    }
    return s;
  }

  /** A stream's clock: the events' own time (the latest of its rounds scored so far). */
  private now(stream: string): number {
    const ms = this.streams.get(stream)?.clockMs ?? Number.NEGATIVE_INFINITY;
    return Number.isFinite(ms) ? ms : 0;
  }

  /** The subject's entry, without what has expired by `now` (undefined when nothing is left). */
  private entry(subjectId: string, now: number): Entry | undefined {
    const e = this.states.get(subjectId);
    if (e === undefined) return undefined;
    if (e.kind === 'shared') {
      if (e.expiresAt > now) return e;
    } else {
      if (e.baseExpiresAt <= now) e.base = undefined;
      if (e.candExpiresAt <= now) e.cand = undefined;
      if (e.base !== undefined || e.cand !== undefined) return e;
    }
    this.states.delete(subjectId);
    return undefined;
  }

  /** The subject's entry with one state per version (a shared one copied for the candidate). */
  private split(subjectId: string, stream: string, now: number): Entry & { kind: 'split' } {
    const e = this.entry(subjectId, now);
    if (e?.kind === 'split') {
      e.stream = stream;
      return e;
    }
    const s: Entry & { kind: 'split' } =
      e === undefined
        ? { kind: 'split', stream, base: undefined, baseExpiresAt: 0, cand: undefined, candExpiresAt: 0 }
        : {
            kind: 'split',
            stream,
            cand: withAlertPart(e.state.shared, e.state.b, true),
            candExpiresAt: e.expiresAt,
            base: withAlertPart(e.state.shared, e.state.a, false),
            baseExpiresAt: e.expiresAt,
          };
    this.states.set(subjectId, s);
    return s;
  }

  /** Writes the subject's entry (in place when it is there already: the map keeps no order). */
  private put(subjectId: string, e: Entry): void {
    this.states.set(subjectId, e);
    this.writes++;
  }

  /**
   * Forgets the states that expired by their stream's clock (memory only: `entry` checks the expiry
   * of what it reads, and a stream's clock never goes back). The whole map is scanned, once the
   * writes since the last scan reach its size (at least {@link SWEEP_MIN_WRITES}): about one entry
   * looked at per write, without moving each written entry to the map's tail as an order of expiry
   * would need (a delete and a set per indicator on a map of every resident).
   */
  private sweep(): void {
    if (this.writes < Math.max(SWEEP_MIN_WRITES, this.states.size)) return;
    this.writes = 0;
    for (const [id, e] of this.states) {
      const until = e.kind === 'shared' ? e.expiresAt : Math.max(e.baseExpiresAt, e.candExpiresAt);
      if (until <= this.now(e.stream)) this.states.delete(id);
    }
  }

  /** One indicator (occurred at `t`, `Date.parse` of its time), both versions, on the states as of `now`. */
  private scoreOne(r: RecordedIndicator, t: number, now: number): void {
    const id = r.event.subjectId;
    const stream = r.position.stream;
    if (this.labels.length > 0) this.subjectStream.set(id, stream);
    const e = this.entry(id, now);
    if (this.paired && e?.kind !== 'split') {
      const p = scorePaired(this.baseRules, this.candRules, id, e?.state, r.event, r.position, t);
      if (p.kind === 'shared') {
        for (const a of p.alertsA) this.baseline.add(a);
        for (const a of p.alertsB) this.candidate.add(a);
        if (p.changed) {
          if (e === undefined) {
            this.put(id, { kind: 'shared', state: p.state, expiresAt: now + this.baseTtlMs, stream });
          } else {
            // The entry is this subject's alone (and in the map): updated in place.
            e.state = p.state;
            e.expiresAt = now + this.baseTtlMs;
            e.stream = stream;
            this.writes++;
          }
        }
        return;
      }
      for (const a of p.a.alerts) this.baseline.add(a);
      for (const a of p.b.alerts) this.candidate.add(a);
      const was = e?.expiresAt ?? 0;
      this.put(id, {
        kind: 'split',
        stream,
        base: p.a.state,
        baseExpiresAt: p.a.changed ? now + this.baseTtlMs : was,
        cand: p.b.state,
        candExpiresAt: p.b.changed ? now + this.candTtlMs : was,
      });
      return;
    }
    const s = e?.kind === 'split' ? e : this.split(id, stream, now);
    s.stream = stream;
    const events = [r.event];
    const positions = [r.position];
    const rb = scoreSubject(this.baseRules, id, s.base, events, positions);
    for (const a of rb.alerts) this.baseline.add(a);
    const rc = scoreSubject(this.candRules, id, s.cand, events, positions);
    for (const a of rc.alerts) this.candidate.add(a);
    if (rb.changed) {
      s.base = rb.state;
      s.baseExpiresAt = now + this.baseTtlMs;
    }
    if (rc.changed) {
      s.cand = rc.state;
      s.candExpiresAt = now + this.candTtlMs;
    }
    if (rb.changed || rc.changed) this.writes++; // `s` is in the map (`entry` or `split` kept it)
  }

  /**
   * Applies the labels whose time has come by the stream's clock (at or before `untilMs`) to both
   * versions, those about the stream's residents only.
   */
  private applyLabels(streamName: string, untilMs: number): void {
    const stream = this.stream(streamName);
    const due: OutcomeLabel[] = [];
    while (stream.nextLabel < this.labels.length) {
      const label = this.labels[stream.nextLabel] as OutcomeLabel;
      if (Date.parse(label.labelledAt) > untilMs) break;
      if (this.subjectStream.get(label.subjectId) === streamName) due.push(label);
      stream.nextLabel++;
    }
    if (due.length === 0) return;
    const now = this.now(streamName);
    for (const [alerts, rules, base] of [
      [this.baseline, this.baseRules, true],
      [this.candidate, this.candRules, false],
    ] as const) {
      // A label names a live alert: on this version, the same alert, else the resident's latest
      // alert raised before the label (the episode the officer acted on).
      const bySubject = new Map<string, OutcomeLabel[]>();
      for (const label of due) {
        const a = alerts.alertFor(label);
        if (a === undefined) continue;
        const list = bySubject.get(label.subjectId);
        const input = { ...label, alertId: a.alertId };
        if (list === undefined) bySubject.set(label.subjectId, [input]);
        else list.push(input);
      }
      for (const [id, labels] of bySubject) {
        const s = this.split(id, streamName, now);
        let state = base ? s.base : s.cand;
        let duplicates = 0;
        for (const label of labels) {
          const r = applyOutcome(rules, state, label);
          state = r.state;
          if (r.duplicate) duplicates++;
          for (const a of r.alerts) alerts.add(a);
        }
        if (duplicates < labels.length) {
          if (base) {
            s.base = state;
            s.baseExpiresAt = now + this.baseTtlMs;
          } else {
            s.cand = state;
            s.candExpiresAt = now + this.candTtlMs;
          }
          this.put(id, s);
        }
      }
    }
  }

  /** Scores one batch of recorded indicators (in recording order) with both versions. */
  async score(batch: readonly RecordedIndicator[]): Promise<void> {
    if (batch.length === 0) return;
    let slice = performance.now();
    for (const round of oneEachRounds(batch)) {
      // Each stream's clock moves to the latest event time of its part of the round (a Kafka batch
      // is one partition's: one stream).
      const roundMax = new Map<string, number>();
      let last: string | undefined;
      let lastMax = Number.NEGATIVE_INFINITY;
      const times: number[] = new Array(round.length);
      for (let i = 0; i < round.length; i++) {
        const r = round[i] as RecordedIndicator;
        const t = Date.parse(r.event.occurredAt);
        times[i] = t;
        if (t < this.firstMs) this.firstMs = t;
        if (t > this.lastMs) this.lastMs = t;
        const name = r.position.stream;
        if (name !== last) {
          if (last !== undefined) roundMax.set(last, lastMax);
          last = name;
          lastMax = roundMax.get(name) ?? this.stream(name).clockMs;
        }
        if (t > lastMax) lastMax = t;
      }
      if (last !== undefined) roundMax.set(last, lastMax);
      for (const [name, max] of roundMax) {
        this.applyLabels(name, max);
        this.stream(name).clockMs = max;
      }
      let name: string | undefined;
      let now = 0;
      for (let i = 0; i < round.length; i++) {
        const r = round[i] as RecordedIndicator;
        if (r.position.stream !== name) {
          name = r.position.stream;
          now = this.now(name);
        }
        this.scoreOne(r, times[i] as number, now);
        if ((i & 63) === 63 && performance.now() - slice > YIELD_AFTER_MS) {
          await yieldToEventLoop();
          slice = performance.now();
        }
      }
      this.sweep();
    }
    this.events += batch.length;
  }

  /** Applies the labels still to come, each stream's. */
  private applyRemainingLabels(): void {
    for (const name of this.streams.keys()) this.applyLabels(name, Number.POSITIVE_INFINITY);
  }

  /** Applies the remaining labels and hands back what a report is made of (a pool's worker). */
  finishPart(): RunPart {
    this.applyRemainingLabels();
    return {
      events: this.events,
      firstMs: this.firstMs,
      lastMs: this.lastMs,
      candidate: this.candidate.part(),
      baseline: this.baseline.part(),
    };
  }

  /** Applies the remaining labels and builds the report. */
  async finish(): Promise<BacktestReport> {
    this.applyRemainingLabels();
    return reportOf(
      {
        events: this.events,
        firstMs: this.firstMs,
        lastMs: this.lastMs,
        elapsedMs: performance.now() - this.started,
      },
      this.candidate,
      this.baseline,
      this.labels,
    );
  }

  /** Restarts the clock of `elapsedMs` (a run that waited before its first event). */
  markStart(): void {
    this.started = performance.now();
  }
}

/** The report of a run (or of the runs of a pool, their alerts merged). */
export function reportOf(
  run: {
    readonly events: number;
    readonly firstMs: number;
    readonly lastMs: number;
    readonly elapsedMs: number;
  },
  candidate: VersionAlerts,
  baseline: VersionAlerts,
  labels: readonly OutcomeLabel[],
): BacktestReport {
  const { events, firstMs, lastMs, elapsedMs } = run;
  const comparison = compareVersions(candidate, baseline, labels);
  return {
    events,
    labels: labels.length,
    ...(Number.isFinite(firstMs) ? { firstEventAt: new Date(firstMs).toISOString() } : {}),
    ...(Number.isFinite(lastMs) ? { lastEventAt: new Date(lastMs).toISOString() } : {}),
    elapsedMs: Math.round(elapsedMs),
    eventsPerSec: elapsedMs > 0 ? Math.round((events / elapsedMs) * 1000) : 0,
    candidate: versionFigures(candidate, labels),
    baseline: versionFigures(baseline, labels),
    ...comparison,
  };
}
