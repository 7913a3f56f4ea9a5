/**
 * Point → polygon lookup through a uniform bucket grid. Each bucket holds the polygons whose
 * bounding box overlaps it; a bucket that lies wholly inside one polygon and meets no polygon
 * edge answers without any point-in-polygon test. Polygons should not overlap (grid cells tile
 * the city); where they do, the lowest index wins.
 */
import type { BBox, LonLat, Ring } from './geo.js';

export interface PolygonIndexOptions {
  /** Target number of buckets per polygon. @defaultValue 16 */
  bucketsPerPolygon?: number;
}

export class PolygonIndex {
  readonly bbox: BBox;
  readonly polygonCount: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cellW: number;
  private readonly cellH: number;
  /** Per bucket: >= 0 a polygon that covers the whole bucket; -1 test candidates; -2 empty. */
  private readonly pure: Int32Array;
  private readonly bucketStart: Int32Array;
  private readonly bucketItems: Int32Array;
  /** Flat coordinates of all rings; `ringStart[r]..ringStart[r+1]` (in numbers, x/y pairs). */
  private readonly coords: Float64Array;
  private readonly ringStart: Int32Array;
  /** Rings of polygon p: `polyRingStart[p]..polyRingStart[p+1]`. */
  private readonly polyRingStart: Int32Array;

  constructor(polygons: readonly (readonly Ring[])[], options: PolygonIndexOptions = {}) {
    this.polygonCount = polygons.length;
    let total = 0;
    let ringCount = 0;
    for (const p of polygons) {
      for (const r of p) {
        total += r.length * 2;
        ringCount++;
      }
    }
    this.coords = new Float64Array(total);
    this.ringStart = new Int32Array(ringCount + 1);
    this.polyRingStart = new Int32Array(polygons.length + 1);
    const pb = new Float64Array(polygons.length * 4);
    let c = 0;
    let r = 0;
    const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    polygons.forEach((poly, p) => {
      this.polyRingStart[p] = r;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const ring of poly) {
        this.ringStart[r++] = c;
        for (const [x, y] of ring) {
          this.coords[c++] = x;
          this.coords[c++] = y;
          if (x < minX) minX = x;
          if (x > maxX) maxX = x;
          if (y < minY) minY = y;
          if (y > maxY) maxY = y;
        }
      }
      pb[p * 4] = minX;
      pb[p * 4 + 1] = minY;
      pb[p * 4 + 2] = maxX;
      pb[p * 4 + 3] = maxY;
      bbox[0] = Math.min(bbox[0], minX);
      bbox[1] = Math.min(bbox[1], minY);
      bbox[2] = Math.max(bbox[2], maxX);
      bbox[3] = Math.max(bbox[3], maxY);
    });
    this.ringStart[r] = c;
    this.polyRingStart[polygons.length] = r;
    this.bbox = bbox;

    const width = Math.max(bbox[2] - bbox[0], 1e-9);
    const height = Math.max(bbox[3] - bbox[1], 1e-9);
    const target = Math.max(1, polygons.length * (options.bucketsPerPolygon ?? 16));
    const side = Math.sqrt((width * height) / target);
    this.cols = Math.max(1, Math.min(4096, Math.ceil(width / side)));
    this.rows = Math.max(1, Math.min(4096, Math.ceil(height / side)));
    this.cellW = width / this.cols;
    this.cellH = height / this.rows;
    const nb = this.cols * this.rows;

