/**
 * The scoring engine: applies a subject's indicators (in partition order) to its state and decides
 * whether to raise, upgrade, re-send or close its one alert. Pure: no I/O, no clock — every time is
 * an event time, so a redelivered or replayed batch gives the same alerts with the same ids.
 */
import {
  ALERT_LEVELS,
  type Alert,
  type AlertLevel,
  type BilingualText,
  type Evidence,
  type FiredRule,
  type FraudIndicator,
  type FraudType,
  type OutcomeLabel,
} from '@fenghuo/contracts';
import {
  type CompiledRule,
  type CompiledRuleSet,
  type CompiledSequenceRule,
  type CompiledWindowRule,
  EvalContext,
  listStatus,
  type ModelHit,
  rulesToRun,
} from './compile.ts';
import { UnreachableError } from './errors.ts';
import {
  DEFAULT_SCRIPTS,
  indicatorEvidence,
  indicatorLabel,
  type ShownIndicator,
  shownEvidence,
  shownIndicator,
  windowPhrase,
} from './explain.ts';
import {
  type AlertState,
  advancePosition,
  atOrBelowPosition,
  decodeState,
  emptyState,
  encodeState,
  type FiredState,
  phraseOf,
  remember,
  type SequenceRun,
  type StreamPosition,
  type SubjectState,
  wasSeen,
  withRuleId,
} from './state.ts';
import type { CompiledTemplate } from './template.ts';
import {
  addToWindow,
  emptyWindow,
  evictBefore,
  fitToRule,
  type WindowFigures,
  type WindowState,
  windowEndsHolding,
  windowFigures,
} from './window.ts';

/** Synthetic rule id recorded when a deny-listed number, payee or app shows up. */
export const DENY_RULE_ID = 'deny-list';
const MAX_EVIDENCE_PER_RULE = 8;
const MAX_EVIDENCE = 30;

export interface ScoreResult {
  readonly state: SubjectState;
  /** Alert revisions to publish, in order (a close of an expired alert may precede a new one). */
  readonly alerts: Alert[];
  /** `causes[i]`: event id of the (latest) indicator that caused `alerts[i]`. */
  readonly causes: string[];
  /** Indicators skipped as already processed (redelivery). */
  readonly duplicates: number;
  /**
   * Whether the state must be saved. False when every indicator was a duplicate, or when the subject
   * had no state and no indicator changed anything scoring uses (then their ids and positions are not
   * remembered either: processing them again is a no-op). A subject with a state is saved on every
   * fresh indicator, which also keeps the state from expiring while indicators keep coming (an open
   * alert is closed lazily, by the next indicator after `alertTtlMin`).
   */
  readonly changed: boolean;
}

const iso = (t: number) => new Date(t).toISOString();
const isRun = (r: SequenceRun | null) => r != null;
const levelRank = (l: AlertLevel) => ALERT_LEVELS.indexOf(l);

export function levelFor(score: number, levels: CompiledRuleSet['levels']): AlertLevel | undefined {
  if (score >= levels.urgent) return 'urgent';
  if (score >= levels.warning) return 'warning';
  if (score >= levels.notice) return 'notice';
  return undefined;
}

function fire(
  state: SubjectState,
  rule: {
    id: string;
    name: string;
    fraudType: FraudType;
    weight: number;
    typeWeight?: number;
    order: number;
  },
  t: number,
  phrase: BilingualText,
  ev: Evidence[],
): void {
  const prev = state.fired[rule.id];
  // `ev` is the caller's own new array: kept as is when short enough.
  const kept = ev.length > MAX_EVIDENCE_PER_RULE ? ev.slice(-MAX_EVIDENCE_PER_RULE) : ev;
  const last = kept.at(-1)?.summary;
  // Every key in the literal, `tw` and `phrase` undefined when unset (the JSON form leaves them out
  // as it leaves out a missing key, in the same key order): set afterwards they would go to a
  // separate property store, one more object per firing for the collector to copy.
  const fired: FiredState = {
    first: prev?.first ?? t,
    at: t,
    weight: rule.weight,
    name: rule.name,
    fraudType: rule.fraudType,
    order: rule.order,
    ev: kept,
    tw:
      rule.typeWeight !== undefined && rule.typeWeight !== Math.max(0, rule.weight)
        ? rule.typeWeight
        : undefined,
    // Most phrases are the last evidence's summary: stored once, not twice.
    phrase: last === undefined || last.zh !== phrase.zh || last.en !== phrase.en ? phrase : undefined,
  };
  state.fired[rule.id] = fired;
}

/**
 * As `fire(state, rule, t, phrase, [...previous evidence, ev])`, updating the rule's firing of this
 * episode in place when there is one (the state is the caller's own: `scoreSubject` takes it over)
 * instead of a new firing and a new copy of its evidence each time: a resident's ordinary SMS fires
 * the same few rules again and again, and each new object would be kept until the next one.
 */
