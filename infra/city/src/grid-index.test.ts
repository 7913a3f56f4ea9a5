import { describe, expect, it } from 'vitest';
import { City } from './city.js';
import { pointInPolygon } from './geo.js';
import { PolygonIndex } from './grid-index.js';
import { importOsmGraph } from './osm-import.js';
import type { GridCell } from './pack.js';
import { squareGridCells } from './placement.js';
import { SeededRandom } from './random.js';
import { defaultPack, sharedRoadFile } from './test-support.js';

function agreesWithBruteForce(cells: readonly Pick<GridCell, 'polygon'>[], points: number) {
  const index = new PolygonIndex(cells.map((c) => c.polygon));
  const [minX, minY, maxX, maxY] = index.bbox;
  const rnd = new SeededRandom(42);
  const padX = (maxX - minX) * 0.05;
  const padY = (maxY - minY) * 0.05;
  let inside = 0;
  for (let i = 0; i < points; i++) {
    const x = rnd.range(minX - padX, maxX + padX);
    const y = rnd.range(minY - padY, maxY + padY);
    const brute = cells.findIndex((c) => pointInPolygon(x, y, c.polygon));
    expect(index.lookup(x, y)).toBe(brute);
    if (brute >= 0) inside++;
  }
  return inside;
}

describe('grid cell lookup', () => {
  it('agrees with brute force on 10,000 random points (generated pack, jittered cells)', () => {
    const inside = agreesWithBruteForce(defaultPack().cells, 10_000);
    expect(inside).toBeGreaterThan(8000);
  });

  it('maps a point to its cell and responsible officer', () => {
    const pack = defaultPack();
    const city = new City(pack);
    const cell = pack.cells[123] as GridCell;
    const ring = cell.polygon[0] ?? [];
    const cx = ring.slice(0, 4).reduce((s, p) => s + p[0], 0) / 4;
    const cy = ring.slice(0, 4).reduce((s, p) => s + p[1], 0) / 4;
    expect(city.cellAt([cx, cy])?.id).toBe(cell.id);
    expect(city.officerAt([cx, cy])).toBe(cell.officerId);
    expect(city.cellAt([0, 0])).toBeUndefined();
  });

  it('handles polygons with holes', () => {
    const outer: [number, number][] = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ];
    const hole: [number, number][] = [
      [4, 4],
      [4, 6],
      [6, 6],
      [6, 4],
      [4, 4],
    ];
    const index = new PolygonIndex([
      [outer, hole],
      [
        [
          [4, 4],
          [6, 4],
          [6, 6],
          [4, 6],
          [4, 4],
        ],
      ],
    ]);
    expect(index.lookup(1, 1)).toBe(0);
    expect(index.lookup(5, 5)).toBe(1);
    expect(index.lookup(11, 5)).toBe(-1);
  });

  const file = sharedRoadFile('andorra.osm.pbf');
  it.skipIf(!file)('agrees with brute force on 10,000 random points over a real extract (andorra)', () => {
    const { graph } = importOsmGraph(file as string);
    const cells = squareGridCells(graph);
    expect(cells.length).toBeGreaterThan(20);
    agreesWithBruteForce(cells, 10_000);
  });
});
