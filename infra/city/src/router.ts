/**
 * Drive-time routing on a city graph: snapping, routes, one-to-many, reach sets, nearest units
 * by ETA and isochrones. One router per graph and thread; its buffers are reused between calls,
 * so results that are views (`settledNodes`) are only valid until the next call.
 */
import { Dijkstra } from './dijkstra.js';
import type { LonLat } from './geo.js';
import type { RoadGraph } from './graph.js';
import { buildIsochrones, type Isochrone, type IsochroneOptions } from './isochrone.js';
import { FREE_FLOW_PROFILE, type SpeedProfile } from './road-class.js';
import { type Snap, SnapIndex, sameRoadSeconds, seedsArriving, seedsLeaving, timeViaSnap } from './snap.js';

export interface RouterOptions {
  /** Speed profile for ETAs. @defaultValue FREE_FLOW_PROFILE */
  profile?: SpeedProfile;
  /** Farthest a point may lie from a road and still be snapped, in metres. @defaultValue 2000 */
  maxSnapM?: number;
}

/** When the trip happens: an hour of day (0-23, fractional allowed) for the speed profile. */
export interface WhenOptions {
  /** Hour of day for the speed profile. @defaultValue 12 */
  hour?: number;
}

export interface SearchOptions extends WhenOptions {
  /** Stop the search beyond this many seconds. @defaultValue Infinity */
  maxSeconds?: number;
}

/** A start or end of a trip: a graph node index, or a position to snap. */
export type Place = { node: number } | { position: LonLat } | { snap: Snap };

export interface Route {
  readonly seconds: number;
  readonly meters: number;
  /** Edges in driving order between the snapped ends (partial first/last edges not included). */
  readonly edges: Int32Array;
  /** Nodes in driving order. */
  readonly nodes: Int32Array;
  /** Polyline `[lon, lat]` from start to end (snapped positions included). */
  readonly coordinates: LonLat[];
}

/** A unit (or anything) that can drive to an incident. */
export interface Mover {
  readonly id: string;
  readonly position: LonLat;
}

export interface PreparedMover {
  readonly id: string;
  readonly snap: Snap;
}

export interface UnitEta {
  readonly id: string;
  /** Drive time in seconds from the unit's position to the target. */
  readonly etaS: number;
  /** Straight distance from the unit to its road, in metres (large means a poor snap). */
  readonly snapDistanceM: number;
}

export interface NearestOptions extends SearchOptions {
  /** How many units to return. @defaultValue 5 */
  k?: number;
}

export class Router {
  readonly snapIndex: SnapIndex;
  readonly profile: SpeedProfile;
  private readonly engine: Dijkstra;
  private readonly maxSnapM: number;
  // Reused by nearestByEta: unit index per node (chained through `moverNext`).
  private readonly moverHead: Int32Array;
  private readonly moverStamp: Uint32Array;
  private stamp = 0;

  constructor(
    readonly graph: RoadGraph,
    options: RouterOptions = {},
  ) {
    this.snapIndex = new SnapIndex(graph);
    this.engine = new Dijkstra(graph);
    this.profile = options.profile ?? FREE_FLOW_PROFILE;
    this.maxSnapM = options.maxSnapM ?? 2000;
    this.moverHead = new Int32Array(graph.nodeCount);
    this.moverStamp = new Uint32Array(graph.nodeCount);
  }

  /** Edge travel times (seconds) at an hour of day under this router's profile. */
  weights(hour = 12): Float64Array {
    return this.graph.weights(this.profile, hour);
  }

  /** Snaps a position to the nearest road, or `undefined` when none is within `maxSnapM`. */
  snap(position: LonLat): Snap | undefined {
    return this.snapIndex.snap(position[0], position[1], this.maxSnapM);
  }

  private seeds(place: Place, w: Float64Array, leaving: boolean): { nodes: number[]; seconds: number[] } {
    if ('node' in place) return { nodes: [place.node], seconds: [0] };
    const s = 'snap' in place ? place.snap : this.snap(place.position);
    if (!s) return { nodes: [], seconds: [] };
    return leaving ? seedsLeaving(s, w) : seedsArriving(s, w);
  }

  /**
   * Earliest arrival time in seconds at every node when leaving `from` now (Infinity where not
   * reachable within `maxSeconds`). This is the reach set of a fleeing vehicle. Writes into `out`
   * when given (length = node count), so callers can keep one buffer.
   */
  earliestArrival(from: Place, options: SearchOptions = {}, out?: Float64Array): Float64Array {
    const w = this.weights(options.hour);
    const seeds = this.seeds(from, w, true);
    this.engine.run(seeds.nodes, seeds.seconds, { weights: w, maxSeconds: options.maxSeconds ?? Infinity });
    return this.engine.copyTimes(out);
  }