function fireAgain(
  state: SubjectState,
  rule: CompiledRule,
  t: number,
  phrase: BilingualText,
  ev: Evidence,
): void {
  const f = state.fired[rule.id];
  if (f === undefined) {
    fire(state, rule, t, phrase, [ev]);
    return;
  }
  const kept = f.ev;
  kept.push(ev);
  if (kept.length > MAX_EVIDENCE_PER_RULE) kept.splice(0, kept.length - MAX_EVIDENCE_PER_RULE);
  f.at = t;
  f.weight = rule.weight;
  f.name = rule.name;
  f.fraudType = rule.fraudType;
  f.order = rule.order;
  // As `fire` sets them (unset: undefined, which the JSON form leaves out as it leaves out a key).
  if (rule.typeWeight !== undefined && rule.typeWeight !== Math.max(0, rule.weight)) f.tw = rule.typeWeight;
  else if (f.tw !== undefined) f.tw = undefined;
  const last = ev.summary;
  if (last.zh !== phrase.zh || last.en !== phrase.en) f.phrase = phrase;
  else if (f.phrase !== undefined) f.phrase = undefined;
}

/**
 * What the explanations of one indicator are made of, for its matches so far: every rule that fires
 * on the indicator with the same matches shows the same evidence (but for its rule id) and fills its
 * template with the same values, made once.
 */
interface Explanation {
  readonly version: number;
  readonly keywords: readonly string[];
  readonly hits: readonly ModelHit[];
  /** What is shown of the indicator with these matches (shared by indicators of its shape). */
  shown: ShownIndicator | undefined;
  /** The indicator's evidence without a rule id. */
  evidence: Evidence | undefined;
  /** The evidence made with fewer matches, if any: kept when the new matches show the same. */
  readonly earlier: Evidence | undefined;
}

function explanationOf(ctx: EvalContext): Explanation {
  const cur = ctx.explanation as Explanation | undefined;
  if (cur !== undefined && cur.version === ctx.version) return cur;
  const next: Explanation = {
    version: ctx.version,
    keywords: [...ctx.matchedKeywords],
    hits: [...ctx.modelHits],
    shown: undefined,
    evidence: undefined,
    earlier: cur?.evidence ?? cur?.earlier,
  };
  ctx.explanation = next;
  return next;
}

/**
 * The indicator as evidence of the rules that fire on it with the matches so far (as
 * `indicatorEvidence` without a rule id): one object shared by those rules' firings and sequence
 * runs, each of which stands for its own rule id (see `FiredState.ev`); {@link withRuleId} adds it
 * where an alert shows the evidence. An ordinary SMS fires three rules and keeps their firings until
 * the resident's next indicator: one kept object instead of a copy per rule.
 */
function evidenceOf(ctx: EvalContext): Evidence {
  const x = explanationOf(ctx);
  if (x.evidence === undefined) {
    const shown = shownOf(ctx, x);
    const e = x.earlier;
    // More matches that show the same (the summary and values made for these words and this shape
    // are those made for the earlier ones): the same object, so that the firings share it.
    x.evidence =
      e !== undefined && e.summary === shown.summary && e.values === shown.values
        ? e
        : shownEvidence(ctx.indicator, shown);
  }
  return x.evidence;
}

function shownOf(ctx: EvalContext, x: Explanation): ShownIndicator {
  x.shown ??= shownIndicator(ctx.indicator, x.keywords, x.hits);
  return x.shown;
}

/** The values an explain template can use (as `templateValues` with the matches so far); not to be changed. */
function templateOf(ctx: EvalContext): Readonly<Record<string, string | number>> {
  const x = explanationOf(ctx);
  return shownOf(ctx, x).templateValues();
}

/** A match rule's explain template filled with the values of {@link templateOf} (shared). */
function filledPhrase(ctx: EvalContext, fill: CompiledTemplate): BilingualText {
  return shownOf(ctx, explanationOf(ctx)).phrase(fill);
}

/** Counts the indicator in the window and fires the rule when over; false when it was not counted. */
function applyWindow(
  state: SubjectState,
  rule: CompiledWindowRule,
  ind: FraudIndicator,
  t: number,
  ctx: EvalContext,
): boolean {
  let v: number | string | undefined;
  if (rule.value !== undefined) {
    const raw = rule.value(ind);
    if (typeof raw === 'number' || typeof raw === 'string') v = raw;
    else if (rule.aggregate !== 'count') return false; // nothing to sum or count distinctly
  }
  const label = indicatorLabel(ind);
  const flagged =
    (ind.kind === 'call' && ind.callerListed === true) || (ind.kind === 'transfer' && ind.payeeNew);
  const ws = state.win[rule.id] ?? emptyWindow(rule.bucketMs);
  state.win[rule.id] = ws;
  addToWindow(ws, rule, {
    t,
    id: ind.eventId,
    ...(v === undefined ? {} : { v }),
    ...(label === undefined ? {} : { l: label }),
    ...(flagged ? { f: true } : {}),
  });
  // The fullest window holding the indicator: the one ending at it, or, when it came late, one ending
  // at a later indicator (see windowEndsHolding).
  const figureOf = (f: WindowFigures) =>
    rule.aggregate === 'count' ? f.count : rule.aggregate === 'sum' ? f.sum : f.distinct;
  let end = t;
  let figures = windowFigures(ws, rule, t);
  for (const later of windowEndsHolding(ws, rule, t)) {
    if (later === t) continue;
    const f = windowFigures(ws, rule, later);
    if (figureOf(f) > figureOf(figures)) {
      figures = f;
      end = later;
    }
  }
  const { count, sum, distinct, minT, listed, labels, eventIds } = figures;
  const figure = figureOf(figures);
  const over = rule.op === 'gt' ? figure > rule.threshold : figure >= rule.threshold;
  if (!over) return true;
  const spanMin = Math.max(1, Math.ceil((end - minT) / 60_000));
  const phrase =
    rule.fill !== undefined
      ? rule.fill({
          ...templateOf(ctx),
          count,
          sum: Math.round(sum).toLocaleString('en-US'),
          distinct,
          spanMin,
        })
      : windowPhrase({
          kind: ind.kind,
          aggregate: rule.aggregate,
          count,
          sum,
          distinct,
          spanMin,
          labels: labels.slice(0, 5),
          listed,
          payeeNew: listed,
        });
  const values: Record<string, string | number | boolean> = {
    aggregate: rule.aggregate,
    value: figure,
    threshold: rule.threshold,
    windowMin: rule.windowMs / 60_000,
    count,
    spanMin,
    eventIds: eventIds.join(','),
  };
  if (rule.aggregate !== 'count') values.field = rule.field ?? '';
  const ev: Evidence = {
    eventId: ind.eventId,
    kind: 'aggregate',
    occurredAt: ind.occurredAt,
    ruleId: rule.id,
    summary: phrase,
    values,
  };
  fire(state, rule, t, phrase, [ev]);
  return true;
}

