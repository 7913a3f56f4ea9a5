/**
 * Who answers for which part of the city: each grid cell belongs to the station whose area holds
 * it, districts group stations, every cell has a community officer (a unit standing on a road node
 * in the cell) and every station a duty desk (a unit at the station). The generator, imports and the
 * reader of version-1 packs all fill these in here, the same way; everything is deterministic.
 */
import type { LonLat, Ring } from './geo.js';
import type { RoadGraph } from './graph.js';
import { PolygonIndex } from './grid-index.js';
import type { District, GridCell, Post, Station, Unit } from './pack.js';

/** A grid cell before it is given to a station (imports, version-1 packs). */
export interface CellDraft {
  readonly id: string;
  readonly officerId: string;
  readonly polygon: Ring[];
  readonly stationId?: string;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Centre of a polygon's outer ring (vertex average, closing vertex left out), in projected metres. */
function centreXY(graph: RoadGraph, polygon: readonly Ring[]): [number, number] {
  const ring = polygon[0] ?? [];
  const n = ring.length > 1 ? ring.length - 1 : ring.length;
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    const v = ring[i] as LonLat;
    x += graph.projection.x(v[0]);
    y += graph.projection.y(v[1]);
  }
  return n > 0 ? [x / n, y / n] : [0, 0];
}

function nearestStation(graph: RoadGraph, stations: readonly Station[], x: number, y: number): Station {
  let best = stations[0] as Station;
  let bestD = Infinity;
  for (const s of stations) {
    const d = (graph.projection.x(s.position[0]) - x) ** 2 + (graph.projection.y(s.position[1]) - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = s;
    }
  }
  return best;
}

/**
 * Gives each cell without a station the station standing in it, else the nearest station to the
 * cell's centre (so station areas are the straight-line Voronoi regions, in whole cells).
 */
export function assignCellStations(
  graph: RoadGraph,
  cells: readonly CellDraft[],
  stations: readonly Station[],
): GridCell[] {
  if (stations.length === 0) throw new Error('a city needs at least one station');
  const index = new PolygonIndex(cells.map((c) => c.polygon));
  const stationInCell = new Map<number, Station>();
  for (const s of stations) {
    const i = index.lookupLonLat(s.position);
    if (i >= 0 && !stationInCell.has(i)) stationInCell.set(i, s);
  }
  return cells.map((c, i): GridCell => {
    if (c.stationId !== undefined)
      return { id: c.id, officerId: c.officerId, stationId: c.stationId, polygon: c.polygon };
    const [x, y] = centreXY(graph, c.polygon);
    const station = stationInCell.get(i) ?? nearestStation(graph, stations, x, y);
    return { id: c.id, officerId: c.officerId, stationId: station.id, polygon: c.polygon };
  });
}

/** The station answering for a position: the one of the cell holding it, else the nearest. */
export function stationLocator(
  graph: RoadGraph,
  cells: readonly GridCell[],
  stations: readonly Station[],
): (position: LonLat) => string {
  const index = new PolygonIndex(cells.map((c) => c.polygon));
  return (position) => {
    const i = index.lookupLonLat(position);
    if (i >= 0) return (cells[i] as GridCell).stationId;
    return nearestStation(graph, stations, graph.projection.x(position[0]), graph.projection.y(position[1]))
      .id;
  };
}

/**
 * Groups stations into districts of about `perDistrict`: seeds spread by farthest-point sampling
 * (from the station nearest the centre), every station to its nearest seed.
 */
export function groupStationsIntoDistricts(
  graph: RoadGraph,
  stations: readonly Station[],
  perDistrict = 3,
): District[] {
  if (stations.length === 0) return [];
  const xy = stations.map(
    (s) => [graph.projection.x(s.position[0]), graph.projection.y(s.position[1])] as const,
  );
  const cx = xy.reduce((a, p) => a + p[0], 0) / xy.length;
  const cy = xy.reduce((a, p) => a + p[1], 0) / xy.length;
  const d2 = (i: number, x: number, y: number) => ((xy[i]?.[0] ?? 0) - x) ** 2 + ((xy[i]?.[1] ?? 0) - y) ** 2;
  let first = 0;
  for (let i = 1; i < xy.length; i++) if (d2(i, cx, cy) < d2(first, cx, cy)) first = i;
  const k = Math.max(1, Math.ceil(stations.length / perDistrict));
  const seeds = [first];
  const minD = xy.map((p) => d2(first, p[0], p[1]));
  while (seeds.length < k) {
    let far = -1;
    for (let i = 0; i < xy.length; i++) if (far < 0 || (minD[i] as number) > (minD[far] as number)) far = i;
    if (far < 0 || (minD[far] as number) <= 0) break;
    seeds.push(far);
    for (let i = 0; i < xy.length; i++) minD[i] = Math.min(minD[i] as number, d2(far, xy[i]![0], xy[i]![1]));
  }
  const members: string[][] = seeds.map(() => []);
  stations.forEach((s, i) => {
    let best = 0;
    for (let j = 1; j < seeds.length; j++) {
      const sj = seeds[j] as number;
      const sb = seeds[best] as number;
      if (d2(i, xy[sj]![0], xy[sj]![1]) < d2(i, xy[sb]![0], xy[sb]![1])) best = j;
    }
    members[best]?.push(s.id);
  });
  return seeds.map((seed, j) => {
    const name = (stations[seed] as Station).name;
    return {
      id: `district-${j + 1}`,
      name: name.endsWith(' Station') ? `${name.slice(0, -' Station'.length)} District` : `District ${j + 1}`,
      stationIds: members[j] ?? [],
    };
  });
}

