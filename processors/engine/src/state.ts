/**
 * Per-subject scoring state: window entries, sequence progress, rules fired in the current episode,
 * the open alert and the cooldown. Serialised as compact JSON in one Redis key per subject.
 * Times are epoch milliseconds of the indicators' `occurredAt` (event time), so a replay scores the
 * same way as the live run.
 */
import type { Alert, AlertLevel, BilingualText, Evidence, FraudType } from '@fenghuo/contracts';

/** One indicator counted by a window rule. */
export interface WindowEntry {
  /** occurredAt, epoch ms */
  t: number;
  id: string;
  /** Summed number (`sum`) or counted value (`distinct`). */
  v?: number | string;
  /** Masked label (number, app, payee) for the explanation. */
  l?: string;
  /** A listed number / new payee, for the explanation. */
  f?: boolean;
}

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
  phrase: BilingualText;
  ev: Evidence[];
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

export interface SubjectState {
  ver: 1;
  /** Latest event time seen, epoch ms. */
  lastT: number;
  /** Recently processed event ids → event time; skips redelivered events. */
  seen: Record<string, number>;
  win: Record<string, WindowEntry[]>;
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
  return { ver: 1, lastT: 0, seen: {}, win: {}, seq: {}, fired: {} };
}

/** Most event ids remembered per subject for redelivery detection. */
export const MAX_SEEN = 512;
/** Most entries kept per window rule and subject (oldest dropped first). */
export const MAX_WINDOW_ENTRIES = 1000;