/** Advances, starts or expires the rule's partial matches; false when nothing changed. */
function applySequence(
  state: SubjectState,
  rule: CompiledSequenceRule,
  ind: FraudIndicator,
  t: number,
  ctx: EvalContext,
): boolean {
  const n = rule.steps.length;
  const runs: (SequenceRun | null)[] = state.seq[rule.id] ?? new Array<SequenceRun | null>(n - 1).fill(null);
  let changed = false;
  // Drop runs whose time is up.
  for (let k = 0; k < runs.length; k++) {
    const r = runs[k];
    if (r != null && t - r.s > rule.withinMs) {
      runs[k] = null;
      changed = true;
    }
  }
  let evidence: Evidence | undefined;
  // Highest step first, so one indicator advances a run by one step at most.
  for (let k = n - 1; k >= 1; k--) {
    const prev = runs[k - 1];
    if (prev == null) continue;
    const step = rule.steps[k];
    if (step === undefined || step.kind !== ind.kind || !step.test(ctx)) continue;
    evidence ??= evidenceOf(ctx);
    const advanced: SequenceRun = { s: prev.s, ev: [...prev.ev, evidence] };
    changed = true;
    if (k === n - 1) {
      const spanMin = Math.max(1, Math.ceil((t - prev.s) / 60_000));
      const phrase =
        rule.fill !== undefined
          ? rule.fill({
              ...templateOf(ctx),
              spanMin,
              count: n,
            })
          : {
              zh: `${spanMin} 分钟内依次出现：${advanced.ev.map((e) => e.summary.zh).join('，')}`,
              en: `within ${spanMin} min, in order: ${advanced.ev.map((e) => e.summary.en).join('; ')}`,
            };
      fire(state, rule, t, phrase, advanced.ev);
      runs[k - 1] = null; // consumed
    } else {
      const cur = runs[k];
      if (cur == null || cur.s <= advanced.s) runs[k] = advanced;
    }
  }
  const first = rule.steps[0];
  if (first !== undefined && first.kind === ind.kind && first.test(ctx)) {
    evidence ??= evidenceOf(ctx);
    runs[0] = { s: t, ev: [evidence] };
    changed = true;
  }
  if (runs.some(isRun)) state.seq[rule.id] = runs;
  else delete state.seq[rule.id];
  return changed;
}

/**
 * Applies one indicator to the state. Returns false when it changed nothing that scoring uses (no
 * rule fired, no window counted it, no sequence moved, same grid cell and location): a subject with
 * no state need not get one for it, since processing the indicator again would change nothing either.
 */
function applyIndicator(c: CompiledRuleSet, state: SubjectState, ind: FraudIndicator, t: number): boolean {
  let changed = false;
  if (ind.gridCellId !== undefined && ind.gridCellId !== state.grid) {
    state.grid = ind.gridCellId;
    changed = true;
  }
  if (
    ind.location !== undefined &&
    (state.loc?.lat !== ind.location.lat || state.loc?.lon !== ind.location.lon)
  ) {
    state.loc = ind.location;
    changed = true;
  }
  const listed = listStatus(c, ind);
  if (listed === 'allow') return changed;
  if (listed === 'deny') {
    changed = true;
    const ev = indicatorEvidence(ind, [], DENY_RULE_ID);
    fire(
      state,
      {
        id: DENY_RULE_ID,
        name: 'Deny-listed number, payee or app',
        fraudType: 'other',
        weight: 0,
        order: -1,
      },
      t,
      { zh: `黑名单命中：${ev.summary.zh}`, en: `deny-listed: ${ev.summary.en}` },
      [...(state.fired[DENY_RULE_ID]?.ev ?? []), ev],
    );
  }
  const rules = c.byKind.get(ind.kind);
  if (rules === undefined) return changed;
  const ctx = new EvalContext(ind, c.keywordSets);
  const guard = c.textGuards.get(ind.kind);
  // Only the rules that can hold, in order: not those whose first condition reads a text the
  // indicator lacks, nor those whose first condition cannot hold on its text (known per text).
  const run = guard === undefined ? undefined : rulesToRun(guard, ind);
  const count = run === undefined ? rules.length : run.length;
  for (let k = 0; k < count; k++) {
    const rule = rules[run === undefined ? k : (run[k] as number)] as CompiledRule;
    switch (rule.kind) {
      case 'match':
        if (rule.when.test(ctx)) {
          const ev = evidenceOf(ctx);
          const phrase = rule.fill !== undefined ? filledPhrase(ctx, rule.fill) : ev.summary;
          fireAgain(state, rule, t, phrase, ev);
          changed = true;
        }
        break;
      case 'window':
        if (rule.when.test(ctx) && applyWindow(state, rule, ind, t, ctx)) changed = true;
        break;
      case 'sequence':
        if (applySequence(state, rule, ind, t, ctx)) changed = true;
        break;
      default: {
        const never: never = rule;
        throw new UnreachableError('rule kind', never);
      }
    }
  }
  return changed;
}

