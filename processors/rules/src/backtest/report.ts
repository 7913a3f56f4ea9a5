/**
 * What a backtest reports, accumulated from the alert revisions each version raised: alerts per
 * version and level, alerts per day per grid cell (the officers' workload), precision and losses
 * prevented per rule and per level from the outcome labels, and the alerts the candidate adds and
 * drops compared with the baseline, each with its reason.
 */
import {
  ALERT_LEVELS,
  type Alert,
  type AlertLevel,
  type BacktestAlertChange,
  type BacktestLevelFigures,
  type BacktestRuleFigures,
  type BacktestVersionFigures,
  type BilingualText,
  type CellDayLoad,
  type OutcomeLabel,
} from '@fenghuo/contracts';
import { type CompiledRuleSet, DENY_RULE_ID } from '@fenghuo/engine';
import { jsonEqual } from '../diff.ts';

/** One alert as the report needs it: its last revision's figures and the highest level it reached. */
export interface AlertSummary {
  readonly alertId: string;
  readonly subjectId: string;
  readonly raisedAt: string;
  readonly raisedAtMs: number;
  level: AlertLevel;
  score: number;
  revisions: number;
  status: 'open' | 'closed';
  updatedAtMs: number;
  gridCellId: string | undefined;
  rulesFired: readonly string[];
  reason: BilingualText;
}

const rank = (l: AlertLevel) => ALERT_LEVELS.indexOf(l);
const MAX_CHANGES = 1_000;
const MAX_BUSIEST = 200;
const NO_CELL = '(none)';

/** What one run of a pool hands back of a version's alerts. */
export interface VersionPart {
  readonly alerts: readonly AlertSummary[];
  readonly revisions: number;
  readonly kept: readonly Alert[] | undefined;
}

/** Every alert one version raised in a backtest. */
export class VersionAlerts {
  readonly alerts = new Map<string, AlertSummary>();
  readonly bySubject = new Map<string, AlertSummary[]>();
  revisions = 0;
  /** Every revision, in order, when asked for (tests, determinism checks). */
  readonly kept: Alert[] | undefined;

  constructor(
    readonly rules: CompiledRuleSet,
    readonly label: string,
    keepRevisions = false,
  ) {
    this.kept = keepRevisions ? [] : undefined;
  }

  /** The alerts of several runs over disjoint residents (a pool's workers), in the order given. */
  static merged(
    rules: CompiledRuleSet,
    label: string,
    parts: readonly VersionPart[],
    keep: boolean,
  ): VersionAlerts {
    const v = new VersionAlerts(rules, label, keep);
    for (const p of parts) {
      v.revisions += p.revisions;
      if (p.kept !== undefined && v.kept !== undefined) for (const a of p.kept) v.kept.push(a);
      for (const s of p.alerts) {
        v.alerts.set(s.alertId, s);
        const list = v.bySubject.get(s.subjectId);
        if (list === undefined) v.bySubject.set(s.subjectId, [s]);
        else list.push(s);
      }
    }
    return v;
  }

  part(): VersionPart {
    return { alerts: [...this.alerts.values()], revisions: this.revisions, kept: this.kept };
  }

  add(alert: Alert): void {
    this.revisions++;
    this.kept?.push(alert);
    let s = this.alerts.get(alert.alertId);
    if (s === undefined) {
      const raisedAtMs = Date.parse(alert.raisedAt);
      s = {
        alertId: alert.alertId,
        subjectId: alert.subjectId,
        raisedAt: alert.raisedAt,
        raisedAtMs,
        level: alert.level,
        score: alert.score,
        revisions: 0,
        status: alert.status,
        updatedAtMs: raisedAtMs,
        gridCellId: alert.gridCellId,
        rulesFired: [],
        reason: alert.reason,
      };
      this.alerts.set(alert.alertId, s);
      const list = this.bySubject.get(alert.subjectId);
      if (list === undefined) this.bySubject.set(alert.subjectId, [s]);
      else list.push(s);
    }
    s.revisions++;
    if (rank(alert.level) > rank(s.level)) s.level = alert.level;
    s.score = alert.score;
    s.status = alert.status;
    s.updatedAtMs = Date.parse(alert.updatedAt);
    s.gridCellId = alert.gridCellId ?? s.gridCellId;
    s.rulesFired = alert.rulesFired.map((r) => r.ruleId);
    s.reason = alert.reason;
  }

  /** The alert a label is about: the same id, else the resident's latest alert raised before it. */
  alertFor(label: OutcomeLabel): AlertSummary | undefined {
    const exact = this.alerts.get(label.alertId);
    if (exact !== undefined) return exact;
    const at = Date.parse(label.labelledAt);
    const list = this.bySubject.get(label.subjectId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const a = list[i] as AlertSummary;
      if (a.raisedAtMs <= at) return a;
    }
    return undefined;
  }