    const lists: number[][] = Array.from({ length: nb }, () => []);
    for (let p = 0; p < polygons.length; p++) {
      const [c0, r0] = this.bucketOf(pb[p * 4] as number, pb[p * 4 + 1] as number);
      const [c1, r1] = this.bucketOf(pb[p * 4 + 2] as number, pb[p * 4 + 3] as number);
      for (let rr = r0; rr <= r1; rr++) for (let cc = c0; cc <= c1; cc++) lists[rr * this.cols + cc]?.push(p);
    }
    this.pure = new Int32Array(nb);
    this.bucketStart = new Int32Array(nb + 1);
    let n = 0;
    for (let b = 0; b < nb; b++) n += (lists[b] as number[]).length;
    this.bucketItems = new Int32Array(n);
    let k = 0;
    for (let b = 0; b < nb; b++) {
      this.bucketStart[b] = k;
      const list = lists[b] as number[];
      for (const p of list) this.bucketItems[k++] = p;
      this.pure[b] = list.length === 0 ? -2 : this.wholeBucketPolygon(b, list);
    }
    this.bucketStart[nb] = k;
  }

  private bucketOf(x: number, y: number): [number, number] {
    const c = Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.bbox[0]) / this.cellW)));
    const r = Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.bbox[1]) / this.cellH)));
    return [c, r];
  }

  /** The polygon covering the whole bucket when no candidate edge touches it, else -1. */
  private wholeBucketPolygon(b: number, candidates: number[]): number {
    const bx0 = this.bbox[0] + (b % this.cols) * this.cellW;
    const by0 = this.bbox[1] + Math.floor(b / this.cols) * this.cellH;
    const bx1 = bx0 + this.cellW;
    const by1 = by0 + this.cellH;
    for (const p of candidates) {
      for (let r = this.polyRingStart[p] as number; r < (this.polyRingStart[p + 1] as number); r++) {
        const s = this.ringStart[r] as number;
        const e = this.ringStart[r + 1] as number;
        for (let i = s; i < e; i += 2) {
          const j = i + 2 < e ? i + 2 : s;
          const ax = this.coords[i] as number;
          const ay = this.coords[i + 1] as number;
          const cx = this.coords[j] as number;
          const cy = this.coords[j + 1] as number;
          // Conservative: any edge whose bounding box meets the bucket disqualifies it.
          if (
            Math.max(ax, cx) >= bx0 &&
            Math.min(ax, cx) <= bx1 &&
            Math.max(ay, cy) >= by0 &&
            Math.min(ay, cy) <= by1
          ) {
            return -1;
          }
        }
      }
    }
    for (const p of candidates) if (this.contains(p, (bx0 + bx1) / 2, (by0 + by1) / 2)) return p;
    return -2;
  }

  /** Whether polygon `p` contains the point (even-odd over all its rings). */
  contains(p: number, x: number, y: number): boolean {
    let inside = false;
    for (let r = this.polyRingStart[p] as number; r < (this.polyRingStart[p + 1] as number); r++) {
      if (pointInRingRange(this.coords, this.ringStart[r] as number, this.ringStart[r + 1] as number, x, y)) {
        inside = !inside;
      }
    }
    return inside;
  }

  /** Index of the polygon containing `(x, y)` (lon, lat), or -1. */
  lookup(x: number, y: number): number {
    const bb = this.bbox;
    if (x < bb[0] || x > bb[2] || y < bb[1] || y > bb[3]) return -1;
    let c = Math.floor((x - bb[0]) / this.cellW);
    let r = Math.floor((y - bb[1]) / this.cellH);
    if (c >= this.cols) c = this.cols - 1;
    if (r >= this.rows) r = this.rows - 1;
    const b = r * this.cols + c;
    const pure = this.pure[b] as number;
    if (pure >= 0) return pure;
    if (pure === -2) return -1;
    for (let k = this.bucketStart[b] as number, end = this.bucketStart[b + 1] as number; k < end; k++) {
      const p = this.bucketItems[k] as number;
      if (this.contains(p, x, y)) return p;
    }
    return -1;
  }

  /** Same as {@link lookup} for a `[lon, lat]` pair. */
  lookupLonLat(position: LonLat): number {
    return this.lookup(position[0], position[1]);
  }
}

/** Even-odd test of a point against the ring stored in `coords[start..end)` as x/y pairs. */
function pointInRingRange(coords: Float64Array, start: number, end: number, px: number, py: number): boolean {
  let inside = false;
  let jx = coords[end - 2] as number;
  let jy = coords[end - 1] as number;
  for (let i = start; i < end; i += 2) {
    const ix = coords[i] as number;
    const iy = coords[i + 1] as number;
    if (iy > py !== jy > py && px < ((jx - ix) * (py - iy)) / (jy - iy) + ix) inside = !inside;
    jx = ix;
    jy = iy;
  }
  return inside;
}
