import { describe, expect, it } from 'vitest';
import { BatchGroup } from './batch-group.ts';

describe('group commit of partition batches', () => {
  it('batches submitted together run together, in order; later ones in the next run', async () => {
    const runs: string[][] = [];
    let release: () => void = () => undefined;
    const first = new Promise<void>((r) => {
      release = r;
    });
    const group = new BatchGroup<string>(async (items) => {
      runs.push([...items]);
      if (runs.length === 1) await first;
    });
    const a = group.submit(['a1', 'a2']);
    const b = group.submit(['b1']);
    await new Promise((r) => setImmediate(r));
    // The first run is in flight: these wait for it, then go together.
    const c = group.submit(['c1']);
    const d = group.submit(['d1', 'd2']);
    release();
    await Promise.all([a, b, c, d]);
    expect(runs).toEqual([
      ['a1', 'a2', 'b1'],
      ['c1', 'd1', 'd2'],
    ]);
  });

  it('a failed run is run again one batch at a time: only the batch that fails gets the error', async () => {
    const runs: string[][] = [];
    const group = new BatchGroup<string>(async (items) => {
      runs.push([...items]);
      if (items.includes('poison')) throw new Error('poison');
    });
    const good = group.submit(['g1', 'g2']);
    const bad = group.submit(['poison']);
    const other = group.submit(['o1']);
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow('poison');
    await expect(other).resolves.toBeUndefined();
    expect(runs).toEqual([['g1', 'g2', 'poison', 'o1'], ['g1', 'g2'], ['poison'], ['o1']]);
  });
});
