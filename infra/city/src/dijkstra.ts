/**
 * Dijkstra's one-to-many search over a {@link RoadGraph} with reusable typed-array buffers.
 * One engine per graph per thread; each `run` invalidates the previous result in O(1) through a
 * generation stamp, so nothing is cleared or allocated per query.
 */
import { BinaryHeap } from './binary-heap.js';
import type { RoadGraph } from './graph.js';

export type SearchDirection = 'forward' | 'reverse';

export interface DijkstraOptions {
  /**
   * `forward`: times from the seeds to every node. `reverse`: times from every node to the seeds
   * (walks edges backwards; use it for "which unit arrives first at this incident").
   * @defaultValue 'forward'
   */
  direction?: SearchDirection;
  /** Edge travel times in seconds. @defaultValue graph.freeFlowS */
  weights?: Float64Array;
  /** Nodes farther than this (seconds) are neither settled nor reported. @defaultValue Infinity */
  maxSeconds?: number;
  /**
   * Called when a node is settled with its final time; return `true` to stop the search.
   * Leave it out on hot paths that need every node.
   */
  onSettle?: (node: number, seconds: number) => boolean | undefined;
}

export class Dijkstra {
  private readonly dist: Float64Array;
  private readonly pred: Int32Array;
  private readonly seen: Uint32Array;
  private readonly done: Uint32Array;
  private readonly order: Int32Array;
  private readonly heap = new BinaryHeap(4096);
  private generation = 0;
  private lastDirection: SearchDirection = 'forward';
  /** Number of nodes settled by the last run; `settledNodes()` lists them in time order. */
  settledCount = 0;

  constructor(readonly graph: RoadGraph) {
    const n = graph.nodeCount;
    this.dist = new Float64Array(n);
    this.pred = new Int32Array(n);
    this.seen = new Uint32Array(n);
    this.done = new Uint32Array(n);
    this.order = new Int32Array(n);
  }

  /**
   * Runs a search from one or more seed nodes, each with an initial time (e.g. the time to
   * drive from a snapped point to the end of its edge). Returns the number of settled nodes.
   */
  run(
    seeds: ArrayLike<number>,
    seedSeconds: ArrayLike<number> | undefined,
    options: DijkstraOptions = {},
  ): number {
    const g = this.graph;
    const w = options.weights ?? g.freeFlowS;
    const maxS = options.maxSeconds ?? Number.POSITIVE_INFINITY;
    const reverse = options.direction === 'reverse';
    const onSettle = options.onSettle;
    this.lastDirection = reverse ? 'reverse' : 'forward';
    let gen = ++this.generation;
    if (gen === 0xffffffff) {
      this.seen.fill(0);
      this.done.fill(0);
      this.generation = gen = 1;
    }
    const { dist, pred, seen, done, order, heap } = this;
    heap.clear();
    for (let i = 0; i < seeds.length; i++) {
      const s = seeds[i] as number;
      const t = seedSeconds ? (seedSeconds[i] as number) : 0;
      if (t > maxS) continue;
      if (seen[s] !== gen || t < (dist[s] as number)) {
        seen[s] = gen;
        dist[s] = t;
        pred[s] = -1;
        heap.push(t, s);
      }
    }
    const first = reverse ? g.firstIn : g.firstOut;
    const head = g.head;
    const tail = g.tail;
    const inEdge = g.inEdge;
    let settled = 0;
    while (heap.size > 0) {
      const d = heap.peekKey();
      const u = heap.peekValue();
      heap.pop();
      if (done[u] === gen || d > (dist[u] as number)) continue;
      done[u] = gen;
      order[settled++] = u;
      if (onSettle?.(u, d)) break;
      const end = first[u + 1] as number;
      for (let i = first[u] as number; i < end; i++) {
        const e = reverse ? (inEdge[i] as number) : i;
        const v = reverse ? (tail[e] as number) : (head[e] as number);
        const nd = d + (w[e] as number);
        if (nd > maxS) continue;
        if (seen[v] !== gen) {
          seen[v] = gen;
          dist[v] = nd;
          pred[v] = e;
          heap.push(nd, v);
        } else if (nd < (dist[v] as number) && done[v] !== gen) {
          dist[v] = nd;
          pred[v] = e;
          heap.push(nd, v);
        }
      }
    }
    this.settledCount = settled;
    return settled;
  }

  /** Final time of a node settled by the last run, or `Infinity`. */
  timeTo(node: number): number {
    return this.done[node] === this.generation ? (this.dist[node] as number) : Number.POSITIVE_INFINITY;
  }

  /** Whether the last run settled this node. */
  reached(node: number): boolean {
    return this.done[node] === this.generation;
  }

  /** The edge through which the last run reached `node` (-1 for a seed or an unreached node). */
  predecessorEdge(node: number): number {
    return this.done[node] === this.generation ? (this.pred[node] as number) : -1;
  }

  /** Settled nodes of the last run in order of time (a view; copy it to keep it). */
  settledNodes(): Int32Array {
    return this.order.subarray(0, this.settledCount);
  }

  /**
   * Edges of the best route in driving order: from a seed to `node` after a forward run, from
   * `node` to a seed after a reverse run. Empty for seeds; `undefined` when not reached.
   */
  path(node: number): Int32Array | undefined {
    if (!this.reached(node)) return undefined;
    const g = this.graph;
    const edges: number[] = [];
    let v = node;
    for (let e = this.pred[v] as number; e >= 0; e = this.pred[v] as number) {
      edges.push(e);
      v = this.lastDirection === 'forward' ? (g.tail[e] as number) : (g.head[e] as number);
    }
    if (this.lastDirection === 'forward') edges.reverse();
    return Int32Array.from(edges);
  }

  /** Copies the times of all nodes (Infinity where unreached) into `out`. */
  copyTimes(out: Float64Array = new Float64Array(this.graph.nodeCount)): Float64Array {
    const gen = this.generation;
    for (let i = 0; i < out.length; i++)
      out[i] = this.done[i] === gen ? (this.dist[i] as number) : Number.POSITIVE_INFINITY;
    return out;
  }
}
