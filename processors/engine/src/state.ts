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
  ev: Evidence[];
}

/** A rule that fired in the current episode (the most recent firing). */
export interface FiredState {
  /** First firing in this episode, epoch ms. */
  first: number;
  /** Latest firing, epoch ms. */
  at: number;
  weight: number;
  name: string;
  fraudType: FraudType;
  order: number;
  /** How the firing reads in the alert's reason; absent when it is the summary of the last `ev`. */
  phrase?: BilingualText;
  ev: Evidence[];
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
  return compareSeq(String(p.seq), state.pos[1]) <= 0;
}

/** Advances the last processed position (a position in another stream replaces it). */
export function advancePosition(state: SubjectState, p: StreamPosition | undefined): void {
  if (p === undefined) return;
  const seq = String(p.seq);
  if (state.pos === undefined || state.pos[0] !== p.stream || compareSeq(seq, state.pos[1]) > 0)
    state.pos = [p.stream, seq];
}

/** The JSON form: as {@link SubjectState}, with the seen-set as `[id, t]` pairs. */
interface StoredStateV2 extends Omit<SubjectState, 'seen'> {
  seen: [string, number][];
}

/** The first stored form (windows as raw entries, the seen-set as an object). */
interface StoredStateV1 extends Omit<SubjectState, 'ver' | 'seen' | 'win' | 'pos'> {
  ver: 1;
  seen: Record<string, number>;
  win: Record<string, { t: number; id: string; v?: number | string; l?: string; f?: boolean }[]>;
}

export function encodeState(state: SubjectState): string {
  const stored: StoredStateV2 = { ...state, seen: [...state.seen] };
  return JSON.stringify(stored);
}

export function decodeState(json: string): SubjectState {
  const raw = JSON.parse(json) as StoredStateV2 | StoredStateV1;
  if (raw.ver === 1) return fromV1(raw);
  return { ...raw, seen: new Map(raw.seen) };
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