  /**
   * Latest-start view: drive time from every node to `to` (Infinity where it cannot get there in
   * `maxSeconds`). Use it to check which checkpoints a unit can reach, from all units at once.
   */
  timeToReach(to: Place, options: SearchOptions = {}, out?: Float64Array): Float64Array {
    const w = this.weights(options.hour);
    const seeds = this.seeds(to, w, false);
    this.engine.run(seeds.nodes, seeds.seconds, {
      weights: w,
      direction: 'reverse',
      maxSeconds: options.maxSeconds ?? Infinity,
    });
    return this.engine.copyTimes(out);
  }

  /** Drive times from one place to many (seconds, Infinity when unreachable), one search. */
  oneToMany(from: Place, targets: readonly Place[], options: SearchOptions = {}): Float64Array {
    const w = this.weights(options.hour);
    const fromSnap = 'snap' in from ? from.snap : 'position' in from ? this.snap(from.position) : undefined;
    const seeds = this.seeds(fromSnap ? { snap: fromSnap } : from, w, true);
    this.engine.run(seeds.nodes, seeds.seconds, { weights: w, maxSeconds: options.maxSeconds ?? Infinity });
    const out = new Float64Array(targets.length);
    const timeTo = (n: number) => this.engine.timeTo(n);
    targets.forEach((t, i) => {
      if ('node' in t) out[i] = this.engine.timeTo(t.node);
      else {
        const s = 'snap' in t ? t.snap : this.snap(t.position);
        out[i] = s ? timeViaSnap(s, w, timeTo, false) : Number.POSITIVE_INFINITY;
        if (s && fromSnap) out[i] = Math.min(out[i] as number, sameRoadSeconds(fromSnap, s, w));
      }
    });
    return out;
  }

  /** The fastest route between two places, or `undefined` when there is none. */
  route(from: Place, to: Place, options: WhenOptions = {}): Route | undefined {
    const g = this.graph;
    const w = this.weights(options.hour);
    const fromSnap = 'snap' in from ? from.snap : 'position' in from ? this.snap(from.position) : undefined;
    const toSnap = 'snap' in to ? to.snap : 'position' in to ? this.snap(to.position) : undefined;
    if (('position' in from && !fromSnap) || ('position' in to && !toSnap)) return undefined;
    const seeds = this.seeds(fromSnap ? { snap: fromSnap } : from, w, true);
    let endNode = -1;
    let seconds = Number.POSITIVE_INFINITY;
    let lastEdge = -1;
    let lastFraction = 0;
    const targetSeconds: { node: number; extra: number; edge: number; fraction: number }[] = [];
    if (toSnap) {
      targetSeconds.push({
        node: toSnap.from,
        extra: toSnap.t * (w[toSnap.edge] as number),
        edge: toSnap.edge,
        fraction: toSnap.t,
      });
      if (toSnap.twin >= 0) {
        targetSeconds.push({
          node: toSnap.to,
          extra: (1 - toSnap.t) * (w[toSnap.twin] as number),
          edge: toSnap.twin,
          fraction: 1 - toSnap.t,
        });
      }
    } else if ('node' in to) targetSeconds.push({ node: to.node, extra: 0, edge: -1, fraction: 0 });
    let pending = targetSeconds.length;
    this.engine.run(seeds.nodes, seeds.seconds, {
      weights: w,
      onSettle: (node) => {
        for (const t of targetSeconds) if (t.node === node) pending--;
        return pending <= 0;
      },
    });
    for (const t of targetSeconds) {
      const s = this.engine.timeTo(t.node) + t.extra;
      if (s < seconds) {
        seconds = s;
        endNode = t.node;
        lastEdge = t.edge;
        lastFraction = t.fraction;
      }
    }
    if (fromSnap && toSnap) {
      const direct = sameRoadSeconds(fromSnap, toSnap, w);
      if (direct <= seconds) {
        const along = toSnap.edge === fromSnap.edge ? toSnap.t : 1 - toSnap.t;
        return {
          seconds: direct,
          meters: Math.abs(along - fromSnap.t) * (g.lengthM[fromSnap.edge] as number),
          edges: new Int32Array(0),
          nodes: new Int32Array(0),
          coordinates: [
            [fromSnap.lon, fromSnap.lat],
            [toSnap.lon, toSnap.lat],
          ],
        };
      }
    }
    if (endNode < 0 || !Number.isFinite(seconds)) return undefined;
    const edges = this.engine.path(endNode) ?? new Int32Array(0);
    const nodes: number[] = [];
    const coordinates: LonLat[] = [];
    if (fromSnap) coordinates.push([fromSnap.lon, fromSnap.lat]);
    let meters = 0;
    if (fromSnap) {
      const first = edges.length > 0 ? (g.tail[edges[0] as number] as number) : endNode;
      meters +=
        first === fromSnap.to
          ? (1 - fromSnap.t) * (g.lengthM[fromSnap.edge] as number)
          : fromSnap.t * (g.lengthM[fromSnap.edge] as number);
    }
    const startNode = edges.length > 0 ? (g.tail[edges[0] as number] as number) : endNode;
    nodes.push(startNode);
    coordinates.push([g.lon[startNode] as number, g.lat[startNode] as number]);
    for (const e of edges) {
      meters += g.lengthM[e] as number;
      const v = g.head[e] as number;
      nodes.push(v);
      coordinates.push([g.lon[v] as number, g.lat[v] as number]);
    }
    if (toSnap) {
      meters += lastFraction * (g.lengthM[lastEdge] as number);
      coordinates.push([toSnap.lon, toSnap.lat]);
    }
    return { seconds, meters, edges, nodes: Int32Array.from(nodes), coordinates };
  }

