/**
 * Subject state in process memory with the same compare-and-set semantics as Redis, for backtests
 * over recorded history (and tests). States are kept as JSON, as in Redis, so a backtest scores
 * exactly what the live scorer would have read back. A state expires `ttlMs` after its last write by
 * the engine's clock (a backtest passes event time, so states expire as they would have live):
 * checked on every read, and swept from the oldest write on, so memory stays bounded on long runs.
 */
import { decodeState, encodeState } from '../state.ts';
import type { SaveOptions, StateStore, StateWrite, Versioned } from './state-store.ts';

interface Entry {
  readonly version: number;
  readonly json: string;
  readonly expiresAt: number;
}

export class MemoryStateStore implements StateStore {
  /** Insertion order = order of last write, so the oldest writes are at the head. */
  private readonly entries = new Map<string, Entry>();

  /** Number of subjects with a state (expired ones included until swept). */
  get size(): number {
    return this.entries.size;
  }

  /** A subject's stored version and state, as `load` would return it, without the clock check. */
  peek(subjectId: string): Versioned {
    const e = this.entries.get(subjectId);
    return e === undefined
      ? { version: '0', state: undefined }
      : { version: String(e.version), state: decodeState(e.json) };
  }

  async load(subjectIds: readonly string[], nowMs: number): Promise<Map<string, Versioned>> {
    const out = new Map<string, Versioned>();
    for (const id of subjectIds) {
      const e = this.entries.get(id);
      if (e !== undefined && e.expiresAt <= nowMs) this.entries.delete(id);
      out.set(id, this.peek(id));
    }
    return out;
  }

  async save(writes: readonly StateWrite[], { ttlMs, nowMs }: SaveOptions): Promise<Set<string>> {
    const lost = new Set<string>();
    for (const w of writes) {
      const cur = this.entries.get(w.subjectId);
      const version = cur === undefined || cur.expiresAt <= nowMs ? 0 : cur.version;
      if (String(version) !== w.expectedVersion) {
        lost.add(w.subjectId);
        continue;
      }
      this.entries.delete(w.subjectId);
      this.entries.set(w.subjectId, {
        version: version + 1,
        json: encodeState(w.state),
        expiresAt: nowMs + Math.max(1, ttlMs),
      });
    }
    this.sweep(nowMs);
    return lost;
  }

  /** Drops expired states from the head (oldest writes) until the first live one. */
  private sweep(nowMs: number): void {
    for (const [id, e] of this.entries) {
      if (e.expiresAt > nowMs) return;
      this.entries.delete(id);
    }
  }
}
