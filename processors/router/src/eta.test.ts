import type { DispatchCandidate } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { RankMemo } from './eta.ts';

/** A search over fixed ETAs (seconds by unit id; missing = unreachable), counting its calls. */
function fakeSearch(etas: Record<string, number>) {
  const calls: number[] = [];
  const over =
    (free: readonly { id: string }[]) =>
    (k: number): DispatchCandidate[] => {
      calls.push(k);
      return free
        .flatMap((u) => (etas[u.id] === undefined ? [] : [{ unitId: u.id, etaSec: etas[u.id] as number }]))
        .sort((a, b) => a.etaSec - b.etaSec)
        .slice(0, k);
    };
  return { calls, over };
}

const units = (...ids: string[]) => ids.map((id) => ({ id }));
const ids = (list: readonly DispatchCandidate[]) => list.map((c) => c.unitId);

describe('RankMemo: one search for the units a decision asks for at one place', () => {
  const etas = { a: 10, b: 20, c: 30, d: 40, e: 50, f: 60 };

  it('ranks `ahead` more and answers the next ask without the picked unit from them', () => {
    const memo = new RankMemo();
    const { calls, over } = fakeSearch(etas);
    const all = units('a', 'b', 'c', 'd', 'e', 'f');
    expect(ids(memo.rank('p', all, 3, 1, over(all)))).toEqual(['a', 'b', 'c']);
    const rest = units('b', 'c', 'd', 'e', 'f');
    expect(ids(memo.rank('p', rest, 3, 0, over(rest)))).toEqual(['b', 'c', 'd']);
    expect(calls).toEqual([4]);
    expect(memo.searches).toBe(1);
  });

  it('searches again when too few are left, a unit joined the free set, or the place differs', () => {
    const memo = new RankMemo();
    const { calls, over } = fakeSearch(etas);
    const all = units('a', 'b', 'c', 'd', 'e', 'f');
    memo.rank('p', all, 3, 0, over(all));
    const rest = units('b', 'c', 'd', 'e', 'f');
    // Only b and c of the ranked three are left: d was never ranked.
    expect(ids(memo.rank('p', rest, 3, 0, over(rest)))).toEqual(['b', 'c', 'd']);
    // g is new: the last ranking knows nothing of it.
    const more = units('b', 'c', 'd', 'g');
    const withG = fakeSearch({ ...etas, g: 1 });
    expect(ids(memo.rank('p', more, 3, 0, withG.over(more)))).toEqual(['g', 'b', 'c']);
    expect(ids(memo.rank('q', more, 3, 0, withG.over(more)))).toEqual(['g', 'b', 'c']);
    expect(calls).toEqual([3, 3]);
    expect(withG.calls).toEqual([3, 3]);
    expect(memo.searches).toBe(4);
  });

  it('a ranking that held every reachable unit answers any subset, however few are left', () => {
    const memo = new RankMemo();
    const { calls, over } = fakeSearch({ a: 10, b: 20 });
    // c is unreachable: two of the three come back, so the list is complete.
    const free = units('a', 'b', 'c');
    expect(ids(memo.rank('p', free, 3, 0, over(free)))).toEqual(['a', 'b']);
    expect(ids(memo.rank('p', units('b', 'c'), 3, 0, over(units('b', 'c'))))).toEqual(['b']);
    expect(ids(memo.rank('p', units('c'), 3, 0, over(units('c'))))).toEqual([]);
    expect(calls).toEqual([3]);
  });

  it('an empty free set is answered without a search', () => {
    const memo = new RankMemo();
    const { calls, over } = fakeSearch(etas);
    expect(memo.rank('p', [], 3, 0, over([]))).toEqual([]);
    expect(calls).toEqual([]);
    expect(memo.searches).toBe(0);
  });

  it('answers what a fresh search of the smaller set answers, for every subset', () => {
    const all = units('a', 'b', 'c', 'd', 'e', 'f');
    for (let mask = 0; mask < 1 << all.length; mask++) {
      const memo = new RankMemo();
      const { over } = fakeSearch(etas);
      memo.rank('p', all, 3, 2, over(all));
      const sub = all.filter((_, i) => (mask >> i) & 1);
      const fresh = fakeSearch(etas).over(sub)(3);
      expect(memo.rank('p', sub, 3, 0, over(sub))).toEqual(fresh);
    }
  });
});
