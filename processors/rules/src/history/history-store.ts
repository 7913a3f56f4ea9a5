/**
 * Where changes are written: one change = the `rules.versions` event(s) that record it, the
 * `rules.sets` record(s) processors follow, and the audit events, built from an index that is
 * current and written so that two changes never get the same version number.
 */
import type { AuditEvent, RuleSet, RuleVersionEvent } from '@fenghuo/contracts';
import type { RuleHistory } from './rule-history.ts';

export interface ChangeSet<T> {
  /** Appended to `rules.versions`, in order. */
  readonly versions: readonly RuleVersionEvent[];
  /** Published on `rules.sets` after the history records them. */
  readonly ruleSets?: readonly RuleSet[];
  readonly audit: readonly AuditEvent[];
  /** What the caller gets back once the change is written and applied to the index. */
  readonly result: T;
}

export interface HistoryStore {
  /** The index; current as of the last change this instance waited for. */
  readonly history: RuleHistory;
  /**
   * Builds a change from the index brought up to date with every instance's writes, under the one
   * write lock, writes it, and resolves once the index has applied it (read your writes). `build`
   * may throw (not found, invalid, stale): then nothing is written.
   */
  change<T>(build: (history: RuleHistory) => ChangeSet<T>): Promise<T>;
  /** Audit events that change nothing (a refused call, a backtest started). */
  audit(events: readonly AuditEvent[]): Promise<void>;
}

/** In process, for unit tests: changes apply at once, one at a time. */
export class MemoryHistoryStore implements HistoryStore {
  readonly events: RuleVersionEvent[] = [];
  readonly published: RuleSet[] = [];
  readonly audited: AuditEvent[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly history: RuleHistory) {}

  change<T>(build: (history: RuleHistory) => ChangeSet<T>): Promise<T> {
    const run = this.queue.then(() => {
      const c = build(this.history);
      for (const e of c.versions) {
        this.events.push(e);
        this.history.apply(e);
      }
      for (const rs of c.ruleSets ?? []) {
        this.published.push(rs);
        this.history.observe(rs);
      }
      this.audited.push(...c.audit);
      return c.result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async audit(events: readonly AuditEvent[]): Promise<void> {
    this.audited.push(...events);
  }
}
