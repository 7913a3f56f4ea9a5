/**
 * Scratch state for a backtest: each resident's state kept as the object the engine returned, in
 * this process only, thrown away with the run. It never touches Redis or the live states.
 *
 * Unlike the engine's `MemoryStateStore` it does not turn every state into JSON and back on each
 * save and load: the engine takes ownership of the state it loads and returns the state to save, so
 * handing the same object back is what a JSON round trip would give (a test checks that both stores
 * give the same alerts), at a fraction of the cost. States expire `ttlMs` after their last write by
 * the engine's clock (the events' own time in a backtest), as in Redis, and are swept oldest first,
 * so memory stays bounded on a month of history.
 */
import type { SaveOptions, StateStore, StateWrite, SubjectState, Versioned } from '@fenghuo/engine';

interface Entry {
  readonly version: number;
  readonly state: SubjectState;
  readonly expiresAt: number;
}

const NONE: Versioned = { version: '0', state: undefined };

export class ScratchStateStore implements StateStore {
  /** Insertion order = order of last write: the oldest writes are at the head. */
  private readonly entries = new Map<string, Entry>();

  /** Residents with a state (expired ones included until swept). */
  get size(): number {
    return this.entries.size;
  }

  async load(subjectIds: readonly string[], nowMs: number): Promise<Map<string, Versioned>> {
    const out = new Map<string, Versioned>();
    for (const id of subjectIds) {
      const e = this.entries.get(id);
      if (e === undefined) out.set(id, NONE);
      else if (e.expiresAt <= nowMs) {
        this.entries.delete(id);
        out.set(id, NONE);
      } else out.set(id, { version: String(e.version), state: e.state });
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
        state: w.state,
        expiresAt: nowMs + Math.max(1, ttlMs),
      });
    }
    for (const [id, e] of this.entries) {
      if (e.expiresAt > nowMs) break;
      this.entries.delete(id);
    }
    return lost;
  }
}