export interface Assessment {
  readonly score: number;
  readonly level: AlertLevel | undefined;
  readonly fraudType: FraudType;
  readonly fired: readonly [string, FiredState][];
}

function byFirstFiring(a: [string, FiredState], b: [string, FiredState]): number {
  return a[1].first - b[1].first || a[1].order - b[1].order;
}

/** Score, level and fraud type from the rules fired in the current episode. */
export function assess(c: CompiledRuleSet, state: SubjectState): Assessment {
  // Object.entries sorted (stably) by first firing: for-in lists a plain object's own keys in the
  // same order, and an insertion sort of the few fired rules gives the same order as a stable sort
  // without the sort's temporary arrays (this runs twice per indicator in a backtest).
  const fired: [string, FiredState][] = [];
  for (const id in state.fired) {
    const entry: [string, FiredState] = [id, state.fired[id] as FiredState];
    let j = fired.length;
    while (j > 0 && byFirstFiring(fired[j - 1] as [string, FiredState], entry) > 0) {
      fired[j] = fired[j - 1] as [string, FiredState];
      j--;
    }
    fired[j] = entry;
  }
  let raw = 0;
  // The type votes, in the order the types first vote (as a Map would keep them).
  let types: FraudType[] | undefined;
  let votes: number[] | undefined;
  for (let i = 0; i < fired.length; i++) {
    const [id, f] = fired[i] as [string, FiredState];
    raw += f.weight;
    // The type vote: a rule's typeWeight when it has one (e.g. the model sure of the script, weight
    // 0), else its weight when positive.
    const vote = f.tw ?? Math.max(0, f.weight);
    if (id !== DENY_RULE_ID && vote > 0 && f.fraudType !== 'other') {
      types ??= [];
      votes ??= [];
      const k = types.indexOf(f.fraudType);
      if (k < 0) {
        types.push(f.fraudType);
        votes.push(vote);
      } else votes[k] = (votes[k] as number) + vote;
    }
  }
  const score = Math.max(0, raw);
  let level = levelFor(score, c.levels);
  if (
    state.fired[DENY_RULE_ID] !== undefined &&
    (level === undefined || levelRank(level) < levelRank(c.denyLevel))
  ) {
    level = c.denyLevel;
  }
  let fraudType: FraudType = 'other';
  let best = 0;
  if (types !== undefined && votes !== undefined) {
    for (let k = 0; k < types.length; k++) {
      const w = votes[k] as number;
      if (w > best) {
        best = w;
        fraudType = types[k] as FraudType;
      }
    }
  }
  return { score, level, fraudType, fired };
}

/** What an alert shows of the firings alone: the same for any version whose alert is built on them. */
interface FiringsShown {
  readonly fired: readonly [string, FiredState][];
  readonly rulesFired: FiredRule[];
  readonly evidence: Evidence[];
  readonly reason: BilingualText;
}

/**
 * The firings as {@link buildAlert} last showed them within one {@link scorePaired} call (unset
 * outside it): the second version's alert on the same firings (same rules, same firing objects,
 * unchanged between the two) shows them alike, so it takes the first one's parts (arrays and texts
 * that no one changes) instead of making its own copies, which a resident would keep until its next
 * revision.
 */
let pairedShown: FiringsShown | undefined;

function sameFirings(a: readonly [string, FiredState][], b: readonly [string, FiredState][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as [string, FiredState];
    const y = b[i] as [string, FiredState];
    if (x[0] !== y[0] || x[1] !== y[1]) return false;
  }
  return true;
}

function buildAlert(
  c: CompiledRuleSet,
  subjectId: string,
  state: SubjectState,
  a: AlertState,
  assessment: Assessment,
  memo = false,
): Alert {
  let shown = memo ? pairedShown : undefined;
  if (shown === undefined || !sameFirings(shown.fired, assessment.fired)) {
    shown = showFirings(assessment.fired);
    if (memo) pairedShown = shown;
  }
  const script = c.scripts[assessment.fraudType] ??
    DEFAULT_SCRIPTS[assessment.fraudType] ?? { zh: '', en: '' };
  const alert: Alert = {
    version: 1,
    alertId: a.id,
    revision: a.rev,
    subjectId,
    status: a.status,
    level: a.level,
    score: a.score,
    fraudType: assessment.fraudType,
    raisedAt: iso(a.raisedAt),
    updatedAt: iso(a.updatedAt),
    ruleSetId: c.ruleSetId,
    ruleSetVersion: c.ruleSetVersion,
    rulesFired: shown.rulesFired,
    evidence: shown.evidence,
    reason: shown.reason,
    script,
  };
  if (state.loc !== undefined) alert.location = state.loc;
  if (state.grid !== undefined) alert.gridCellId = state.grid;
  return alert;
}

