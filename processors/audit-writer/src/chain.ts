/**
 * The audit log's chain as the writer holds it: the next `seq`, the last `hash`, and the event ids
 * of the last entries (a bounded window) so a repeated event is appended once. Pure: `plan` says
 * what to append without changing anything, `apply` moves on once those entries are committed, so
 * a failed transaction leaves the state as it was.
 */
import { createHash } from 'node:crypto';
import { AUDIT_GENESIS_HASH, type AuditEvent, type AuditLogEntry, auditHashInput } from '@fenghuo/contracts';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export interface ChainPlan {
  /** Entries to append, in order. */
  readonly entries: readonly AuditLogEntry[];
  /** Events left out because their id is already in the window (or earlier in the same plan). */
  readonly repeated: number;
}

export class AuditChain {
  private nextSeq = 0;
  private lastHash = AUDIT_GENESIS_HASH;
  /** Insertion-ordered, so the oldest id is dropped first. */
  private readonly recent = new Set<string>();

  /** @param window how many of the last entries' event ids are remembered */
  constructor(private readonly window: number) {
    if (!Number.isInteger(window) || window < 1)
      throw new RangeError(`window must be a positive integer: ${window}`);
  }

  /**
   * The chain continued from the last entries of the log (in log order, the newest last), or an
   * empty log. Only the last entry's `seq` and `hash` are trusted; `audit:verify` checks the rest.
   */
  static fromTail(tail: readonly AuditLogEntry[], window: number): AuditChain {
    const chain = new AuditChain(window);
    const last = tail.at(-1);
    if (last !== undefined) {
      chain.nextSeq = last.seq + 1;
      chain.lastHash = last.hash;
    }
    for (const entry of tail.slice(-window)) chain.remember(entry.event.eventId);
    return chain;
  }

  get seq(): number {
    return this.nextSeq;
  }

  get hash(): string {
    return this.lastHash;
  }

  plan(events: readonly AuditEvent[], appendedAt: string): ChainPlan {
    const entries: AuditLogEntry[] = [];
    const planned = new Set<string>();
    let seq = this.nextSeq;
    let prevHash = this.lastHash;
    let repeated = 0;
    for (const event of events) {
      if (this.recent.has(event.eventId) || planned.has(event.eventId)) {
        repeated++;
        continue;
      }
      planned.add(event.eventId);
      const hash = sha256Hex(auditHashInput(seq, prevHash, event));
      entries.push({ version: 1, seq, prevHash, hash, appendedAt, event });
      prevHash = hash;
      seq++;
    }
    return { entries, repeated };
  }

  /** The plan's entries are in the log: continue after them. */
  apply(plan: ChainPlan): void {
    const last = plan.entries.at(-1);
    if (last === undefined) return;
    if (plan.entries[0]!.seq !== this.nextSeq || plan.entries[0]!.prevHash !== this.lastHash)
      throw new Error(`plan starts at seq ${plan.entries[0]!.seq}, the chain is at ${this.nextSeq}`);
    for (const entry of plan.entries) this.remember(entry.event.eventId);
    this.nextSeq = last.seq + 1;
    this.lastHash = last.hash;
  }

  private remember(eventId: string): void {
    this.recent.delete(eventId);
    this.recent.add(eventId);
    if (this.recent.size > this.window) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
