import type { CityPack } from '@fenghuo/city';

/** One line of what a pack holds, for the scripts' last line. */
export function summary(pack: CityPack): string {
  const count = (kind: string) => pack.units.filter((u) => u.kind === kind).length;
  const officers = count('community_officer');
  const desks = count('duty_desk');
  return (
    `${pack.cells.length} cells, ${pack.stations.length} stations in ${pack.districts.length} districts, ` +
    `${pack.posts.length} posts, ${pack.units.length - officers - desks} patrol units, ${officers} community officers, ` +
    `${desks} duty desks, ${pack.cameras.length} cameras`
  );
}
