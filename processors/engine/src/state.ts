/**
 * Per-subject scoring state: windows, sequence progress, rules fired in the current episode, the open
 * alert, the cooldown, and what was already processed. Times are epoch milliseconds of the events'
 * `occurredAt` (event time), so a replay scores the same way as the live run.
 *
 * Every part is bounded, so a resident's state stays small and an indicator costs the same whatever
 * the resident's history: windows are aggregates (window.ts), sequences keep one run per step,
 * evidence is capped per rule, and the seen-set keeps at most {@link MAX_SEEN} ids for at most the
 * rule set's horizon, evicted oldest first in O(1). Stored as compact JSON (see `encodeState`).
 */
import type { Alert, AlertLevel, BilingualText, Evidence, FraudType } from '@fenghuo/contracts';
import { type Bucket, MAX_LABELS, MAX_RECENT, type WindowState } from './window.ts';

/** A partial match of a sequence rule: steps 0..k matched, the first at `s`. */
export interface SequenceRun {
  s: number;
  /** As `FiredState.ev`: evidence without a rule id is the sequence rule's. */
  ev: Evidence[];
}

/** A rule that fired in the current episode (the most recent firing). */
export interface FiredState {
  /** First firing in this episode, epoch ms. */
  first: number;
  /** Latest firing, epoch ms. */
  at: number;
  weight: number;
  /** Weight in the vote for the alert's type, when it is not max(0, weight) (see `typeWeight`). */
  tw?: number;
  name: string;
  fraudType: FraudType;
  order: number;
  /** How the firing reads in the alert's reason; absent when it is the summary of the last `ev`. */
  phrase?: BilingualText;
  /**
   * Its last pieces of evidence, oldest first. A piece without `ruleId` is the indicator's evidence
   * as every rule that fired on it shares it (one object, not a copy per rule), and stands for this
   * rule's: {@link withRuleId} gives it as an alert shows it. Window figures carry their rule id.
   */
  ev: Evidence[];
}

/**
 * A firing's evidence as an alert shows it, with its rule id: `e` itself when it has one, else a copy
 * with `ruleId` (the key last, as a copy `{ ...e, ruleId }` gives it).
 */
export function withRuleId(e: Evidence, ruleId: string): Evidence {
  if (e.ruleId !== undefined) return e;
  // The object literal when `e` has the keys of the indicator's evidence (V8 runs the spread as a
  // generic copy): the same keys in the same order.
  if (e.values === undefined) return { ...e, ruleId };
  return {
    eventId: e.eventId,
    kind: e.kind,
    occurredAt: e.occurredAt,
    summary: e.summary,
    values: e.values,
    ruleId,
  };
}

/** The reason phrase of a fired rule. */
export function phraseOf(f: FiredState): BilingualText {
  return f.phrase ?? f.ev.at(-1)?.summary ?? { zh: '', en: '' };
}

export interface AlertState {
  id: string;
  rev: number;
  status: 'open' | 'closed';
  level: AlertLevel;
  score: number;
  raisedAt: number;
  updatedAt: number;
  rules: string[];
  /** Event ids (indicators or outcome) whose processing produced `last`; a redelivery re-emits it. */
  causedBy: string[];
  /** The last revision emitted, re-sent as is when its causing events are redelivered. */
  last: Alert;
}

/** Where an event sits in its ordered stream: a Kafka partition and offset, or a backtest's sequence. */
export interface StreamPosition {
  /** The stream (e.g. the partition number); positions in different streams are not compared. */
  readonly stream: string;
  /** Non-negative integer, increasing along the stream (a Kafka offset). */
  readonly seq: string | number;
}

export interface SubjectState {
  ver: 2;
  /** Latest event time seen, epoch ms. */
  lastT: number;
  /**
   * Last processed indicator position `[stream, seq]`: an indicator at or below it in the same
   * stream was processed (a subject's indicators all live on one partition).
   */
  pos?: [string, string];
  /** Recently processed event ids → event time, in processing order (oldest first). */
  seen: Map<string, number>;
  win: Record<string, WindowState>;
  /** Per sequence rule: slot k holds the best run that matched steps 0..k (latest start wins). */
  seq: Record<string, (SequenceRun | null)[]>;
  fired: Record<string, FiredState>;
  alert?: AlertState;
  /** No new alert before this time (epoch ms), set by an outcome. */
  cooldownUntil?: number;
  grid?: string;
  loc?: { lat: number; lon: number };
}

export function emptyState(): SubjectState {
  return { ver: 2, lastT: 0, seen: new Map(), win: {}, seq: {}, fired: {} };
}

/** Most event ids remembered per subject for redelivery detection (beyond the position). */
export const MAX_SEEN = 256;

