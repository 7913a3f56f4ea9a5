/** The directed road graph in compressed sparse row (CSR) form, forward and reverse. */
import { LocalProjection } from './geo.js';
import { DEFAULT_SPEED_KPH, FREE_FLOW_PROFILE, type SpeedProfile } from './road-class.js';

/** Raw arrays a graph is built from (any edge order; edges are sorted by tail on build). */
export interface RoadGraphInput {
  /** Node longitudes in degrees. */
  lon: Float64Array;
  /** Node latitudes in degrees. */
  lat: Float64Array;
  /** Stable external node ids (OSM node id, or the generator's id). Must fit in 2^53. */
  nodeId: Float64Array;
  /** Edge tails (node indices). */
  from: Int32Array;
  /** Edge heads (node indices). */
  to: Int32Array;
  /** Edge lengths in metres. */
  lengthM: Float32Array;
  /** Free-flow speed in km/h. */
  speedKph: Float32Array;
  /** {@link RoadClass} of every edge. */
  roadClass: Uint8Array;
}

/**
 * A directed road graph. Node `i` is identified internally by its index and externally by
 * `nodeId[i]`; both are stable for a given pack file. Edge `e` goes `tail[e] → head[e]`; the
 * out-edges of node `u` are `firstOut[u] .. firstOut[u+1]-1`; the in-edges of `v` are
 * `inEdge[firstIn[v] .. firstIn[v+1]-1]` (edge indices, so per-edge arrays are shared).
 */
export class RoadGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly nodeId: Float64Array;
  /** Projected x in metres (east) relative to {@link projection}'s origin. */
  readonly x: Float64Array;
  /** Projected y in metres (north). */
  readonly y: Float64Array;
  readonly projection: LocalProjection;
  readonly firstOut: Int32Array;
  readonly tail: Int32Array;
  readonly head: Int32Array;
  readonly lengthM: Float32Array;
  readonly speedKph: Float32Array;
  readonly roadClass: Uint8Array;
  readonly firstIn: Int32Array;
  readonly inEdge: Int32Array;
  /** Free-flow travel time of every edge in seconds. */
  readonly freeFlowS: Float64Array;
  private readonly weightCache = new Map<string, Float64Array>();
  private idIndex: Map<number, number> | undefined;

  constructor(input: RoadGraphInput) {
    const n = input.lon.length;
    const m = input.from.length;
    this.nodeCount = n;
    this.edgeCount = m;
    this.lon = input.lon;
    this.lat = input.lat;
    this.nodeId = input.nodeId;
    let sumLon = 0;
    let sumLat = 0;
    for (let i = 0; i < n; i++) {
      sumLon += input.lon[i] as number;
      sumLat += input.lat[i] as number;
    }
    this.projection = new LocalProjection(n ? sumLon / n : 0, n ? sumLat / n : 0);
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.x[i] = this.projection.x(input.lon[i] as number);
      this.y[i] = this.projection.y(input.lat[i] as number);
    }

    // Counting sort of edges by tail (stable, so the input order breaks ties deterministically).
    const firstOut = new Int32Array(n + 1);
    for (let e = 0; e < m; e++) {
      const k = (input.from[e] as number) + 1;
      firstOut[k] = (firstOut[k] as number) + 1;
    }
    for (let i = 0; i < n; i++) firstOut[i + 1] = (firstOut[i + 1] as number) + (firstOut[i] as number);
    const cursor = firstOut.slice(0, n);
    this.tail = new Int32Array(m);
    this.head = new Int32Array(m);
    this.lengthM = new Float32Array(m);
    this.speedKph = new Float32Array(m);
    this.roadClass = new Uint8Array(m);
    for (let e = 0; e < m; e++) {
      const u = input.from[e] as number;
      const slot = cursor[u] as number;
      cursor[u] = slot + 1;
      this.tail[slot] = u;
      this.head[slot] = input.to[e] as number;
      this.lengthM[slot] = input.lengthM[e] as number;
      this.speedKph[slot] = input.speedKph[e] as number;
      this.roadClass[slot] = input.roadClass[e] as number;
    }
    this.firstOut = firstOut;

    const firstIn = new Int32Array(n + 1);
    for (let e = 0; e < m; e++) {
      const k = (this.head[e] as number) + 1;
      firstIn[k] = (firstIn[k] as number) + 1;
    }
    for (let i = 0; i < n; i++) firstIn[i + 1] = (firstIn[i + 1] as number) + (firstIn[i] as number);
    const inCursor = firstIn.slice(0, n);
    this.inEdge = new Int32Array(m);
    for (let e = 0; e < m; e++) {
      const v = this.head[e] as number;
      const slot = inCursor[v] as number;
      inCursor[v] = slot + 1;
      this.inEdge[slot] = e;
    }
    this.firstIn = firstIn;

    this.freeFlowS = new Float64Array(m);
    for (let e = 0; e < m; e++) {
      const kph = (this.speedKph[e] as number) || (DEFAULT_SPEED_KPH[this.roadClass[e] as number] ?? 30);
      this.freeFlowS[e] = (this.lengthM[e] as number) / (kph / 3.6);
    }
    this.weightCache.set(`${FREE_FLOW_PROFILE.name}:*`, this.freeFlowS);
  }

  /**
   * Edge travel times in seconds for a speed profile at an hour of day (0-23). Cached per
   * (profile, hour); the free-flow profile returns {@link freeFlowS}.
   */
  weights(profile: SpeedProfile = FREE_FLOW_PROFILE, hour = 12): Float64Array {
    const h = ((Math.floor(hour) % 24) + 24) % 24;
    const key = profile === FREE_FLOW_PROFILE ? `${FREE_FLOW_PROFILE.name}:*` : `${profile.name}:${h}`;
    let w = this.weightCache.get(key);
    if (!w) {
      w = new Float64Array(this.edgeCount);
      for (let e = 0; e < this.edgeCount; e++) {
        const factor = profile.factors[(this.roadClass[e] as number) * 24 + h] ?? 1;
        w[e] = (this.freeFlowS[e] as number) / factor;
      }
      this.weightCache.set(key, w);
    }
    return w;
  }

  /** The edge `u → v` (the fastest one when there are parallel edges), or -1. */
  findEdge(u: number, v: number, weights: Float64Array = this.freeFlowS): number {
    let best = -1;
    for (let e = this.firstOut[u] as number, end = this.firstOut[u + 1] as number; e < end; e++) {
      if (this.head[e] === v && (best < 0 || (weights[e] as number) < (weights[best] as number))) best = e;
    }
    return best;
  }

  /** Node index for an external node id, or -1. Builds a map on first use. */
  indexOfNodeId(id: number): number {
    if (!this.idIndex) {
      this.idIndex = new Map();
      for (let i = 0; i < this.nodeCount; i++) this.idIndex.set(this.nodeId[i] as number, i);
    }
    return this.idIndex.get(id) ?? -1;
  }

  /** Total length of all edges in metres (each direction counted). */
  totalLengthM(): number {
    let s = 0;
    for (let e = 0; e < this.edgeCount; e++) s += this.lengthM[e] as number;
    return s;
  }
}
