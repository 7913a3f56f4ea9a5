/**
 * A binary raster in projected metres that road segments are drawn onto, and the tracing of its
 * filled area into GeoJSON polygons (outer rings counter-clockwise, holes clockwise).
 */
import type { LocalProjection, LonLat, Ring } from './geo.js';

export class Raster {
  readonly cols: number;
  readonly rows: number;
  readonly data: Uint8Array;

  /**
   * @param x0 - west edge in metres. @param y0 - south edge in metres.
   * @param cellM - side of a raster cell in metres.
   */
  constructor(
    readonly x0: number,
    readonly y0: number,
    readonly cellM: number,
    width: number,
    height: number,
  ) {
    this.cols = Math.max(1, Math.ceil(width / cellM));
    this.rows = Math.max(1, Math.ceil(height / cellM));
    this.data = new Uint8Array(this.cols * this.rows);
  }

  /** Marks every cell within `radiusCells` (Chebyshev) of the segment. */
  drawSegment(ax: number, ay: number, bx: number, by: number, radiusCells: number): void {
    const len = Math.hypot(bx - ax, by - ay);
    const steps = Math.max(1, Math.ceil(len / (this.cellM * 0.5)));
    for (let s = 0; s <= steps; s++) {
      const f = s / steps;
      const c = Math.floor((ax + f * (bx - ax) - this.x0) / this.cellM);
      const r = Math.floor((ay + f * (by - ay) - this.y0) / this.cellM);
      for (let rr = r - radiusCells; rr <= r + radiusCells; rr++) {
        if (rr < 0 || rr >= this.rows) continue;
        for (let cc = c - radiusCells; cc <= c + radiusCells; cc++) {
          if (cc >= 0 && cc < this.cols) this.data[rr * this.cols + cc] = 1;
        }
      }
    }
  }

  filledCount(): number {
    let n = 0;
    for (let i = 0; i < this.data.length; i++) n += this.data[i] as number;
    return n;
  }

  /** Traces the filled cells into polygons (rings of `[lon, lat]`), holes attached to outers. */
  toPolygons(projection: LocalProjection): Ring[][] {
    const { cols, rows, data } = this;
    const W = cols + 1;
    const filled = (c: number, r: number) =>
      c >= 0 && r >= 0 && c < cols && r < rows && data[r * cols + c] === 1;
    // Directed boundary edges with the filled cell on the left; at most 2 leave any lattice vertex.
    const out0 = new Int32Array(W * (rows + 1)).fill(-1);
    const out1 = new Int32Array(W * (rows + 1)).fill(-1);
    const edgeFrom: number[] = [];
    const edgeDir: number[] = [];
    const add = (vc: number, vr: number, dir: number) => {
      const v = vr * W + vc;
      const id = edgeFrom.length;
      edgeFrom.push(v);
      edgeDir.push(dir);
      if ((out0[v] as number) < 0) out0[v] = id;
      else out1[v] = id;
    };
    // Directions: 0 east, 1 north, 2 west, 3 south.
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (data[r * cols + c] !== 1) continue;
        if (!filled(c, r - 1)) add(c, r, 0);
        if (!filled(c + 1, r)) add(c + 1, r, 1);
        if (!filled(c, r + 1)) add(c + 1, r + 1, 2);
        if (!filled(c - 1, r)) add(c, r + 1, 3);
      }
    }
    const DX = [1, 0, -1, 0];
    const DY = [0, 1, 0, -1];
    const used = new Uint8Array(edgeFrom.length);
    const rings: { ring: Ring; area: number }[] = [];
    for (let s = 0; s < edgeFrom.length; s++) {
      if (used[s]) continue;
      const pts: number[] = [];
      let e = s;
      let prevDir = -1;
      while (!used[e]) {
        used[e] = 1;
        const v = edgeFrom[e] as number;
        const dir = edgeDir[e] as number;
        if (dir !== prevDir) pts.push(v);
        prevDir = dir;
        const next = v + (DY[dir] as number) * W + (DX[dir] as number);
        const a = out0[next] as number;
        const b = out1[next] as number;
        if (b < 0 || used[b]) e = a;
        else if (used[a]) e = b;
        else {
          // Saddle: prefer the right turn so diagonal cells stay separate polygons.
          e = edgeDir[a] === (dir + 3) % 4 ? a : b;
        }
        if (e < 0) break;
      }
      if (pts.length < 3) continue;
      const ring: LonLat[] = [];
      let area = 0;
      for (let i = 0; i < pts.length; i++) {
        const v = pts[i] as number;
        const w = pts[(i + 1) % pts.length] as number;
        const x = this.x0 + (v % W) * this.cellM;
        const y = this.y0 + Math.floor(v / W) * this.cellM;
        const x2 = this.x0 + (w % W) * this.cellM;
        const y2 = this.y0 + Math.floor(w / W) * this.cellM;
        area += x * y2 - x2 * y;
        ring.push([round7(projection.lon(x)), round7(projection.lat(y))]);
      }
      ring.push(ring[0] as LonLat);
      rings.push({ ring, area: area / 2 });
    }
    const outers = rings.filter((r) => r.area > 0).sort((a, b) => a.area - b.area);
    const polygons: Ring[][] = outers.map((o) => [o.ring]);
    for (const hole of rings) {
      if (hole.area >= 0) continue;
      const [hx, hy] = hole.ring[0] as LonLat;
      // Smallest outer ring containing the hole's first vertex (probe slightly inside the hole).
      const idx = outers.findIndex((o) => ringContainsOrTouches(o.ring, hx, hy, hole.ring));
      if (idx >= 0) polygons[idx]?.push(hole.ring);
    }
    return polygons;
  }
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}

/** Whether the hole lies inside the outer ring: test the midpoint of the hole's first edge. */
function ringContainsOrTouches(outer: Ring, hx: number, hy: number, hole: Ring): boolean {
  const [nx, ny] = hole[1] as LonLat;
  const px = (hx + nx) / 2;
  const py = (hy + ny) / 2;
  let inside = false;
  for (let i = 0, j = outer.length - 1; i < outer.length; j = i++) {
    const [ix, iy] = outer[i] as LonLat;
    const [jx, jy] = outer[j] as LonLat;
    if (iy > py !== jy > py && px < ((jx - ix) * (py - iy)) / (jy - iy) + ix) inside = !inside;
  }
  return inside;
}
