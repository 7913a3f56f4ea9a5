/**
 * A window rule's per-subject state as aggregates of bounded size, so adding an indicator and reading
 * the window's figures cost the same whatever the subject's history:
 *
 * - time buckets of `bucketMs` (1/60 of the window, at least one second) holding count, sum, how many
 *   entries were flagged (listed number, new payee) and the earliest time: count and sum are exact
 *   over whole buckets, and a window reaches back to the start of the bucket that holds `t − window`
 *   (at most one bucket further than `windowMin`);
 * - for `distinct`: the last-seen time of each value, the most recent `distinctCap` values only
 *   (above the rule's threshold, so whether the rule fires is exact; the figure shown is capped);
 * - the few recent entries and distinct masked labels the explanation shows.
 */

/** What the window functions need of a compiled window rule. */
export interface WindowRuleShape {
  readonly aggregate: 'count' | 'sum' | 'distinct';
  readonly windowMs: number;
  readonly bucketMs: number;
  readonly distinctCap: number;
}

/** `[start, count, sum, flagged, earliest t]` of one time bucket. */
export type Bucket = [start: number, count: number, sum: number, flagged: number, minT: number];

export interface WindowState {
  /** Bucket width (ms) these buckets were made with; re-bucketed when the rule's changes. */
  g: number;
  /** Buckets in order of start. */
  b: Bucket[];
  /** `distinct` windows: `[value, last seen]`, least recently seen first. */
  d?: [string | number, number][];
  /** The most recent entries, `[t, eventId]`, oldest first (the explanation lists their ids). */
  r: [number, string][];
  /** Distinct masked labels (numbers, apps, payees), `[label, last seen]`, least recently seen first. */
  l: [string, number][];
}

/** One indicator counted by a window rule. */
export interface WindowEntry {
  /** occurredAt, epoch ms */
  readonly t: number;
  readonly id: string;
  /** Summed number (`sum`) or counted value (`distinct`). */
  readonly v?: number | string;
  /** Masked label (number, app, payee) for the explanation. */
  readonly l?: string;
  /** A listed number or a new payee, for the explanation. */
  readonly f?: boolean;
}

/** The window's figures at one time, for the rule's test and its explanation. */
export interface WindowFigures {
  readonly count: number;
  readonly sum: number;
  readonly distinct: number;
  /** Earliest entry time counted. */
  readonly minT: number;
  /** Every counted entry was flagged. */
  readonly listed: boolean;
  /** Distinct labels in the window, at most {@link MAX_LABELS}. */
  readonly labels: readonly string[];
  /** Ids of the most recent entries in the window, oldest first, at most {@link MAX_RECENT}. */
  readonly eventIds: readonly string[];
}

/** Buckets per window: 60 across the window, plus the one it starts in. */
export const BUCKETS_PER_WINDOW = 60;
/** Hard cap on buckets kept (out-of-order and future times included); the oldest go first. */
export const MAX_BUCKETS = 2 * (BUCKETS_PER_WINDOW + 1);
/** Recent entries kept for the explanation's event ids. */
export const MAX_RECENT = 10;
/** Distinct labels kept for the explanation ("from 3 numbers"; it names at most 5). */
export const MAX_LABELS = 8;
const MIN_BUCKET_MS = 1_000;

/** Bucket width for a window: 1/60 of it, whole milliseconds, at least one second. */
export function bucketWidth(windowMs: number): number {
  return Math.max(MIN_BUCKET_MS, Math.ceil(windowMs / BUCKETS_PER_WINDOW));
}

/** Most distinct values kept for a `distinct` rule: enough to tell the threshold is passed. */
export function distinctCap(threshold: number): number {
  return Math.min(1_000, Math.max(16, Math.floor(threshold) + 2));
}

export function emptyWindow(g: number): WindowState {
  return { g, b: [], r: [], l: [] };
}

/**
 * Fits a window state made under other settings (another bucket width after a rule change, or a
 * first-form state) to the rule: re-buckets, and keeps distinct values only for `distinct`, capped.
 */
export function fitToRule(ws: WindowState, rule: WindowRuleShape): void {
  rebucket(ws, rule.bucketMs);
  if (rule.aggregate !== 'distinct') delete ws.d;
  else if (ws.d !== undefined && ws.d.length > rule.distinctCap)
    ws.d.splice(0, ws.d.length - rule.distinctCap);
}

/** Moves every bucket to the bucket of width `g` holding its start (exact for finer → coarser). */
export function rebucket(ws: WindowState, g: number): void {
  const merged: Bucket[] = [];
  for (const [start, count, sum, flagged, minT] of ws.b) {
    const s = Math.floor(start / g) * g;
    const last = merged.at(-1);
    if (last !== undefined && last[0] === s) {
      last[1] += count;
      last[2] += sum;
      last[3] += flagged;
      last[4] = Math.min(last[4], minT);
    } else merged.push([s, count, sum, flagged, minT]);
  }
  ws.g = g;
  ws.b = merged.slice(-MAX_BUCKETS);
}