/**
 * The units a city needs for its cells and stations and does not have yet: a community officer per
 * cell (id = the cell's `officerId`, on the road node nearest the cell's centre among the nodes in
 * the cell, or the nearest node at all for a cell without roads) and a duty desk per station
 * (`desk-<stationId>`, at the station). Units already present with those ids are kept as they are.
 */
export function communityUnits(
  graph: RoadGraph,
  cells: readonly GridCell[],
  stations: readonly Station[],
  existing: readonly Unit[],
): Unit[] {
  const have = new Set(existing.map((u) => u.id));
  const deskOf = new Set(existing.filter((u) => u.kind === 'duty_desk').map((u) => u.stationId));
  const index = new PolygonIndex(cells.map((c) => c.polygon));
  const centres = cells.map((c) => centreXY(graph, c.polygon));
  const bestNode = new Int32Array(cells.length).fill(-1);
  const bestD = new Float64Array(cells.length).fill(Infinity);
  for (let v = 0; v < graph.nodeCount; v++) {
    const i = index.lookup(graph.lon[v] as number, graph.lat[v] as number);
    if (i < 0) continue;
    const [x, y] = centres[i] as [number, number];
    const d = ((graph.x[v] as number) - x) ** 2 + ((graph.y[v] as number) - y) ** 2;
    if (d < (bestD[i] as number)) {
      bestD[i] = d;
      bestNode[i] = v;
    }
  }
  const nearestAnywhere = (x: number, y: number): number => {
    let best = 0;
    let bd = Infinity;
    for (let v = 0; v < graph.nodeCount; v++) {
      const d = ((graph.x[v] as number) - x) ** 2 + ((graph.y[v] as number) - y) ** 2;
      if (d < bd) {
        bd = d;
        best = v;
      }
    }
    return best;
  };
  const added: Unit[] = [];
  cells.forEach((cell, i) => {
    if (have.has(cell.officerId)) return;
    const [x, y] = centres[i] as [number, number];
    const node = (bestNode[i] as number) >= 0 ? (bestNode[i] as number) : nearestAnywhere(x, y);
    have.add(cell.officerId);
    added.push({
      id: cell.officerId,
      callSign: `C-${pad(i + 1, 4)}`,
      kind: 'community_officer',
      homeId: cell.id,
      stationId: cell.stationId,
      gridCellId: cell.id,
      position: [graph.lon[node] as number, graph.lat[node] as number],
    });
  });
  stations.forEach((s, i) => {
    const id = `desk-${s.id}`;
    if (deskOf.has(s.id) || have.has(id)) return;
    added.push({
      id,
      callSign: `D-${pad(i + 1, 2)}`,
      kind: 'duty_desk',
      homeId: s.id,
      stationId: s.id,
      position: s.position,
    });
  });
  return added;
}

/** What is inconsistent between a pack's layers, as sentences naming the layer and the ids. */
export function jurisdictionProblems(layers: {
  readonly cells: readonly GridCell[];
  readonly stations: readonly Station[];
  readonly districts: readonly District[];
  readonly posts: readonly Post[];
  readonly units: readonly Unit[];
}): string[] {
  const problems: string[] = [];
  const stationIds = new Set(layers.stations.map((s) => s.id));
  const units = new Map(layers.units.map((u) => [u.id, u]));
  for (const c of layers.cells) {
    if (!stationIds.has(c.stationId))
      problems.push(`cells: cell ${c.id} names unknown station ${c.stationId}`);
    const officer = units.get(c.officerId);
    if (officer?.kind !== 'community_officer')
      problems.push(`cells: officer ${c.officerId} of cell ${c.id} is not a community_officer unit`);
    else if (officer.gridCellId !== c.id)
      problems.push(
        `units: community officer ${officer.id} says cell ${officer.gridCellId}, cell ${c.id} names it`,
      );
  }
  const inDistrict = new Map<string, string>();
  for (const d of layers.districts) {
    for (const s of d.stationIds) {
      if (!stationIds.has(s)) problems.push(`districts: district ${d.id} names unknown station ${s}`);
      else if (inDistrict.has(s))
        problems.push(`districts: station ${s} is in ${inDistrict.get(s)} and ${d.id}`);
      inDistrict.set(s, d.id);
    }
  }
  const desks = new Set(layers.units.filter((u) => u.kind === 'duty_desk').map((u) => u.stationId));
  for (const s of layers.stations) {
    if (!inDistrict.has(s.id)) problems.push(`districts: station ${s.id} is in no district`);
    if (!desks.has(s.id)) problems.push(`units: station ${s.id} has no duty_desk unit`);
  }
  for (const p of layers.posts)
    if (!stationIds.has(p.stationId))
      problems.push(`posts: post ${p.id} names unknown station ${p.stationId}`);
  for (const u of layers.units)
    if (!stationIds.has(u.stationId))
      problems.push(`units: unit ${u.id} names unknown station ${u.stationId}`);
  return problems;
}
