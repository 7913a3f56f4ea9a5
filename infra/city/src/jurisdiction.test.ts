import type { Region } from '@fenghuo/contracts';
import { UNIT_KINDS as CONTRACT_UNIT_KINDS } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { City } from './city.js';
import { pointInPolygon } from './geo.js';
import { jurisdictionProblems } from './jurisdiction.js';
import { type GridCell, UNIT_KINDS } from './pack.js';
import { defaultPack } from './test-support.js';

describe('who answers where (generated default city)', () => {
  const pack = defaultPack();
  const city = new City(pack);
  const g = pack.graph;

  it('places every unit kind the contracts know', () => {
    expect([...UNIT_KINDS].sort()).toEqual([...CONTRACT_UNIT_KINDS].sort());
    expect(jurisdictionProblems(pack)).toEqual([]);
  });

  it('gives every cell a station, every station an area that holds it, and every station a district', () => {
    const stations = new Set(pack.stations.map((s) => s.id));
    for (const c of pack.cells) expect(stations.has(c.stationId), c.id).toBe(true);
    for (const s of pack.stations) {
      expect(city.cellsIn({ kind: 'station', id: s.id }).length, s.id).toBeGreaterThan(10);
      expect(city.stationAt(s.position)?.id, s.id).toBe(s.id);
      expect(city.districtOf(s.id), s.id).toBeDefined();
    }
    const districtCells = pack.districts.reduce(
      (n, d) => n + city.cellsIn({ kind: 'district', id: d.id }).length,
      0,
    );
    expect(districtCells).toBe(pack.cells.length);
  });

  it('puts each community officer on a road node inside their own cell, with their station', () => {
    const nodes = new Set<string>();
    for (let v = 0; v < g.nodeCount; v++) nodes.add(`${g.lon[v]},${g.lat[v]}`);
    for (const c of pack.cells) {
      const officer = city.officerOf(c.id);
      expect(officer?.kind, c.id).toBe('community_officer');
      expect(officer?.gridCellId).toBe(c.id);
      expect(officer?.stationId).toBe(c.stationId);
      expect(nodes.has(`${officer?.position[0]},${officer?.position[1]}`), c.id).toBe(true);
      expect(pointInPolygon(officer!.position[0], officer!.position[1], c.polygon), c.id).toBe(true);
    }
  });

  it('has a duty desk at every station', () => {
    for (const s of pack.stations) {
      const desk = city.dutyDesk(s.id);
      expect(desk?.kind).toBe('duty_desk');
      expect(desk?.position).toEqual(s.position);
    }
  });

  it('posts and their units belong to the station of the cell they stand in', () => {
    for (const p of pack.posts) {
      const at = city.stationAt(p.position);
      if (at) expect(p.stationId, p.id).toBe(at.id);
    }
  });

  it('answers whether a region holds a cell or a position', () => {
    const cell = pack.cells[123] as GridCell;
    const station: Region = { kind: 'station', id: cell.stationId };
    const district: Region = { kind: 'district', id: city.districtOf(cell.stationId)!.id };
    const elsewhere = pack.stations.find((s) => s.id !== cell.stationId)!;
    const officer = city.officerOf(cell.id)!;
    expect(city.regionHoldsCell(station, cell.id)).toBe(true);
    expect(city.regionHoldsCell(district, cell.id)).toBe(true);
    expect(city.regionHoldsCell({ kind: 'station', id: elsewhere.id }, cell.id)).toBe(false);
    expect(city.regionHolds(station, officer.position)).toBe(true);
    expect(city.regionHolds(station, [0, 0])).toBe(false);
  });

  it('offers only patrol units as nearest by default', () => {
    const units = city.nearestUnits(pack.stations[0]!.position, undefined, { k: 20 });
    const kinds = new Set(units.map((u) => city.unit(u.id)?.kind));
    expect(kinds.has('duty_desk')).toBe(false);
    expect(kinds.has('community_officer')).toBe(false);
  });
});