/** Removes `key` from a small `[key, t]` list and appends it with `t` (kept as its latest time). */
function touch<K>(list: [K, number][], key: K, t: number, cap: number): void {
  let at = t;
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i] as [K, number];
    if (item[0] === key) {
      at = Math.max(at, item[1]);
      list.splice(i, 1);
      break;
    }
  }
  list.push([key, at]);
  if (list.length > cap) list.splice(0, list.length - cap);
}

/** Adds one entry; drops what can no longer be in a window ending at or after `e.t`. */
export function addToWindow(ws: WindowState, rule: WindowRuleShape, e: WindowEntry): void {
  if (ws.g !== rule.bucketMs) fitToRule(ws, rule);
  const g = ws.g;
  const start = Math.floor(e.t / g) * g;
  const sum = typeof e.v === 'number' ? e.v : 0;
  const flagged = e.f === true ? 1 : 0;
  // Entries mostly arrive in time order: look from the newest bucket back.
  let i = ws.b.length - 1;
  while (i >= 0 && (ws.b[i] as Bucket)[0] > start) i--;
  const at = ws.b[i];
  if (at !== undefined && at[0] === start) {
    at[1] += 1;
    at[2] += sum;
    at[3] += flagged;
    at[4] = Math.min(at[4], e.t);
  } else {
    ws.b.splice(i + 1, 0, [start, 1, sum, flagged, e.t]);
  }
  ws.r.push([e.t, e.id]);
  if (ws.r.length > MAX_RECENT) ws.r.shift();
  if (e.l !== undefined) touch(ws.l, e.l, e.t, MAX_LABELS);
  if (rule.aggregate === 'distinct' && e.v !== undefined) {
    ws.d ??= [];
    touch(ws.d, e.v, e.t, rule.distinctCap);
  }
  evictBefore(ws, e.t - rule.windowMs);
  if (ws.b.length > MAX_BUCKETS) ws.b.splice(0, ws.b.length - MAX_BUCKETS);
}

/** Drops buckets wholly before `from`, and recent entries, labels and values last seen before it. */
export function evictBefore(ws: WindowState, from: number): void {
  let n = 0;
  while (n < ws.b.length && (ws.b[n] as Bucket)[0] + ws.g <= from) n++;
  if (n > 0) ws.b.splice(0, n);
  // The small lists are ordered by time (nearly: out-of-order entries), so trim from the head.
  while (ws.r.length > 0 && (ws.r[0] as [number, string])[0] < from) ws.r.shift();
  while (ws.l.length > 0 && (ws.l[0] as [string, number])[1] < from) ws.l.shift();
  if (ws.d !== undefined) while (ws.d.length > 0 && (ws.d[0] as [unknown, number])[1] < from) ws.d.shift();
}

/**
 * The ends of the windows that hold an entry at `t`: `t` itself, and the earliest entry time of every
 * later bucket still within a window of `t`'s bucket. An entry that arrives after entries later than
 * it in event time (a source that retried a refused request, a partition's redelivery order) completes
 * those windows too, not only the one ending at `t`: a resident's three listed calls at 0, 4 and
 * 8 min arriving in the order 0, 8, 4 are three calls within 20 min all the same.
 */
export function windowEndsHolding(ws: WindowState, rule: WindowRuleShape, t: number): number[] {
  const own = Math.floor(t / ws.g) * ws.g;
  const ends = [t];
  for (const [start, , , , minT] of ws.b) {
    if (start > own && minT > t && minT < own + ws.g + rule.windowMs) ends.push(minT);
  }
  return ends;
}

/** The window `[t − windowMs, t]` at bucket granularity. */
export function windowFigures(ws: WindowState, rule: WindowRuleShape, t: number): WindowFigures {
  const from = t - rule.windowMs;
  let count = 0;
  let sum = 0;
  let flagged = 0;
  let minT = t;
  for (const [start, c, s, f, m] of ws.b) {
    if (start + ws.g <= from || start > t) continue;
    count += c;
    sum += s;
    flagged += f;
    if (m < minT) minT = m;
  }
  let distinct = 0;
  if (ws.d !== undefined) for (const [, at] of ws.d) if (at >= from) distinct++;
  const labels: string[] = [];
  for (const [label, at] of ws.l) if (at >= from && labels.length < MAX_LABELS) labels.push(label);
  const eventIds: string[] = [];
  for (const [at, id] of ws.r) if (at >= from && at <= t) eventIds.push(id);
  return { count, sum, distinct, minT, listed: count > 0 && flagged === count, labels, eventIds };
}
