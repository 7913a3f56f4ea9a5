import { PATROL_KINDS, type Unit } from '@fenghuo/city';
import { Rng } from '../rng.ts';

/** `n` of the city's patrol units (cars, motorcycles, foot), the same ones for the same seed. */
export function pickPatrolUnits(units: readonly Unit[], n: number, seed: number): Unit[] {
  const patrol = units.filter((u) => (PATROL_KINDS as readonly string[]).includes(u.kind));
  const rng = new Rng(seed ^ 0x5eed);
  // Fisher-Yates on a copy, then the first n.
  const out = [...patrol];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j] as Unit, out[i] as Unit];
  }
  return out.slice(0, Math.min(n, out.length));
}

/**
 * The community officers of `cellIds` (the cells the residents live in), in that order: the units
 * the city pack names as each cell's officer. Cells the pack does not know, or whose officer it
 * does not list, are left out.
 */
export function communityOfficersOf(
  pack: { readonly units: readonly Unit[]; readonly cells: readonly { id: string; officerId: string }[] },
  cellIds: readonly string[],
): Unit[] {
  const units = new Map(pack.units.map((u) => [u.id, u]));
  const cells = new Map(pack.cells.map((c) => [c.id, c]));
  const out: Unit[] = [];
  for (const id of cellIds) {
    const officerId = cells.get(id)?.officerId;
    const unit = officerId === undefined ? undefined : units.get(officerId);
    if (unit !== undefined && !out.includes(unit)) out.push(unit);
  }
  return out;
}

/** The duty desks of the stations of `units` (the stations the residents' cells belong to), in order. */
export function dutyDesksOf(allUnits: readonly Unit[], units: readonly Unit[]): Unit[] {
  const stations = [...new Set(units.map((u) => u.stationId))];
  return stations.flatMap((st) => allUnits.filter((u) => u.kind === 'duty_desk' && u.stationId === st));
}
