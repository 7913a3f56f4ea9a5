/**
 * The movement model: a unit drives a polyline, each segment at its own speed, and its position,
 * heading and speed at any moment follow by interpolation. A path comes from a drive-time route of
 * the city's road graph (each road at its free-flow speed, the snapped ends at the route's mean
 * speed), capped at a top speed for units on foot.
 */
import { haversineM, type LonLat, type RoadGraph, type Route } from '@fenghuo/city';

/** Where a moving unit is at one moment. */
export interface Fix {
  readonly lon: number;
  readonly lat: number;
  /** Degrees clockwise from north, 0-360 (the direction of the segment it is on). */
  readonly headingDeg: number;
  /** 0 when parked or at the end of the path. */
  readonly speedKph: number;
}

export function distanceM(a: LonLat, b: LonLat): number {
  return haversineM(a[0], a[1], b[0], b[1]);
}

/** Initial bearing from `a` to `b` in degrees clockwise from north, 0 ≤ b < 360. */
export function bearingDeg(a: LonLat, b: LonLat): number {
  const rad = Math.PI / 180;
  const [lon1, lat1] = [a[0] * rad, a[1] * rad];
  const [lon2, lat2] = [b[0] * rad, b[1] * rad];
  const y = Math.sin(lon2 - lon1) * Math.cos(lat2);
  const x = Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(lon2 - lon1);
  const deg = (Math.atan2(y, x) / rad + 360) % 360;
  return deg >= 360 ? 0 : deg;
}

export class Path {
  /** Seconds from the start to the end of each segment. */
  private readonly endS: number[] = [];
  private readonly lengthM: number[] = [];
  readonly totalS: number;
  readonly totalM: number;

  /**
   * @param coords - at least one point; a single point is a unit standing still.
   * @param segmentSeconds - the time each segment `coords[i] → coords[i+1]` takes (≥ 0).
   */
  constructor(
    readonly coords: readonly LonLat[],
    segmentSeconds: readonly number[],
  ) {
    if (coords.length === 0) throw new RangeError('a path needs at least one point');
    if (segmentSeconds.length !== coords.length - 1)
      throw new RangeError(`${coords.length} points need ${coords.length - 1} segment times`);
    let s = 0;
    let m = 0;
    for (let i = 0; i < segmentSeconds.length; i++) {
      s += Math.max(0, segmentSeconds[i] ?? 0);
      this.endS.push(s);
      const len = distanceM(coords[i] as LonLat, coords[i + 1] as LonLat);
      this.lengthM.push(len);
      m += len;
    }
    this.totalS = s;
    this.totalM = m;
  }

  /** A unit standing at `at`. */
  static still(at: LonLat): Path {
    return new Path([at], []);
  }

  /** The end of the path. */
  get end(): LonLat {
    return this.coords[this.coords.length - 1] as LonLat;
  }

  /** Seconds from the start to each point of the path. */
  pointTimes(): number[] {
    return [0, ...this.endS];
  }

  /** Where the unit is `elapsedS` seconds after it set off (the end once it has arrived). */
  at(elapsedS: number): Fix {
    const last = this.coords.length - 2;
    if (last < 0 || elapsedS >= this.totalS) {
      const end = this.end;
      const prev = this.coords[Math.max(0, this.coords.length - 2)] as LonLat;
      return { lon: end[0], lat: end[1], headingDeg: last < 0 ? 0 : bearingDeg(prev, end), speedKph: 0 };
    }
    const t = Math.max(0, elapsedS);
    let i = 0;
    while (i < last && (this.endS[i] as number) <= t) i++;
    const startS = i === 0 ? 0 : (this.endS[i - 1] as number);
    const segS = (this.endS[i] as number) - startS;
    const f = segS > 0 ? (t - startS) / segS : 1;
    const a = this.coords[i] as LonLat;
    const b = this.coords[i + 1] as LonLat;
    return {
      lon: a[0] + (b[0] - a[0]) * f,
      lat: a[1] + (b[1] - a[1]) * f,
      headingDeg: bearingDeg(a, b),
      speedKph: segS > 0 ? ((this.lengthM[i] as number) / segS) * 3.6 : 0,
    };
  }
}

/**
 * The path of a route on `graph`: each edge at its free-flow time, the partial edges at the snapped
 * ends at the route's mean speed; no segment faster than `maxKph` (people on foot).
 */
export function pathOfRoute(route: Route, graph: RoadGraph, maxKph = Number.POSITIVE_INFINITY): Path {
  const coords = route.coordinates;
  if (coords.length < 2) return Path.still(coords[0] ?? [0, 0]);
  const meanMps = route.seconds > 0 ? route.meters / route.seconds : 10;
  const edges = route.edges;
  // coordinates: [fromSnap?, tail(first edge), head(e1) … head(en), toSnap?]: find where the edges sit.
  const edgeStart = edges.length === 0 ? -1 : coords.length - edges.length - 2;
  const seconds: number[] = [];
  for (let i = 0; i < coords.length - 1; i++) {
    const lenM = distanceM(coords[i] as LonLat, coords[i + 1] as LonLat);
    const k = i - edgeStart;
    const edge = edgeStart >= 0 && k >= 0 && k < edges.length ? (edges[k] as number) : -1;
    let s = edge >= 0 ? (graph.freeFlowS[edge] as number) : lenM / meanMps;
    if (Number.isFinite(maxKph)) s = Math.max(s, lenM / (maxKph / 3.6));
    seconds.push(s);
  }
  return new Path(coords, seconds);
}