function showFirings(fired: readonly [string, FiredState][]): FiringsShown {
  const rulesFired: FiredRule[] = fired.map(([ruleId, f]) => ({
    ruleId,
    name: f.name,
    fraudType: f.fraudType,
    weight: f.weight,
    firedAt: iso(f.at),
  }));
  // Several rules often fire on the same indicator (an SMS hits a few keyword rules): show each
  // piece of evidence and each phrase once.
  const evidence: Evidence[] = [];
  const seenEvidence = new Set<string>();
  for (const [ruleId, f] of fired) {
    for (const e of f.ev) {
      const key = `${e.kind}\u0000${e.eventId}\u0000${e.summary.en}`;
      if (seenEvidence.has(key)) continue;
      seenEvidence.add(key);
      evidence.push(withRuleId(e, ruleId));
    }
  }
  const phrases: BilingualText[] = [];
  const seenPhrases = new Set<string>();
  for (const [, f] of fired) {
    const phrase = phraseOf(f);
    const key = `${phrase.zh}\u0000${phrase.en}`;
    if (seenPhrases.has(key)) continue;
    seenPhrases.add(key);
    phrases.push(phrase);
  }
  return {
    fired,
    rulesFired,
    evidence: evidence.slice(-MAX_EVIDENCE),
    reason: {
      zh: phrases
        .map((p) => p.zh)
        .join('；')
        .slice(0, 4000),
      en: phrases
        .map((p) => p.en)
        .join('; ')
        .slice(0, 4000),
    },
  };
}

/** Closes the open alert (expiry or outcome): one more revision with status closed. */
function closeAlert(a: AlertState, t: number, causedBy: string[]): Alert {
  a.rev += 1;
  a.status = 'closed';
  a.updatedAt = Math.max(t, a.updatedAt);
  a.causedBy = causedBy;
  a.last = { ...a.last, revision: a.rev, status: 'closed', updatedAt: iso(a.updatedAt) };
  return a.last;
}

/** Drops window buckets, runs and firings older than the rule set cares about. */
function prune(c: CompiledRuleSet, state: SubjectState): void {
  const now = state.lastT;
  // When every entry of `fired` or `win` goes, the record is replaced by a new empty one instead of
  // deleting its keys one by one: a deleted key turns the object into a hash table (V8's dictionary
  // mode), which every later `for…in` copies its keys out of and every new key may grow. Most
  // residents' firings and windows are all dropped at their next indicator (a day or more later).
  if (state.alert?.status !== 'open') {
    const cutoff = now - c.alertTtlMs;
    let kept = 0;
    let stale = 0;
    for (const id in state.fired) {
      if ((state.fired[id] as FiredState).at < cutoff) stale++;
      else kept++;
    }
    if (stale > 0) {
      if (kept === 0) state.fired = {};
      else {
        for (const id in state.fired) if ((state.fired[id] as FiredState).at < cutoff) delete state.fired[id];
      }
    }
  }
  let kept = 0;
  let emptied = 0;
  for (const id in state.win) {
    const ws = state.win[id] as WindowState;
    const rule = c.windowRules.get(id);
    if (rule === undefined) {
      emptied++; // the rule left the rule set
      continue;
    }
    if (ws.g !== rule.bucketMs) fitToRule(ws, rule);
    evictBefore(ws, now - rule.windowMs);
    if (ws.b.length === 0) emptied++;
    else kept++;
  }
  if (emptied > 0) {
    if (kept === 0) state.win = {};
    else {
      for (const id in state.win) {
        if (!c.windowRules.has(id) || (state.win[id] as WindowState).b.length === 0) delete state.win[id];
      }
    }
  }
}

/**
 * Applies one subject's indicators (in partition order) to its state. Takes ownership of `prev`.
 * Emits at most one new revision of the subject's alert per call (plus the close of an expired one),
 * or re-sends the last revision when an indicator that caused it is delivered again and the call
 * makes no newer revision of that alert.
 *
 * An indicator is a redelivery when its position (`positions[i]`, e.g. partition and offset) is at or
 * below the subject's last processed one, or when its event id is in the seen-set.
 */