/** Whether an event with this id was processed (and is still remembered). */
export function wasSeen(state: SubjectState, eventId: string): boolean {
  return state.seen.has(eventId);
}

/**
 * Remembers a processed event: evicts the oldest ids beyond {@link MAX_SEEN} and those older than
 * `cutoff` (event time), from the head, each in O(1).
 */
export function remember(state: SubjectState, eventId: string, t: number, cutoff: number): void {
  state.seen.set(eventId, t);
  while (state.seen.size > MAX_SEEN) {
    const oldest = state.seen.keys().next();
    if (oldest.done === true) break;
    state.seen.delete(oldest.value);
  }
  for (const [id, at] of state.seen) {
    if (at >= cutoff) break;
    state.seen.delete(id);
  }
}

/** Decimal integer strings compared as numbers. */
function compareSeq(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `p` is at or below the last processed position of the subject (a redelivery). */
export function atOrBelowPosition(state: SubjectState, p: StreamPosition | undefined): boolean {
  if (p === undefined || state.pos === undefined || state.pos[0] !== p.stream) return false;
  return compareSeq(typeof p.seq === 'string' ? p.seq : String(p.seq), state.pos[1]) <= 0;
}

/** Advances the last processed position (a position in another stream replaces it). */
export function advancePosition(state: SubjectState, p: StreamPosition | undefined): void {
  if (p === undefined) return;
  const seq = typeof p.seq === 'string' ? p.seq : String(p.seq);
  const pos = state.pos;
  if (pos === undefined || pos[0] !== p.stream) state.pos = [p.stream, seq];
  else if (compareSeq(seq, pos[1]) > 0) pos[1] = seq;
}

/** Evidence as stored: without `ruleId` when it is the id of the fired rule holding it. */
type StoredEvidence = Omit<Evidence, 'ruleId'> & { ruleId?: string };

/** Where stored evidence is: inline, or in `evs` (by index, with its rule id, or that of its fired rule). */
type EvidenceRef = Evidence | number | [index: number, ruleId: string];

type StoredAlert = Omit<AlertState, 'last'> & {
  last: Omit<Alert, 'evidence'> & { evidence: EvidenceRef[] };
};

/**
 * The JSON form: as {@link SubjectState}, with the seen-set as `[id, t]` pairs, and each piece of
 * indicator evidence stored once: an SMS that fires five keyword rules has five identical pieces of
 * evidence (but for their rule id), and the alert shows it again; they are kept as one entry of `evs`
 * and indexes into it.
 */
interface StoredStateV2 extends Omit<SubjectState, 'seen' | 'seq' | 'fired' | 'alert'> {
  seen: [string, number][];
  seq: Record<string, ({ s: number; ev: EvidenceRef[] } | null)[]>;
  fired: Record<string, Omit<FiredState, 'ev'> & { ev: EvidenceRef[] }>;
  alert?: StoredAlert;
  evs?: StoredEvidence[];
}

/** The first stored form (windows as raw entries, the seen-set as an object). */
interface StoredStateV1 extends Omit<SubjectState, 'ver' | 'seen' | 'win' | 'pos'> {
  ver: 1;
  seen: Record<string, number>;
  win: Record<string, { t: number; id: string; v?: number | string; l?: string; f?: boolean }[]>;
}

/** Collects indicator evidence into a table, each distinct piece once. */
class EvidenceTable {
  readonly evs: StoredEvidence[] = [];
  private readonly index = new Map<string, number>();
  /** Fired rules, sequence runs and the alert often hold the very same object. */
  private readonly byObject = new Map<Evidence, number>();

  /**
   * `owner`: the fired rule (or sequence) holding the evidence, whose id it need not repeat; evidence
   * without a rule id in a firing is the owner's (see `FiredState.ev`).
   */
  ref(e: Evidence, owner?: string): EvidenceRef {
    const ruleId = e.ruleId ?? owner;
    // Window figures are their rule's own; evidence of no rule stays inline too.
    if (e.kind === 'aggregate' || ruleId === undefined) return e;
    let i = this.byObject.get(e);
    if (i === undefined) {
      // One indicator's evidence is made from the indicator and the keywords that matched: it
      // differs between rules only by those keywords (and by window or sequence wording).
      const key = `${e.eventId}\u0000${e.kind}\u0000${String(e.values?.keywords)}\u0000${e.summary.en}`;
      i = this.index.get(key);
      if (i === undefined) {
        const { ruleId: _ruleId, ...shared } = e;
        i = this.evs.length;
        this.evs.push(shared);
        this.index.set(key, i);
      }
      this.byObject.set(e, i);
    }
    return ruleId === owner ? i : [i, ruleId];
  }
}

/** Stored evidence read back as the alert's (with its rule id, or that of its fired rule). */
function deref(r: EvidenceRef, evs: readonly StoredEvidence[], owner?: string): Evidence {
  if (typeof r === 'number') return { ...evs[r], ruleId: owner } as Evidence;
  if (Array.isArray(r)) return { ...evs[r[0]], ruleId: r[1] } as Evidence;
  return r;
}

/**
 * Stored evidence read back as a firing's or a sequence run's: the owner's (an index alone) is the
 * table's entry itself, shared by every firing and run holding it, as in memory (see
 * `FiredState.ev`).
 */
function derefOwned(r: EvidenceRef, evs: readonly StoredEvidence[]): Evidence {
  if (typeof r === 'number') return evs[r] as Evidence;
  if (Array.isArray(r)) return { ...evs[r[0]], ruleId: r[1] } as Evidence;
  return r;
}

export function encodeState(state: SubjectState): string {
  const table = new EvidenceTable();
  const fired: StoredStateV2['fired'] = {};
  for (const ruleId in state.fired) {
    const f = state.fired[ruleId] as FiredState;
    fired[ruleId] = { ...f, ev: f.ev.map((e) => table.ref(e, ruleId)) };
  }
  const seq: StoredStateV2['seq'] = {};
  for (const ruleId in state.seq) {
    seq[ruleId] = (state.seq[ruleId] ?? []).map((run) =>
      run === null ? null : { s: run.s, ev: run.ev.map((e) => table.ref(e, ruleId)) },
    );
  }
  const { alert, ...rest } = state;
  const stored: StoredStateV2 = { ...rest, seen: [...state.seen], seq, fired };
  if (alert !== undefined) {
    stored.alert = {
      ...alert,
      last: { ...alert.last, evidence: alert.last.evidence.map((e) => table.ref(e)) },
    };
  }
  if (table.evs.length > 0) stored.evs = table.evs;
  return JSON.stringify(stored);
}

export function decodeState(json: string): SubjectState {
  const raw = JSON.parse(json) as StoredStateV2 | StoredStateV1;
  if (raw.ver === 1) return fromV1(raw);
  const { evs = [], fired: storedFired, seq: storedSeq, seen, alert, ...rest } = raw;
  const seq: SubjectState['seq'] = {};
  for (const ruleId in storedSeq) {
    seq[ruleId] = (storedSeq[ruleId] ?? []).map((run) =>
      run === null ? null : { s: run.s, ev: run.ev.map((e) => derefOwned(e, evs)) },
    );
  }
  const fired: Record<string, FiredState> = {};
  for (const ruleId in storedFired) {
    const f = storedFired[ruleId] as StoredStateV2['fired'][string];
    fired[ruleId] = { ...f, ev: f.ev.map((e) => derefOwned(e, evs)) };
  }
  const state: SubjectState = { ...rest, seen: new Map(seen), seq, fired };
  if (alert !== undefined) {
    state.alert = {
      ...alert,
      last: { ...alert.last, evidence: alert.last.evidence.map((e) => deref(e, evs)) },
    };
  }
  return state;
}

/**
 * A first-form state: window entries become one bucket each at their exact time (width 1 ms), which
 * the rule re-buckets exactly on first use; the seen-set keeps its most recent ids.
 */
function fromV1(v1: StoredStateV1): SubjectState {
  const { ver: _ver, seen, win, ...rest } = v1;
  const ids = Object.entries(seen)
    .sort((a, b) => a[1] - b[1])
    .slice(-MAX_SEEN);
  const windows: Record<string, WindowState> = {};
  for (const [ruleId, entries] of Object.entries(win)) {
    const sorted = [...entries].sort((a, b) => a.t - b.t);
    const ws: WindowState = { g: 1, b: [], r: [], l: [] };
    for (const e of sorted) {
      const last = ws.b.at(-1);
      const sum = typeof e.v === 'number' ? e.v : 0;
      const flagged = e.f === true ? 1 : 0;
      if (last !== undefined && last[0] === e.t) {
        last[1] += 1;
        last[2] += sum;
        last[3] += flagged;
      } else ws.b.push([e.t, 1, sum, flagged, e.t] satisfies Bucket);
      ws.r.push([e.t, e.id]);
      if (e.l !== undefined) {
        ws.l = ws.l.filter(([l]) => l !== e.l);
        ws.l.push([e.l, e.t]);
      }
      if (e.v !== undefined) {
        ws.d ??= [];
        ws.d = ws.d.filter(([v]) => v !== e.v);
        ws.d.push([e.v, e.t]);
      }
    }
    ws.r = ws.r.slice(-MAX_RECENT);
    ws.l = ws.l.slice(-MAX_LABELS);
    windows[ruleId] = ws;
  }
  return { ...rest, ver: 2, seen: new Map(ids), win: windows };
}
