/**
 * Choosing checkpoints: each unit at most one junction, each junction at most one unit, at most
 * `maxCheckpoints` in all and `ringCaps[i]` in ring i, so as to maximise
 *
 *     routes covered + backstop × routes covered twice + keep × assignments kept from the last plan
 *
 * (maximum coverage, as in van Droffelaar et al.; the backstop term rewards an outer ring behind the
 * inner one, the keep term stops a re-plan moving units for nothing). Greedy is the floor; then
 * local search (move one assignment to any other unit and junction, swap two units' junctions) to a
 * local optimum, then iterated local search until the time or iteration budget is spent, each
 * iteration either a restart (one random unit at one of its strongest junctions, then greedy and
 * local search) or a kick (drop a third of the assignments, refill greedily with the other units
 * first, then with all, search again), keeping the best solution found.
 */
import { type CoverageInstance, popcount } from './coverage.ts';
import type { Rng } from './rng.ts';

export interface OptimiseOptions {
  readonly maxCheckpoints: number;
  /** Most checkpoints per ring (layer). */
  readonly ringCaps: readonly number[];
  /** Worth of a second checkpoint on a covered route. */
  readonly backstopWeight: number;
  /** Worth, in routes, of keeping a pair of the previous plan. */
  readonly keepBonus: number;
  /** Pair of the previous plan per unit (-1: none). */
  readonly previous?: Int32Array;
  /** `performance.now()` after which iterated local search stops. */
  readonly deadline: number;
  /** Most iterations of iterated local search. */
  readonly maxIterations: number;
}

export interface Solution {
  /** Pair per unit, -1 when unassigned. */
  readonly pairOfUnit: Int32Array;
  readonly value: number;
  /** Routes covered at least once. */
  readonly covered: number;
  /** Value of the plain greedy solution, for comparison. */
  readonly greedyValue: number;
  /** Routes the plain greedy solution covers at least once. */
  readonly greedyCovered: number;
  readonly iterations: number;
}

const EPS = 1e-9;

export function optimise(inst: CoverageInstance, options: OptimiseOptions, rng: Rng): Solution {
  const state = new SearchState(inst, options);
  state.greedy();
  const greedyValue = state.value();
  const greedyCovered = state.coveredCount();
  state.localSearch();
  // A search from the previous plan too: a re-plan that cannot beat it by the keep bonus keeps it.
  if (options.previous) {
    const fromPrevious = new SearchState(inst, options);
    options.previous.forEach((p) => {
      if (p >= 0 && fromPrevious.feasible(p)) fromPrevious.add(p);
    });
    fromPrevious.greedy();
    fromPrevious.localSearch();
    if (fromPrevious.value() > state.value() + EPS) state.load(fromPrevious.snapshot());
  }
  let best = state.snapshot();
  let bestValue = state.value();
  let iterations = 0;
  while (iterations < options.maxIterations && performance.now() < options.deadline) {
    iterations++;
    const assigned = state.assignedPairs();
    if (assigned.length === 0) break;
    if (iterations % 2 === 0) {
      // Restart from one of a random unit's strongest junctions, then greedy and local search.
      for (const p of assigned) state.remove(p);
      const u = rng.int(inst.unitCount);
      const own = strongest(inst, u, RESTART_CHOICES);
      if (own.length > 0) state.add(own[rng.int(own.length)] as number);
      state.greedy();
      state.localSearch();
      if (state.value() > bestValue + EPS) {
        best = state.snapshot();
        bestValue = state.value();
      } else {
        state.load(best);
      }
      continue;
    }
    const drop = Math.max(1, Math.floor(assigned.length / 3));
    const resting = new Set<number>();
    for (let i = 0; i < drop; i++) {
      const k = rng.int(assigned.length);
      const p = assigned[k] as number;
      assigned.splice(k, 1);
      state.remove(p);
      resting.add(inst.pairUnit[p] as number);
    }
    // Refill without the dropped units first (others take their place), then with everyone.
    state.greedy(resting);
    state.greedy();
    state.localSearch();
    if (state.value() > bestValue + EPS) {
      best = state.snapshot();
      bestValue = state.value();
    } else {
      state.load(best);
    }
  }
  state.load(best);
  return {
    pairOfUnit: best,
    value: state.value(),
    covered: state.coveredCount(),
    greedyValue,
    greedyCovered,
    iterations,
  };
}