export function scoreSubject(
  c: CompiledRuleSet,
  subjectId: string,
  prev: SubjectState | undefined,
  indicators: readonly FraudIndicator[],
  positions?: readonly (StreamPosition | undefined)[],
): ScoreResult {
  const state = prev ?? emptyState();
  const alerts: Alert[] = [];
  const causes: string[] = [];
  const fresh: string[] = [];
  // Most calls carry one indicator of the subject: the set of this call's ids is made on the second.
  let freshIds: Set<string> | undefined;
  let duplicates = 0;
  let changed = false;
  let resendCause: string | undefined;
  // Plain loops and module-level helpers on this path: tsx (esbuild keepNames) names every closure
  // it creates, which costs more than the closure.
  for (let i = 0; i < indicators.length; i++) {
    const ind = indicators[i] as FraudIndicator;
    const position = positions?.[i];
    if (fresh.length > 0 && freshIds === undefined) freshIds = new Set(fresh);
    if (
      atOrBelowPosition(state, position) ||
      wasSeen(state, ind.eventId) ||
      freshIds?.has(ind.eventId) === true
    ) {
      duplicates++;
      if (state.alert?.causedBy.includes(ind.eventId)) resendCause = ind.eventId;
      continue;
    }
    const parsed = Date.parse(ind.occurredAt);
    const t = Number.isNaN(parsed) ? state.lastT : parsed;
    const a = state.alert;
    if (a?.status === 'open' && t - a.updatedAt > c.alertTtlMs) {
      // Not upgraded for alertTtlMin: the episode is over.
      alerts.push(closeAlert(a, a.updatedAt + c.alertTtlMs, [ind.eventId]));
      causes.push(ind.eventId);
      state.fired = {};
      changed = true;
    }
    if (t > state.lastT) state.lastT = t;
    if (applyIndicator(c, state, ind, t)) changed = true;
    remember(state, ind.eventId, t, state.lastT - c.horizonMs);
    advancePosition(state, position);
    fresh.push(ind.eventId);
    freshIds?.add(ind.eventId);
  }
  if (fresh.length > 0 && scoreEpisode(c, subjectId, state, fresh, alerts, causes)) changed = true;
  // A redelivered indicator caused the last revision, which may never have reached the broker: send
  // it again unless this call made a newer revision of the same alert.
  const a = state.alert;
  if (resendCause !== undefined && a !== undefined && !alerts.some((x) => x.alertId === a.id)) {
    alerts.push(a.last);
    causes.push(resendCause);
  }
  return { state, alerts, causes, duplicates, changed: changed || (prev !== undefined && fresh.length > 0) };
}

/** Largest weight summed without `assess`'s order: sums of such integers are exact in any order. */
const EXACT_WEIGHT = 2 ** 40;

/**
 * Whether the firings reach no level, as `assess` would find (its score is the sum of the weights,
 * taken in the order of first firing): true only when sure, i.e. no deny-listed firing and every
 * weight an integer small enough that the sum is the same in any order.
 */
function reachesNoLevel(c: CompiledRuleSet, state: SubjectState): boolean {
  if (state.fired[DENY_RULE_ID] !== undefined) return false;
  let raw = 0;
  for (const id in state.fired) {
    const w = (state.fired[id] as FiredState).weight;
    if (!Number.isInteger(w) || Math.abs(w) > EXACT_WEIGHT) return false;
    raw += w;
  }
  return levelFor(Math.max(0, raw), c.levels) === undefined;
}

/**
 * After fresh indicators: prunes (unless `pruned`: the caller knows pruning would change nothing),
 * assesses, and raises or upgrades the subject's alert. Returns whether it made a revision.
 */
function scoreEpisode(
  c: CompiledRuleSet,
  subjectId: string,
  state: SubjectState,
  fresh: readonly string[],
  alerts: Alert[],
  causes: string[],
  pruned = false,
  paired = false,
): boolean {
  if (!pruned) prune(c, state);
  // Without an open alert, only firings that reach a level raise one: most indicators' (the score
  // of an ordinary resident's few firings) do not, which the weights' sum tells without `assess`.
  if (state.alert?.status !== 'open' && reachesNoLevel(c, state)) return false;
  const assessment = assess(c, state);
  const now = state.lastT;
  const a = state.alert;
  if (a?.status === 'open') {
    const newRules = assessment.fired.some(([id]) => !a.rules.includes(id));
    const level =
      assessment.level !== undefined && levelRank(assessment.level) > levelRank(a.level)
        ? assessment.level
        : a.level;
    if (newRules || level !== a.level || assessment.score !== a.score) {
      a.rev += 1;
      a.level = level;
      a.score = assessment.score;
      a.updatedAt = Math.max(now, a.updatedAt);
      a.rules = assessment.fired.map(([id]) => id);
      a.causedBy = fresh.slice(-64);
      a.last = buildAlert(c, subjectId, state, a, assessment, paired);
      alerts.push(a.last);
      causes.push(fresh.at(-1) as string);
      return true;
    }
    return false;
  }
  if (assessment.level !== undefined && !(state.cooldownUntil !== undefined && now < state.cooldownUntil)) {
    const episodeStart = Math.min(...assessment.fired.map(([, f]) => f.first));
    const next: AlertState = {
      id: `al-${subjectId}-${Math.floor(episodeStart / 1000)}`,
      rev: 1,
      status: 'open',
      level: assessment.level,
      score: assessment.score,
      raisedAt: now,
      updatedAt: now,
      rules: assessment.fired.map(([id]) => id),
      causedBy: fresh.slice(-64),
      last: undefined as unknown as Alert, // set just below
    };
    if (next.id === a?.id) next.id = `${next.id}-${a.rev + 1}`;
    next.last = buildAlert(c, subjectId, state, next, assessment, paired);
    state.alert = next;
    alerts.push(next.last);
    causes.push(fresh.at(-1) as string);
    return true;
  }
  return false;
}

