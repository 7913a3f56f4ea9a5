/** Geometry helpers: a local metric projection, distances and polygon tests. */

/** A position as `[longitude, latitude]` in degrees (WGS 84), the GeoJSON order. */
export type LonLat = readonly [lon: number, lat: number];

/** A closed ring of `[lon, lat]` positions; the first position is repeated at the end. */
export type Ring = LonLat[];

const EARTH_RADIUS_M = 6_371_008.8;
const DEG = Math.PI / 180;

/**
 * Equirectangular projection around a reference latitude: accurate to well under 0.5 % over a
 * city (tens of kilometres), and cheap enough for hot paths (two multiplications per point).
 */
export class LocalProjection {
  readonly metersPerDegLat: number;
  readonly metersPerDegLon: number;

  constructor(
    readonly originLon: number,
    readonly originLat: number,
  ) {
    this.metersPerDegLat = EARTH_RADIUS_M * DEG;
    this.metersPerDegLon = EARTH_RADIUS_M * DEG * Math.cos(originLat * DEG);
  }

  x(lon: number): number {
    return (lon - this.originLon) * this.metersPerDegLon;
  }

  y(lat: number): number {
    return (lat - this.originLat) * this.metersPerDegLat;
  }

  lon(x: number): number {
    return this.originLon + x / this.metersPerDegLon;
  }

  lat(y: number): number {
    return this.originLat + y / this.metersPerDegLat;
  }
}

/** Great-circle distance in metres. */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * DEG;
  const dLon = (lon2 - lon1) * DEG;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Even-odd point-in-polygon test on a flat array of coordinates `[x0, y0, x1, y1, ...]` (closed or
 * not). Works in any planar coordinates, including lon/lat at city scale.
 */
export function pointInRingFlat(px: number, py: number, ring: ArrayLike<number>): boolean {
  let inside = false;
  const n = ring.length >> 1;
  let jx = ring[(n - 1) * 2] as number;
  let jy = ring[(n - 1) * 2 + 1] as number;
  for (let i = 0; i < n; i++) {
    const ix = ring[i * 2] as number;
    const iy = ring[i * 2 + 1] as number;
    if (iy > py !== jy > py && px < ((jx - ix) * (py - iy)) / (jy - iy) + ix) inside = !inside;
    jx = ix;
    jy = iy;
  }
  return inside;
}

/** Point-in-polygon for a GeoJSON-style polygon (outer ring then holes). */
export function pointInPolygon(lon: number, lat: number, rings: readonly Ring[]): boolean {
  let inside = false;
  for (let r = 0; r < rings.length; r++) {
    const ring = rings[r] as Ring;
    let inRing = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ix, iy] = ring[i] as LonLat;
      const [jx, jy] = ring[j] as LonLat;
      if (iy > lat !== jy > lat && lon < ((jx - ix) * (lat - iy)) / (jy - iy) + ix) inRing = !inRing;
    }
    if (r === 0) inside = inRing;
    else if (inRing) return false;
  }
  return inside;
}

/** Signed area of a ring in square metres (positive when counter-clockwise). */
export function ringAreaM2(ring: readonly LonLat[], projection: LocalProjection): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j] as LonLat;
    const b = ring[i] as LonLat;
    sum += projection.x(a[0]) * projection.y(b[1]) - projection.x(b[0]) * projection.y(a[1]);
  }
  return sum / 2;
}

/** Axis-aligned bounding box `[minLon, minLat, maxLon, maxLat]`. */
export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export function bboxOfCoords(lons: ArrayLike<number>, lats: ArrayLike<number>): BBox {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < lons.length; i++) {
    const x = lons[i] as number;
    const y = lats[i] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}