/** Junctions a restart may begin a unit at: its strongest few. */
const RESTART_CHOICES = 12;

/** The `k` pairs of unit `u` covering most routes. */
function strongest(inst: CoverageInstance, u: number, k: number): number[] {
  const own: number[] = [];
  for (let p = 0; p < inst.pairUnit.length; p++) if (inst.pairUnit[p] === u) own.push(p);
  own.sort((a, b) => (inst.pairSize[b] as number) - (inst.pairSize[a] as number) || a - b);
  return own.slice(0, k);
}

/** Value of a fixed assignment (pairs), as {@link optimise} counts it. */
export function evaluate(inst: CoverageInstance, options: OptimiseOptions, pairs: readonly number[]): number {
  const s = new SearchState(inst, options);
  for (const p of pairs) s.add(p);
  return s.value();
}

class SearchState {
  readonly pairOfUnit: Int32Array;
  private readonly unitOfCand: Int32Array;
  private readonly ringCount: Int32Array;
  private chosen = 0;
  private readonly counts: Uint16Array;
  private readonly c1: Uint32Array;
  private readonly c2: Uint32Array;
  private kept = 0;

  constructor(
    private readonly inst: CoverageInstance,
    private readonly options: OptimiseOptions,
  ) {
    this.pairOfUnit = new Int32Array(inst.unitCount).fill(-1);
    this.unitOfCand = new Int32Array(inst.cands.node.length).fill(-1);
    this.ringCount = new Int32Array(Math.max(1, options.ringCaps.length));
    this.counts = new Uint16Array(inst.words * 32);
    this.c1 = new Uint32Array(inst.words);
    this.c2 = new Uint32Array(inst.words);
  }

  value(): number {
    let one = 0;
    let two = 0;
    for (let w = 0; w < this.inst.words; w++) {
      one += popcount(this.c1[w] as number);
      two += popcount(this.c2[w] as number);
    }
    return one + this.options.backstopWeight * two + this.options.keepBonus * this.kept;
  }

  coveredCount(): number {
    let one = 0;
    for (let w = 0; w < this.inst.words; w++) one += popcount(this.c1[w] as number);
    return one;
  }

  private isKept(p: number): boolean {
    const prev = this.options.previous;
    return prev !== undefined && prev[this.inst.pairUnit[p] as number] === p;
  }

  /** What adding pair `p` would add to the value. */
  gain(p: number): number {
    const { words, bits } = this.inst;
    const base = p * words;
    let one = 0;
    let two = 0;
    for (let w = 0; w < words; w++) {
      const b = bits[base + w] as number;
      if (b === 0) continue;
      const c1 = this.c1[w] as number;
      one += popcount(b & ~c1);
      two += popcount(b & c1 & ~(this.c2[w] as number));
    }
    return one + this.options.backstopWeight * two + (this.isKept(p) ? this.options.keepBonus : 0);
  }

  feasible(p: number): boolean {
    const u = this.inst.pairUnit[p] as number;
    const c = this.inst.pairCand[p] as number;
    if (this.pairOfUnit[u] !== -1 || this.unitOfCand[c] !== -1) return false;
    if (this.chosen >= this.options.maxCheckpoints) return false;
    const ring = this.inst.cands.ring[c] as number;
    return (this.ringCount[ring] as number) < (this.options.ringCaps[ring] ?? 0);
  }

  add(p: number): void {
    const { words, bits } = this.inst;
    const u = this.inst.pairUnit[p] as number;
    const c = this.inst.pairCand[p] as number;
    this.pairOfUnit[u] = p;
    this.unitOfCand[c] = u;
    const ring = this.inst.cands.ring[c] as number;
    this.ringCount[ring] = (this.ringCount[ring] as number) + 1;
    this.chosen++;
    if (this.isKept(p)) this.kept++;
    const base = p * words;
    for (let w = 0; w < words; w++) {
      let b = bits[base + w] as number;
      while (b !== 0) {
        const low = b & -b;
        const r = w * 32 + (31 - Math.clz32(low));
        const n = (this.counts[r] as number) + 1;
        this.counts[r] = n;
        if (n === 1) this.c1[w] = (this.c1[w] as number) | low;
        else if (n === 2) this.c2[w] = (this.c2[w] as number) | low;
        b ^= low;
      }
    }
  }

