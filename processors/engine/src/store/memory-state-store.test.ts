import { describe, expect, it } from 'vitest';
import { emptyState } from '../state.ts';
import { MemoryStateStore } from './memory-state-store.ts';

const state = (lastT: number) => ({ ...emptyState(), lastT });

describe('MemoryStateStore', () => {
  it('saves with compare-and-set, reporting only the writes that lost', async () => {
    const store = new MemoryStateStore();
    const opts = { ttlMs: 1_000, nowMs: 0 };
    expect(await store.load(['a'], 0)).toEqual(new Map([['a', { version: '0', state: undefined }]]));
    expect(await store.save([{ subjectId: 'a', expectedVersion: '0', state: state(1) }], opts)).toEqual(
      new Set(),
    );
    const lost = await store.save(
      [
        { subjectId: 'a', expectedVersion: '0', state: state(2) }, // stale
        { subjectId: 'b', expectedVersion: '0', state: state(3) },
      ],
      opts,
    );
    expect([...lost]).toEqual(['a']);
    const loaded = await store.load(['a', 'b'], 0);
    expect(loaded.get('a')).toEqual({ version: '1', state: state(1) });
    expect(loaded.get('b')?.version).toBe('1');
  });

  it('expires a state ttlMs after its last write, by the clock it is given', async () => {
    const store = new MemoryStateStore();
    await store.save([{ subjectId: 'a', expectedVersion: '0', state: state(1) }], {
      ttlMs: 100,
      nowMs: 1_000,
    });
    expect((await store.load(['a'], 1_099)).get('a')?.version).toBe('1');
    expect((await store.load(['a'], 1_100)).get('a')).toEqual({ version: '0', state: undefined });
    // A write expecting the expired version loses; one expecting "no state" wins.
    await store.save([{ subjectId: 'b', expectedVersion: '0', state: state(1) }], {
      ttlMs: 100,
      nowMs: 1_000,
    });
    const lost = await store.save(
      [
        { subjectId: 'b', expectedVersion: '1', state: state(2) },
        { subjectId: 'c', expectedVersion: '0', state: state(2) },
      ],
      { ttlMs: 100, nowMs: 5_000 },
    );
    expect([...lost]).toEqual(['b']);
  });

  it('sweeps expired states as time moves on, so long backtests stay bounded', async () => {
    const store = new MemoryStateStore();
    for (let i = 0; i < 1_000; i++) {
      await store.save([{ subjectId: `s${i}`, expectedVersion: '0', state: state(i) }], {
        ttlMs: 50,
        nowMs: i,
      });
    }
    expect(store.size).toBeLessThanOrEqual(51);
    expect(store.peek('s999').version).toBe('1');
  });
});
