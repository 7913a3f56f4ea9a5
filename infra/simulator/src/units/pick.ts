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