  /** When the alert's episode ended: its close, or its last update plus the alert time-out. */
  endOf(a: AlertSummary): number {
    return a.status === 'closed' ? a.updatedAtMs : a.updatedAtMs + this.rules.alertTtlMs;
  }
}

interface LabelTotals {
  alerts: number;
  labelled: number;
  confirmed: number;
  falseAlarms: number;
  lossesPreventedCny: number;
  lossesCny: number;
}

const zero = (): LabelTotals => ({
  alerts: 0,
  labelled: 0,
  confirmed: 0,
  falseAlarms: 0,
  lossesPreventedCny: 0,
  lossesCny: 0,
});

function count(t: LabelTotals, label: OutcomeLabel | undefined): void {
  t.alerts++;
  if (label === undefined) return;
  t.labelled++;
  if (label.outcome === 'false_alarm') t.falseAlarms++;
  else t.confirmed++;
  if (label.outcome === 'dissuaded' || label.outcome === 'loss_prevented') {
    t.lossesPreventedCny += label.amountSaved ?? 0;
  }
  if (label.outcome === 'too_late') t.lossesCny += label.lossAmount ?? 0;
}

function withPrecision(t: LabelTotals) {
  return {
    ...t,
    ...(t.labelled > 0 ? { precision: Math.round((t.confirmed / t.labelled) * 10_000) / 10_000 } : {}),
  };
}

/** Each alert's label: the latest label that names it (or is about its resident after it). */
export function labelsByAlert(v: VersionAlerts, labels: readonly OutcomeLabel[]): Map<string, OutcomeLabel> {
  const out = new Map<string, OutcomeLabel>();
  for (const label of labels) {
    const a = v.alertFor(label);
    if (a === undefined) continue;
    const prev = out.get(a.alertId);
    if (prev === undefined || prev.labelledAt <= label.labelledAt) out.set(a.alertId, label);
  }
  return out;
}

export function versionFigures(v: VersionAlerts, labels: readonly OutcomeLabel[]): BacktestVersionFigures {
  const byLevel = { notice: 0, warning: 0, urgent: 0 };
  const cellDays = new Map<string, number>();
  const labelOf = labelsByAlert(v, labels);
  const outcomes = zero();
  const byRule = new Map<string, LabelTotals>();
  const byLevelOutcome = new Map<AlertLevel, LabelTotals>();
  for (const a of v.alerts.values()) {
    byLevel[a.level]++;
    const key = `${a.raisedAt.slice(0, 10)}\u0000${a.gridCellId ?? NO_CELL}`;
    cellDays.set(key, (cellDays.get(key) ?? 0) + 1);
    const label = labelOf.get(a.alertId);
    count(outcomes, label);
    for (const ruleId of a.rulesFired) {
      const t = byRule.get(ruleId) ?? zero();
      byRule.set(ruleId, t);
      count(t, label);
    }
    const lt = byLevelOutcome.get(a.level) ?? zero();
    byLevelOutcome.set(a.level, lt);
    count(lt, label);
  }
  const loads: CellDayLoad[] = [...cellDays].map(([k, alerts]) => {
    const [day, gridCellId] = k.split('\u0000') as [string, string];
    return { day, gridCellId, alerts };
  });
  loads.sort(
    (a, b) => b.alerts - a.alerts || a.day.localeCompare(b.day) || a.gridCellId.localeCompare(b.gridCellId),
  );
  const total = v.alerts.size;
  const names = new Map(v.rules.rules.map((r) => [r.id, r.name]));
  names.set(DENY_RULE_ID, 'Deny-listed number, payee or app');
  const rules: BacktestRuleFigures[] = [...byRule]
    .map(([ruleId, t]) => ({
      ruleId,
      name: (names.get(ruleId) ?? ruleId).slice(0, 200),
      ...withPrecision(t),
    }))
    .sort((a, b) => b.alerts - a.alerts || a.ruleId.localeCompare(b.ruleId));
  const levels: BacktestLevelFigures[] = ALERT_LEVELS.filter((l) => byLevelOutcome.has(l)).map((level) => ({
    level,
    ...withPrecision(byLevelOutcome.get(level) as LabelTotals),
  }));
  return {
    ruleSetId: v.rules.ruleSetId,
    ruleSetVersion: v.rules.ruleSetVersion,
    label: v.label.slice(0, 200),
    alerts: total,
    revisions: v.revisions,
    byLevel,
    workload: {
      cellDays: cellDays.size,
      meanPerCellDay: cellDays.size === 0 ? 0 : Math.round((total / cellDays.size) * 100) / 100,
      maxPerCellDay: loads[0]?.alerts ?? 0,
      busiest: loads.slice(0, MAX_BUSIEST),
    },
    outcomes: withPrecision(outcomes),
    byRule: rules,
    byLevelOutcome: levels,
  };
}