  remove(p: number): void {
    const { words, bits } = this.inst;
    const u = this.inst.pairUnit[p] as number;
    const c = this.inst.pairCand[p] as number;
    this.pairOfUnit[u] = -1;
    this.unitOfCand[c] = -1;
    const ring = this.inst.cands.ring[c] as number;
    this.ringCount[ring] = (this.ringCount[ring] as number) - 1;
    this.chosen--;
    if (this.isKept(p)) this.kept--;
    const base = p * words;
    for (let w = 0; w < words; w++) {
      let b = bits[base + w] as number;
      while (b !== 0) {
        const low = b & -b;
        const r = w * 32 + (31 - Math.clz32(low));
        const n = (this.counts[r] as number) - 1;
        this.counts[r] = n;
        if (n === 0) this.c1[w] = (this.c1[w] as number) & ~low;
        else if (n === 1) this.c2[w] = (this.c2[w] as number) & ~low;
        b ^= low;
      }
    }
  }

  assignedPairs(): number[] {
    const out: number[] = [];
    for (const p of this.pairOfUnit) if (p >= 0) out.push(p);
    return out;
  }

  snapshot(): Int32Array {
    return this.pairOfUnit.slice();
  }

  load(pairs: Int32Array): void {
    for (const p of this.assignedPairs()) this.remove(p);
    for (const p of pairs) if (p >= 0) this.add(p);
  }

  /** Adds the best feasible pair while it adds value (units in `resting` are left out). */
  greedy(resting?: ReadonlySet<number>): void {
    const pairs = this.inst.pairUnit.length;
    for (;;) {
      let best = -1;
      let bestGain = EPS;
      for (let p = 0; p < pairs; p++) {
        if (resting?.has(this.inst.pairUnit[p] as number) || !this.feasible(p)) continue;
        const g = this.gain(p);
        if (g > bestGain) {
          bestGain = g;
          best = p;
        }
      }
      if (best < 0) return;
      this.add(best);
    }
  }

  /** Best-improvement moves and swaps until neither improves. */
  localSearch(): void {
    const pairs = this.inst.pairUnit.length;
    const m = this.inst.cands.node.length;
    for (let round = 0; round < 100; round++) {
      let improved = false;
      // Move: replace one assignment by the best feasible pair of any free unit.
      for (const p of this.assignedPairs()) {
        this.remove(p);
        const loss = this.gain(p);
        let best = p;
        let bestGain = loss + EPS;
        for (let q = 0; q < pairs; q++) {
          if (q === p || !this.feasible(q)) continue;
          const g = this.gain(q);
          if (g > bestGain) {
            bestGain = g;
            best = q;
          }
        }
        this.add(best);
        if (best !== p) improved = true;
      }
      // Fill: a freed unit or junction may make room for one more.
      const before = this.value();
      this.greedy();
      if (this.value() > before + EPS) improved = true;
      // Swap: two units trade junctions.
      const assigned = this.assignedPairs();
      for (let i = 0; i < assigned.length; i++) {
        for (let j = i + 1; j < assigned.length; j++) {
          const p1 = assigned[i] as number;
          const p2 = assigned[j] as number;
          if (this.pairOfUnit[this.inst.pairUnit[p1] as number] !== p1) continue;
          if (this.pairOfUnit[this.inst.pairUnit[p2] as number] !== p2) continue;
          const u1 = this.inst.pairUnit[p1] as number;
          const u2 = this.inst.pairUnit[p2] as number;
          const q1 = this.inst.pairOf[u1 * m + (this.inst.pairCand[p2] as number)] as number;
          const q2 = this.inst.pairOf[u2 * m + (this.inst.pairCand[p1] as number)] as number;
          if (q1 < 0 || q2 < 0) continue;
          const before2 = this.value();
          this.remove(p1);
          this.remove(p2);
          this.add(q1);
          this.add(q2);
          if (this.value() > before2 + EPS) {
            improved = true;
            assigned[i] = q1;
            assigned[j] = q2;
          } else {
            this.remove(q1);
            this.remove(q2);
            this.add(p1);
            this.add(p2);
          }
        }
      }
      if (!improved) return;
    }
  }
}
