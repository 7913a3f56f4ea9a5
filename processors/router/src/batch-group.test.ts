import { describe, expect, it } from 'vitest';
import { BatchGroup } from './batch-group.ts';

const done = { durable: Promise.resolve() };

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
      return done;
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
      return done;
    });
    const good = group.submit(['g1', 'g2']);
    const bad = group.submit(['poison']);
    const other = group.submit(['o1']);
    await expect(good).resolves.toBeDefined();
    await expect(bad).rejects.toThrow('poison');
    await expect(other).resolves.toBeDefined();
    expect(runs).toEqual([['g1', 'g2', 'poison', 'o1'], ['g1', 'g2'], ['poison'], ['o1']]);
  });

  it('without overlap, submit resolves only once the run is durable', async () => {
    let publish: () => void = () => undefined;
    const published = new Promise<void>((r) => {
      publish = r;
    });
    const group = new BatchGroup<string>(async () => ({ durable: published }), 0);
    let resolved = false;
    const a = group.submit(['a']).then((o) => {
      resolved = true;
      return o.durable;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(false);
    publish();
    await a;
    expect(resolved).toBe(true);
  });

  it('with overlap 1, the next run decides while one publishes, and waits when two would', async () => {
    const events: string[] = [];
    const publishes: (() => void)[] = [];
    const group = new BatchGroup<string>(async (items) => {
      events.push(`decide ${items.join(',')}`);
      const durable = new Promise<void>((r) => publishes.push(r));
      return { durable: durable.then(() => void events.push(`published ${items.join(',')}`)) };
    }, 1);
    const tick = () => new Promise((r) => setTimeout(r, 10));
    const a = await group.submit(['a']);
    // a is still publishing: b is decided and handed back all the same.
    const b = await group.submit(['b']);
    expect(events).toEqual(['decide a', 'decide b']);
    // a and b publishing: c waits for a.
    const c = group.submit(['c']);
    await tick();
    expect(events).toEqual(['decide a', 'decide b']);
    publishes[0]?.();
    await a.durable;
    const cOutcome = await c;
    expect(events).toEqual(['decide a', 'decide b', 'published a', 'decide c']);
    publishes[1]?.();
    publishes[2]?.();
    await Promise.all([b.durable, cOutcome.durable]);
  });

  it('a run whose publish fails hands the failure to every batch of the run through its durable', async () => {
    const group = new BatchGroup<string>(
      async () => ({ durable: Promise.reject(new Error('broker down')) }),
      1,
    );
    const [x, y] = await Promise.all([group.submit(['x']), group.submit(['y'])]);
    expect(x.durable).toBe(y.durable);
    await expect(x.durable).rejects.toThrow('broker down');
  });
});