/** Rules whose definition differs between the two versions (or that only one has). */
function changedRules(a: CompiledRuleSet, b: CompiledRuleSet): Map<string, string> {
  const out = new Map<string, string>();
  const defs = (c: CompiledRuleSet) => new Map(c.source.rules.map((r) => [r.id, r]));
  const da = defs(a);
  const db = defs(b);
  for (const [id, r] of da) {
    const other = db.get(id);
    if (other === undefined) out.set(id, 'not in the other version');
    else if ((r.enabled ?? true) !== (other.enabled ?? true))
      out.set(id, other.enabled === false ? 'disabled there' : 'enabled there');
    else if (r.weight !== other.weight) out.set(id, `weight ${r.weight} there ${other.weight}`);
    else if (!jsonEqual(r, other)) out.set(id, 'changed');
  }
  return out;
}

function describeLevels(c: CompiledRuleSet): string {
  return `notice ${c.levels.notice}, warning ${c.levels.warning}, urgent ${c.levels.urgent}`;
}

function change(a: AlertSummary, why: string, outcome: OutcomeLabel | undefined): BacktestAlertChange {
  return {
    subjectId: a.subjectId,
    alertId: a.alertId,
    level: a.level,
    score: a.score,
    raisedAt: a.raisedAt,
    ...(a.gridCellId === undefined ? {} : { gridCellId: a.gridCellId }),
    rulesFired: [...a.rulesFired],
    reason: a.reason,
    why: why.slice(0, 1000),
    ...(outcome === undefined ? {} : { outcome: outcome.outcome }),
  };
}

/**
 * The alerts of `mine` with no alert of `other` for the same resident at an overlapping time (the
 * same alert id, or episodes that overlap), each with why the other version stayed silent.
 */
function unmatched(
  mine: VersionAlerts,
  other: VersionAlerts,
  labelOf: Map<string, OutcomeLabel>,
  otherName: string,
): { list: BacktestAlertChange[]; total: number } {
  const changed = changedRules(mine.rules, other.rules);
  const levelsDiffer =
    mine.rules.levels.notice !== other.rules.levels.notice ||
    mine.rules.levels.warning !== other.rules.levels.warning ||
    mine.rules.levels.urgent !== other.rules.levels.urgent;
  const out: AlertSummary[] = [];
  for (const a of mine.alerts.values()) {
    if (other.alerts.has(a.alertId)) continue;
    const end = mine.endOf(a);
    const overlapping = (other.bySubject.get(a.subjectId) ?? []).some(
      (b) => b.raisedAtMs <= end && a.raisedAtMs <= other.endOf(b),
    );
    if (!overlapping) out.push(a);
  }
  // Ties by alert id: the same order however the alerts were gathered (one run, or a pool's).
  out.sort(
    (x, y) =>
      rank(y.level) - rank(x.level) ||
      y.score - x.score ||
      x.raisedAtMs - y.raisedAtMs ||
      (x.alertId < y.alertId ? -1 : x.alertId > y.alertId ? 1 : 0),
  );
  const list = out.slice(0, MAX_CHANGES).map((a) => {
    const why: string[] = [`${otherName} raised no alert for this resident then`];
    const rules = a.rulesFired.filter((id) => changed.has(id)).map((id) => `${id} (${changed.get(id)})`);
    if (rules.length > 0) why.push(`rules that fired here differ there: ${rules.join(', ')}`);
    if (levelsDiffer)
      why.push(`levels there: ${describeLevels(other.rules)}, here: ${describeLevels(mine.rules)}`);
    return change(a, why.join('; '), labelOf.get(a.alertId));
  });
  return { list, total: out.length };
}

export interface Comparison {
  readonly added: BacktestAlertChange[];
  readonly dropped: BacktestAlertChange[];
  readonly addedTotal: number;
  readonly droppedTotal: number;
}

export function compareVersions(
  candidate: VersionAlerts,
  baseline: VersionAlerts,
  labels: readonly OutcomeLabel[],
): Comparison {
  const added = unmatched(candidate, baseline, labelsByAlert(candidate, labels), 'the baseline');
  const dropped = unmatched(baseline, candidate, labelsByAlert(baseline, labels), 'the candidate');
  return { added: added.list, dropped: dropped.list, addedTotal: added.total, droppedTotal: dropped.total };
}
