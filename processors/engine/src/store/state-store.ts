/**
 * Where per-subject scoring state lives between batches. Reads and writes are batched (one call for
 * all of a batch's subjects) and writes are compare-and-set on a per-subject version, so an instance
 * fenced off by a rebalance cannot clobber the new owner's state: its write loses and it reloads.
 */
import type { SubjectState } from '../state.ts';

export interface Versioned {
  /** '0' when the subject has no state yet. */
  readonly version: string;
  readonly state: SubjectState | undefined;
}

export interface StateWrite {
  readonly subjectId: string;
  readonly expectedVersion: string;
  readonly state: SubjectState;
}

export interface SaveOptions {
  /** How long an untouched state is kept (the rule set's horizon plus a margin). */
  readonly ttlMs: number;
  /** The engine's clock, for stores that expire states themselves; Redis uses its own clock. */
  readonly nowMs: number;
}

/**
 * A successful write of a state with `expectedVersion` v stores it with version v + 1 (versions are
 * decimal strings; '0' is "no state").
 */
export interface StateStore {
  /** Current version and state of each subject; absent or expired subjects come back as version '0'. */
  load(subjectIds: readonly string[], nowMs: number): Promise<Map<string, Versioned>>;
  /** Writes every state whose version still matches; returns the subjects whose write lost. */
  save(writes: readonly StateWrite[], opts: SaveOptions): Promise<Set<string>>;
}
