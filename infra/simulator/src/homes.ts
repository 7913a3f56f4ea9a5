/**
 * Where the residents live: a neighbourhood of `count` grid cells (a cell drawn by the seed and the
 * cells whose centres are nearest to it), and for each resident a home at a random point inside one
 * of them. Banks and telecom operators send the resident's registered home with an indicator
 * (`location`, `gridCellId`), so the scorer's warning names the cell and the router sends it to
 * that cell's community officer. Homes draw from a generator of their own (see
 * {@link homesRng}), so adding them leaves the residents' indicators and the incidents of a seed
 * as they were.
 */
import type { GeoPoint } from '@fenghuo/contracts';
import { type CellArea, cellBox, round } from './incidents.ts';
import { Rng } from './rng.ts';

export interface Home {
  readonly gridCellId: string;
  readonly location: GeoPoint;
}

export interface Homes {
  /** The neighbourhood's cells, nearest to its centre cell first. */
  readonly cellIds: readonly string[];
  /** One home per resident, by resident number. */
  readonly homes: readonly Home[];
}

/** The homes' own generator: the seed's other draws (residents, incidents, fleeing) stay the same. */
export function homesRng(seed: number): Rng {
  return new Rng((seed ^ 0x4043e5) >>> 0);
}

function centreOf(ring: CellArea['ring']): readonly [number, number] {
  // A closed ring repeats its first point; leave it out of the mean.
  const pts = ring.length > 1 ? ring.slice(0, -1) : ring;
  const lon = pts.reduce((s, p) => s + p[0], 0) / Math.max(1, pts.length);
  const lat = pts.reduce((s, p) => s + p[1], 0) / Math.max(1, pts.length);
  return [lon, lat];
}

/** Ray casting: whether `[lon, lat]` is inside the ring. */
export function insideRing(point: readonly [number, number], ring: CellArea['ring']): boolean {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as readonly [number, number];
    const [xj, yj] = ring[j] as readonly [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A random point inside the cell (its centre when twenty draws in its bounding box all miss). */
function pointInside(rng: Rng, cell: CellArea): GeoPoint {
  const { minLon, maxLon, minLat, maxLat } = cellBox(cell);
  for (let i = 0; i < 20; i++) {
    const p = [
      round(minLon + rng.next() * (maxLon - minLon)),
      round(minLat + rng.next() * (maxLat - minLat)),
    ] as const;
    if (insideRing(p, cell.ring)) return { lon: p[0], lat: p[1] };
  }
  const [lon, lat] = centreOf(cell.ring);
  return { lon: round(lon), lat: round(lat) };
}

/**
 * The neighbourhood of `count` cells (all of them when the city has fewer) and a home in it for
 * each of `residents`; none when `count` is 0.
 */
export function planHomes(rng: Rng, cells: readonly CellArea[], residents: number, count: number): Homes {
  if (count <= 0 || cells.length === 0) return { cellIds: [], homes: [] };
  const centre = centreOf(rng.pick(cells).ring);
  const byDistance = cells
    .map((cell) => {
      const [lon, lat] = centreOf(cell.ring);
      // Degrees of longitude shrink with latitude; enough for ordering cells of one city.
      const dx = (lon - centre[0]) * Math.cos((centre[1] * Math.PI) / 180);
      const dy = lat - centre[1];
      return { cell, d: dx * dx + dy * dy };
    })
    .sort((a, b) => a.d - b.d || (a.cell.id < b.cell.id ? -1 : 1));
  const chosen = byDistance.slice(0, count).map((x) => x.cell);
  const homes: Home[] = [];
  for (let r = 0; r < residents; r++) {
    const cell = rng.pick(chosen);
    homes.push({ gridCellId: cell.id, location: pointInside(rng, cell) });
  }
  return { cellIds: chosen.map((c) => c.id), homes };
}