  /** Snaps movers once so repeated ETA queries skip it (drop the ones that cannot be snapped). */
  prepare(movers: readonly Mover[]): PreparedMover[] {
    const out: PreparedMover[] = [];
    for (const m of movers) {
      const snap = this.snap(m.position);
      if (snap) out.push({ id: m.id, snap });
    }
    return out;
  }

  /**
   * The `k` units that can reach `target` first, fastest first. One reverse search from the
   * target that stops as soon as no unsettled unit can beat the k-th best ETA found.
   */
  nearestByEta(target: Place, movers: readonly PreparedMover[], options: NearestOptions = {}): UnitEta[] {
    const k = Math.min(options.k ?? 5, movers.length);
    if (k <= 0) return [];
    const w = this.weights(options.hour);
    const targetSnap =
      'snap' in target ? target.snap : 'position' in target ? this.snap(target.position) : undefined;
    const seeds = this.seeds(targetSnap ? { snap: targetSnap } : target, w, false);
    // Bucket movers by the nodes they can leave their edge through.
    const stamp = ++this.stamp;
    const next = new Int32Array(movers.length * 2).fill(-1);
    const link = (node: number, slot: number) => {
      if (this.moverStamp[node] !== stamp) {
        this.moverStamp[node] = stamp;
        this.moverHead[node] = -1;
      }
      next[slot] = this.moverHead[node] as number;
      this.moverHead[node] = slot;
    };
    movers.forEach((m, i) => {
      link(m.snap.to, i * 2);
      if (m.snap.twin >= 0) link(m.snap.from, i * 2 + 1);
    });
    const best = new Float64Array(movers.length).fill(Number.POSITIVE_INFINITY);
    // k smallest ETAs so far, kept sorted (k is small).
    const top: number[] = [];
    const kth = () => (top.length < k ? Number.POSITIVE_INFINITY : (top[k - 1] as number));
    this.engine.run(seeds.nodes, seeds.seconds, {
      weights: w,
      direction: 'reverse',
      maxSeconds: options.maxSeconds ?? Infinity,
      onSettle: (node, time) => {
        if (time >= kth()) return true;
        if (this.moverStamp[node] !== stamp) return false;
        for (let slot = this.moverHead[node] as number; slot >= 0; slot = next[slot] as number) {
          const i = slot >> 1;
          const s = (movers[i] as PreparedMover).snap;
          const eta =
            (slot & 1) === 0 ? time + (1 - s.t) * (w[s.edge] as number) : time + s.t * (w[s.twin] as number);
          if (eta < (best[i] as number)) {
            const previous = best[i] as number;
            best[i] = eta;
            if (Number.isFinite(previous)) top.splice(top.indexOf(previous), 1);
            let p = top.length;
            while (p > 0 && (top[p - 1] as number) > eta) p--;
            top.splice(p, 0, eta);
          }
        }
        return false;
      },
    });
    if (targetSnap) {
      movers.forEach((m, i) => {
        best[i] = Math.min(best[i] as number, sameRoadSeconds(m.snap, targetSnap, w));
      });
    }
    const order = movers.map((_, i) => i).filter((i) => Number.isFinite(best[i] as number));
    order.sort(
      (a, b) =>
        (best[a] as number) - (best[b] as number) ||
        ((movers[a] as PreparedMover).id < (movers[b] as PreparedMover).id ? -1 : 1),
    );
    return order.slice(0, k).map((i) => {
      const m = movers[i] as PreparedMover;
      return { id: m.id, etaS: best[i] as number, snapDistanceM: m.snap.distanceM };
    });
  }

  /** Isochrones around a place for several limits (seconds), from one search. */
  isochrones(
    from: Place,
    limitsS: readonly number[],
    options: WhenOptions & IsochroneOptions = {},
  ): Isochrone[] {
    const maxLimit = Math.max(...limitsS);
    const times = this.earliestArrival(from, { hour: options.hour, maxSeconds: maxLimit });
    return buildIsochrones(this.graph, times, limitsS, this.weights(options.hour), options);
  }

  /** The underlying engine, for callers that want settled-node order or paths of the last search. */
  get dijkstra(): Dijkstra {
    return this.engine;
  }
}
