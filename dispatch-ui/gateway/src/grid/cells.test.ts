import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import type { UserIdentity } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { CellDirectory } from './cells.ts';

describe('CellDirectory', () => {
  const pack = loadOrGenerateDefaultPack().pack;
  const cells = new CellDirectory(pack);
  const cell = pack.cells[0] as (typeof pack.cells)[number];
  const other = pack.cells.find((c) => c.stationId !== cell.stationId) as (typeof pack.cells)[number];
  const district = pack.districts.find((d) => d.stationIds.includes(cell.stationId))?.id ?? '';
  const see = (user: Omit<UserIdentity, 'username'>, cellId = cell.id) =>
    cells.maySee({ username: 'u', ...user } as UserIdentity, cellId);

  it('centres a cell inside its square, and knows its officer', () => {
    const info = cells.cell(cell.id);
    expect(info?.officerId).toBe(cell.officerId);
    const lons = (cell.polygon[0] ?? []).map((p) => p[0]);
    expect(info?.centre.lon).toBeGreaterThan(Math.min(...lons));
    expect(info?.centre.lon).toBeLessThan(Math.max(...lons));
    expect(cells.cell('no-such-cell')).toBeUndefined();
  });

  it("lets the cell's people see its reports, and no one else", () => {
    expect(see({ role: 'supervisor' })).toBe(true);
    expect(see({ role: 'operator', region: { kind: 'district', id: district } })).toBe(true);
    expect(see({ role: 'operator', region: { kind: 'station', id: cell.stationId } })).toBe(true);
    expect(see({ role: 'operator', region: { kind: 'station', id: other.stationId } })).toBe(false);
    expect(see({ role: 'officer', unitId: cell.officerId })).toBe(true);
    expect(see({ role: 'officer', unitId: other.officerId })).toBe(false);
    expect(see({ role: 'grid_worker', gridCellId: cell.id })).toBe(true);
    expect(see({ role: 'grid_worker', gridCellId: other.id })).toBe(false);
    expect(see({ role: 'analyst' })).toBe(false);
    expect(see({ role: 'supervisor' }, 'no-such-cell')).toBe(false);
  });
});
