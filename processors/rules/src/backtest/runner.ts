/**
 * One backtest run: the candidate and the baseline version, each in its own in-memory engine with
 * scratch state and the events' own clock, fed the same recorded indicators in order, with outcome
 * labels applied when event time reaches them (a label closes the alert and starts the cooldown, as
 * live). Nothing here reads or writes live state or any topic.
 *
 * The events come in batches (a Kafka fetch, a slice of a file); each batch is scored in rounds that
 * hold at most one indicator per resident, so every indicator gets the chance to raise or upgrade an
 * alert on its own, as it does live when a resident's indicators arrive apart (which is how they
 * arrive). Positions are the records' own (partition and offset), so a redelivered record in the
 * recording is recognised as the live scorer recognised it.
 */
import type { Alert, BacktestReport, FraudIndicator, OutcomeLabel } from '@fenghuo/contracts';
import { type CompiledRuleSet, createScorer, type FraudScorer, type StreamPosition } from '@fenghuo/engine';
import { compareVersions, VersionAlerts, versionFigures } from './report.ts';
import { ScratchStateStore } from './scratch-state-store.ts';

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

class Side {
  readonly alerts: VersionAlerts;
  readonly engine: FraudScorer;

  constructor(version: RunVersion, clock: () => number, keep: boolean) {
    this.alerts = new VersionAlerts(version.rules, version.label, keep);
    this.engine = createScorer({ rules: () => version.rules, store: new ScratchStateStore(), clock });
  }

  take(revisions: readonly { alert: Alert }[]): void {
    for (const r of revisions) this.alerts.add(r.alert);
  }
}

export class BacktestRun {
  private readonly candidate: Side;
  private readonly baseline: Side;
  private readonly labels: OutcomeLabel[];
  private nextLabel = 0;
  private clockMs = Number.NEGATIVE_INFINITY;
  private firstMs = Number.POSITIVE_INFINITY;
  private lastMs = Number.NEGATIVE_INFINITY;
  private started = performance.now();
  events = 0;

  constructor(opts: BacktestRunOptions) {
    const clock = () => (Number.isFinite(this.clockMs) ? this.clockMs : 0);
    const keep = opts.keepRevisions ?? false;
    this.candidate = new Side(opts.candidate, clock, keep);
    this.baseline = new Side(opts.baseline, clock, keep);
    this.labels = [...(opts.labels ?? [])].sort((a, b) => a.labelledAt.localeCompare(b.labelledAt));
  }

  /** Every revision the candidate raised, in order (with `keepRevisions`). */
  get candidateAlerts(): readonly Alert[] {
    return this.candidate.alerts.kept ?? [];
  }

  get baselineAlerts(): readonly Alert[] {
    return this.baseline.alerts.kept ?? [];
  }

  /** Applies the labels whose time has come (at or before `untilMs`) to both engines. */
  private async applyLabels(untilMs: number): Promise<void> {
    const due: OutcomeLabel[] = [];
    while (this.nextLabel < this.labels.length) {
      const label = this.labels[this.nextLabel] as OutcomeLabel;
      if (Date.parse(label.labelledAt) > untilMs) break;
      due.push(label);
      this.nextLabel++;
    }
    if (due.length === 0) return;
    for (const side of [this.baseline, this.candidate]) {
      // A label names a live alert: on this version, the same alert, else the resident's latest
      // alert raised before the label (the episode the officer acted on).
      const inputs = due.flatMap((label) => {
        const a = side.alerts.alertFor(label);
        return a === undefined ? [] : [{ event: { ...label, alertId: a.alertId } }];
      });
      if (inputs.length > 0) side.take((await side.engine.applyOutcomes(inputs)).revisions);
    }
  }

  /** Scores one batch of recorded indicators (in recording order) with both versions. */
  async score(batch: readonly RecordedIndicator[]): Promise<void> {
    if (batch.length === 0) return;
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
      const inputs = round.map((r) => ({ event: r.event, position: r.position }));
      this.baseline.take((await this.baseline.engine.scoreIndicators(inputs)).revisions);
      this.candidate.take((await this.candidate.engine.scoreIndicators(inputs)).revisions);
    }
    this.events += batch.length;
  }

  /** Applies the remaining labels and builds the report. */
  async finish(): Promise<BacktestReport> {
    await this.applyLabels(Number.POSITIVE_INFINITY);
    const elapsedMs = performance.now() - this.started;
    const labels = this.labels;
    const comparison = compareVersions(this.candidate.alerts, this.baseline.alerts, labels);
    return {
      events: this.events,
      labels: labels.length,
      ...(Number.isFinite(this.firstMs) ? { firstEventAt: new Date(this.firstMs).toISOString() } : {}),
      ...(Number.isFinite(this.lastMs) ? { lastEventAt: new Date(this.lastMs).toISOString() } : {}),
      elapsedMs: Math.round(elapsedMs),
      eventsPerSec: elapsedMs > 0 ? Math.round((this.events / elapsedMs) * 1000) : 0,
      candidate: versionFigures(this.candidate.alerts, labels),
      baseline: versionFigures(this.baseline.alerts, labels),
      ...comparison,
    };
  }

  /** Restarts the clock of `elapsedMs` (a run that waited before its first event). */
  markStart(): void {
    this.started = performance.now();
  }
}
