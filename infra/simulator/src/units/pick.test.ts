import { generateCity } from '@fenghuo/city';
import { describe, expect, it } from 'vitest';
import { communityOfficersOf, dutyDesksOf, pickPatrolUnits } from './pick.ts';

describe('the units the simulator plays', () => {
  const pack = generateCity({ name: 'sim-pick', targetNodes: 1500, units: 20, seed: 4 });

  it("are, for the residents' cells, each cell's community officer as the city pack names them", () => {
    const cells = pack.cells.slice(3, 7);
    const officers = communityOfficersOf(pack, [...cells.map((c) => c.id), 'no-such-cell']);
    expect(officers.map((u) => u.id)).toEqual(cells.map((c) => c.officerId));
    for (const u of officers) expect(u.kind).toBe('community_officer');
  });

  it("are the duty desks of the stations of the residents' cells", () => {
    const officers = communityOfficersOf(
      pack,
      pack.cells.slice(0, 30).map((c) => c.id),
    );
    const desks = dutyDesksOf(pack.units, officers);
    expect(new Set(desks.map((d) => d.stationId))).toEqual(new Set(officers.map((o) => o.stationId)));
    for (const d of desks) expect(d.kind).toBe('duty_desk');
  });

  it('do not change the patrol units a seed picks', () => {
    const patrol = pickPatrolUnits(pack.units, 5, 3);
    expect(patrol.every((u) => u.kind !== 'community_officer')).toBe(true);
    expect(pickPatrolUnits(pack.units, 5, 3)).toEqual(patrol);
  });
});
