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
import { compareVersions, VersionAlerts, versionFigures } from './report.ts';

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
  | { readonly kind: 'shared'; readonly state: PairedState; readonly expiresAt: number }
  | {
      readonly kind: 'split';
      base: SubjectState | undefined;
      baseExpiresAt: number;
      cand: SubjectState | undefined;
      candExpiresAt: number;
    };

export class BacktestRun {
  private readonly candidate: VersionAlerts;
  private readonly baseline: VersionAlerts;
  private readonly candRules: CompiledRuleSet;
  private readonly baseRules: CompiledRuleSet;
  /** Both versions move the rule state alike: scored together while their alerts allow. */
  private readonly paired: boolean;
  private readonly baseTtlMs: number;
  private readonly candTtlMs: number;
  /** Insertion order = order of last write: the oldest writes are at the head. */
  private readonly states = new Map<string, Entry>();
  private readonly labels: OutcomeLabel[];
  private nextLabel = 0;
  private clockMs = Number.NEGATIVE_INFINITY;
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

  /** The run's clock: the events' own time (the latest of the rounds scored so far). */
  private now(): number {
    return Number.isFinite(this.clockMs) ? this.clockMs : 0;
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
  private split(subjectId: string, now: number): Entry & { kind: 'split' } {
    const e = this.entry(subjectId, now);
    if (e?.kind === 'split') return e;
    const s: Entry & { kind: 'split' } =
      e === undefined
        ? { kind: 'split', base: undefined, baseExpiresAt: 0, cand: undefined, candExpiresAt: 0 }
        : {
            kind: 'split',
            cand: withAlertPart(e.state.shared, e.state.b, true),
            candExpiresAt: e.expiresAt,
            base: withAlertPart(e.state.shared, e.state.a, false),
            baseExpiresAt: e.expiresAt,
          };
    this.states.set(subjectId, s);
    return s;
  }

  /** Moves the subject's entry to the tail (its latest write), as `set` alone would not. */
  private put(subjectId: string, e: Entry): void {
    this.states.delete(subjectId);
    this.states.set(subjectId, e);
  }

  /** Forgets the states that expired by `now`, oldest writes first. */
  private sweep(now: number): void {
    for (const [id, e] of this.states) {
      const until = e.kind === 'shared' ? e.expiresAt : Math.max(e.baseExpiresAt, e.candExpiresAt);
      if (until > now) break;
      this.states.delete(id);
    }
  }

  /** One indicator, both versions, on the states as of `now`. */
  private scoreOne(r: RecordedIndicator, now: number): void {
    const id = r.event.subjectId;
    const e = this.entry(id, now);
    if (this.paired && e?.kind !== 'split') {
      const p = scorePaired(this.baseRules, this.candRules, id, e?.state, r.event, r.position);
      if (p.kind === 'shared') {
        for (const a of p.alertsA) this.baseline.add(a);
        for (const a of p.alertsB) this.candidate.add(a);
        if (p.changed) this.put(id, { kind: 'shared', state: p.state, expiresAt: now + this.baseTtlMs });
        return;
      }
      for (const a of p.a.alerts) this.baseline.add(a);
      for (const a of p.b.alerts) this.candidate.add(a);
      const was = e?.expiresAt ?? 0;
      this.put(id, {
        kind: 'split',
        base: p.a.state,
        baseExpiresAt: p.a.changed ? now + this.baseTtlMs : was,
        cand: p.b.state,
        candExpiresAt: p.b.changed ? now + this.candTtlMs : was,
      });
      return;
    }
    const s = e?.kind === 'split' ? e : this.split(id, now);
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
    if (rb.changed || rc.changed) this.put(id, s);
  }

  /** Applies the labels whose time has come (at or before `untilMs`) to both versions. */
  private async applyLabels(untilMs: number): Promise<void> {
    const due: OutcomeLabel[] = [];
    while (this.nextLabel < this.labels.length) {
      const label = this.labels[this.nextLabel] as OutcomeLabel;
      if (Date.parse(label.labelledAt) > untilMs) break;
      due.push(label);
      this.nextLabel++;
    }
    if (due.length === 0) return;
    const now = this.now();
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
        const s = this.split(id, now);
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
      let roundMax = this.clockMs;
      for (const r of round) {
        const t = Date.parse(r.event.occurredAt);
        if (t > roundMax) roundMax = t;
        if (t < this.firstMs) this.firstMs = t;
        if (t > this.lastMs) this.lastMs = t;
      }
      await this.applyLabels(roundMax);
      this.clockMs = roundMax;
      const now = this.now();
      for (let i = 0; i < round.length; i++) {
        this.scoreOne(round[i] as RecordedIndicator, now);
        if ((i & 63) === 63 && performance.now() - slice > YIELD_AFTER_MS) {
          await yieldToEventLoop();
          slice = performance.now();
        }
      }
      this.sweep(now);
    }
    this.events += batch.length;
  }

  /** Applies the remaining labels and builds the report. */
  async finish(): Promise<BacktestReport> {
    await this.applyLabels(Number.POSITIVE_INFINITY);
    const elapsedMs = performance.now() - this.started;
    const labels = this.labels;
    const comparison = compareVersions(this.candidate, this.baseline, labels);
    return {
      events: this.events,
      labels: labels.length,
      ...(Number.isFinite(this.firstMs) ? { firstEventAt: new Date(this.firstMs).toISOString() } : {}),
      ...(Number.isFinite(this.lastMs) ? { lastEventAt: new Date(this.lastMs).toISOString() } : {}),
      elapsedMs: Math.round(elapsedMs),
      eventsPerSec: elapsedMs > 0 ? Math.round((this.events / elapsedMs) * 1000) : 0,
      candidate: versionFigures(this.candidate, labels),
      baseline: versionFigures(this.baseline, labels),
      ...comparison,
    };
  }

  /** Restarts the clock of `elapsedMs` (a run that waited before its first event). */
  markStart(): void {
    this.started = performance.now();
  }
}