/**
 * Applies an outcome label: closes the subject's open alert it names (one more revision, status
 * closed), forgets the episode's firings and starts the cooldown. A repeated label is a no-op,
 * except that the close it caused is re-sent.
 */
export function applyOutcome(
  c: CompiledRuleSet,
  prev: SubjectState | undefined,
  label: OutcomeLabel,
): { state: SubjectState; alerts: Alert[]; duplicate: boolean } {
  const state = prev ?? emptyState();
  if (wasSeen(state, label.eventId)) {
    const alerts = state.alert?.causedBy.includes(label.eventId) ? [state.alert.last] : [];
    return { state, alerts, duplicate: true };
  }
  const parsed = Date.parse(label.labelledAt);
  const t = Number.isNaN(parsed) ? state.lastT : parsed;
  if (t > state.lastT) state.lastT = t;
  remember(state, label.eventId, t, state.lastT - c.horizonMs);
  const alerts: Alert[] = [];
  const a = state.alert;
  if (a !== undefined && a.id === label.alertId) {
    if (a.status === 'open') alerts.push(closeAlert(a, t, [label.eventId]));
    state.fired = {};
    state.win = {};
    state.seq = {};
    state.cooldownUntil = Math.max(state.cooldownUntil ?? 0, t + c.cooldownMs);
  }
  return { state, alerts, duplicate: false };
}

/**
 * Whether two rule sets move a subject's rule state (windows, sequences, firings, seen ids) alike:
 * the same enabled rules, keyword sets, lists and text models, the same alert TTL and horizon. They
 * may differ in how firings become alerts: levels, deny level, cooldown, scripts, id and version (a
 * draft that only moves the thresholds). Two such versions can share one rule state per subject (see
 * {@link scorePaired}). False when unsure (e.g. the same rules written in another key order).
 */
export function sameRuleState(a: CompiledRuleSet, b: CompiledRuleSet): boolean {
  if (a === b) return true;
  if (a.alertTtlMs !== b.alertTtlMs || a.horizonMs !== b.horizonMs) return false;
  const ruleState = (c: CompiledRuleSet) =>
    JSON.stringify([
      c.source.rules.filter((r) => r.enabled !== false),
      c.source.keywordSets,
      c.source.lists,
      c.source.textModels ?? [],
    ]);
  return ruleState(a) === ruleState(b);
}

/** What one version keeps of a subject beside a shared rule state: its alert and cooldown. */
export interface AlertPart {
  readonly alert: AlertState | undefined;
  readonly cooldownUntil: number | undefined;
}

/** A subject's state under two versions with the same rule state (see {@link sameRuleState}). */
export interface PairedState {
  /** The rule state, without `alert` and `cooldownUntil` (they are in `a` and `b`). */
  readonly shared: SubjectState;
  readonly a: AlertPart;
  readonly b: AlertPart;
}

export type PairedResult =
  | {
      readonly kind: 'shared';
      readonly state: PairedState;
      readonly alertsA: readonly Alert[];
      readonly alertsB: readonly Alert[];
      /** Whether the state must be saved (the same for both versions, as `ScoreResult.changed`). */
      readonly changed: boolean;
    }
  | {
      /** The versions' rule states parted: each has its own state from now on. */
      readonly kind: 'split';
      readonly a: ScoreResult;
      readonly b: ScoreResult;
    };

/** A deep copy, as a store that keeps states as JSON would give back. */
export function copyState(state: SubjectState): SubjectState {
  return decodeState(encodeState(state));
}

/** The whole state of one version: the shared rule state (taken, or copied) with its alert part. */
export function withAlertPart(shared: SubjectState, part: AlertPart, copy: boolean): SubjectState {
  const s = copy ? copyState(shared) : shared;
  if (part.alert === undefined) delete s.alert;
  else s.alert = part.alert;
  if (part.cooldownUntil === undefined) delete s.cooldownUntil;
  else s.cooldownUntil = part.cooldownUntil;
  return s;
}

/** No alert and no cooldown (parts are never changed in place, so one object serves). */
const NO_ALERT_PART: AlertPart = { alert: undefined, cooldownUntil: undefined };

/** Takes the version's alert part back out of the state: `was` itself when it did not change. */
function takeAlertPart(state: SubjectState, was: AlertPart): AlertPart {
  const alert = state.alert;
  const cooldownUntil = state.cooldownUntil;
  delete state.alert;
  delete state.cooldownUntil;
  return alert === was.alert && cooldownUntil === was.cooldownUntil ? was : { alert, cooldownUntil };
}

function isOpen(p: AlertPart): boolean {
  return p.alert?.status === 'open';
}

/** The revision a redelivered indicator caused under a version, to send again (none when none). */
function resendOf(p: AlertPart, eventId: string): Alert[] {
  return p.alert?.causedBy.includes(eventId) ? [p.alert.last] : [];
}

/** Whether the version's open alert expires at `t` (not upgraded for its alert TTL). */
function expiresAt(p: AlertPart, c: CompiledRuleSet, t: number): boolean {
  return p.alert !== undefined && p.alert.status === 'open' && t - p.alert.updatedAt > c.alertTtlMs;
}

