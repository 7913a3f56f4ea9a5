import { generateCity } from '@fenghuo/city';
import { describe, expect, it } from 'vitest';
import { communityOfficersOf, pickPatrolUnits } from './pick.ts';

describe('the units the simulator plays', () => {
  const pack = generateCity({ name: 'sim-pick', targetNodes: 1500, units: 20, seed: 4 });

  it("are, for the residents' cells, each cell's community officer as the city pack names them", () => {
    const cells = pack.cells.slice(3, 7);
    const officers = communityOfficersOf(pack, [...cells.map((c) => c.id), 'no-such-cell']);
    expect(officers.map((u) => u.id)).toEqual(cells.map((c) => c.officerId));
    for (const u of officers) expect(u.kind).toBe('community_officer');
  });

  it('do not change the patrol units a seed picks', () => {
    const patrol = pickPatrolUnits(pack.units, 5, 3);
    expect(patrol.every((u) => u.kind !== 'community_officer')).toBe(true);
    expect(pickPatrolUnits(pack.units, 5, 3)).toEqual(patrol);
  });
});
