/** A state store for tests: counts round trips and can run a step before each save (to stage a race). */
import type { SaveOptions, StateStore, StateWrite, Versioned } from '../../src/index.ts';
import { MemoryStateStore } from '../../src/index.ts';

export class InstrumentedStore implements StateStore {
  loads = 0;
  saves = 0;
  /** Runs before each save reaches the inner store (e.g. another instance writing first). */
  beforeSave: ((writes: readonly StateWrite[]) => Promise<void>) | undefined;

  constructor(readonly inner: MemoryStateStore = new MemoryStateStore()) {}

  async load(subjectIds: readonly string[], nowMs: number): Promise<Map<string, Versioned>> {
    this.loads++;
    return this.inner.load(subjectIds, nowMs);
  }

  async save(writes: readonly StateWrite[], opts: SaveOptions): Promise<Set<string>> {
    this.saves++;
    await this.beforeSave?.(writes);
    return this.inner.save(writes, opts);
  }
}