/**
 * One indicator scored by two versions with the same rule state (see {@link sameRuleState}) at the
 * cost of about one: the rules are applied once to the shared rule state, and each version then
 * decides its own alert. Gives what `scoreSubject` gives each version on its own state, as long as
 * the versions' alerts do not act on the rule state differently: when one version's open alert
 * expires (which forgets the firings) and the other's does not, or when pruning would forget old
 * firings for one version only (its alert is not open), the result is `split`, each version scored by
 * `scoreSubject` on its own copy. `prev` is taken over, as by `scoreSubject`. `occurredMs`: the
 * indicator's `Date.parse(occurredAt)` when the caller has it already.
 */
export function scorePaired(
  a: CompiledRuleSet,
  b: CompiledRuleSet,
  subjectId: string,
  prev: PairedState | undefined,
  ind: FraudIndicator,
  position: StreamPosition | undefined,
  occurredMs: number = Date.parse(ind.occurredAt),
): PairedResult {
  const shared = prev?.shared ?? emptyState();
  let pa: AlertPart = prev?.a ?? NO_ALERT_PART;
  let pb: AlertPart = prev?.b ?? NO_ALERT_PART;
  if (atOrBelowPosition(shared, position) || wasSeen(shared, ind.eventId)) {
    // A redelivery: nothing changes; each version re-sends the revision it caused, if any.
    return {
      kind: 'shared',
      state: { shared, a: pa, b: pb },
      alertsA: resendOf(pa, ind.eventId),
      alertsB: resendOf(pb, ind.eventId),
      changed: false,
    };
  }
  const t = Number.isNaN(occurredMs) ? shared.lastT : occurredMs;
  const expA = expiresAt(pa, a, t);
  const expB = expiresAt(pb, b, t);
  if (expA !== expB) {
    // One version's episode ends here (its firings are forgotten), the other's goes on.
    const sa = withAlertPart(shared, pa, true);
    const sb = withAlertPart(shared, pb, false);
    return {
      kind: 'split',
      a: scoreSubject(a, subjectId, sa, [ind], [position]),
      b: scoreSubject(b, subjectId, sb, [ind], [position]),
    };
  }
  const alertsA: Alert[] = [];
  const causesA: string[] = [];
  const alertsB: Alert[] = [];
  const causesB: string[] = [];
  let changed = false;
  if (expA) {
    // Both episodes are over (as in scoreSubject).
    const alertA = pa.alert as AlertState;
    const alertB = pb.alert as AlertState;
    alertsA.push(closeAlert(alertA, alertA.updatedAt + a.alertTtlMs, [ind.eventId]));
    causesA.push(ind.eventId);
    alertsB.push(closeAlert(alertB, alertB.updatedAt + b.alertTtlMs, [ind.eventId]));
    causesB.push(ind.eventId);
    shared.fired = {};
    changed = true;
  }
  if (t > shared.lastT) shared.lastT = t;
  if (applyIndicator(a, shared, ind, t)) changed = true;
  remember(shared, ind.eventId, t, shared.lastT - a.horizonMs);
  advancePosition(shared, position);
  const fresh = [ind.eventId];
  if (isOpen(pa) !== isOpen(pb)) {
    // Pruning forgets old firings only for a version whose alert is not open.
    const cutoff = shared.lastT - a.alertTtlMs;
    let stale = false;
    for (const id in shared.fired) if ((shared.fired[id] as FiredState).at < cutoff) stale = true;
    if (stale) {
      const sa = withAlertPart(shared, pa, true);
      const sb = withAlertPart(shared, pb, false);
      const revA = scoreEpisode(a, subjectId, sa, fresh, alertsA, causesA);
      const revB = scoreEpisode(b, subjectId, sb, fresh, alertsB, causesB);
      const was = prev !== undefined;
      return {
        kind: 'split',
        a: { state: sa, alerts: alertsA, causes: causesA, duplicates: 0, changed: changed || revA || was },
        b: { state: sb, alerts: alertsB, causes: causesB, duplicates: 0, changed: changed || revB || was },
      };
    }
  }
  withAlertPart(shared, pa, false);
  // The two episodes build their alerts on the same firings: the second takes what the first showed
  // of them (see `pairedShown`), forgotten after.
  pairedShown = undefined;
  const revA = scoreEpisode(a, subjectId, shared, fresh, alertsA, causesA, false, true);
  pa = takeAlertPart(shared, pa);
  withAlertPart(shared, pb, false);
  // Pruned already by `a`'s episode, which has the same windows and alert TTL: the windows are
  // evicted to the same time, and the firings pruning would drop for `b` (its alert not open) were
  // dropped for `a` too (its alert not open either) or there are none (checked just above).
  const revB = scoreEpisode(b, subjectId, shared, fresh, alertsB, causesB, true, true);
  pairedShown = undefined;
  pb = takeAlertPart(shared, pb);
  // A version raises an alert only on firings, which a subject without a state gets from this very
  // indicator (then `changed` is already true): both versions save, or neither.
  return {
    kind: 'shared',
    // The previous paired state when neither alert part changed (it holds `shared` already).
    state: prev !== undefined && prev.a === pa && prev.b === pb ? prev : { shared, a: pa, b: pb },
    alertsA,
    alertsB,
    changed: changed || revA || revB || prev !== undefined,
  };
}
