/**
 * Demo users for `npm start`, made from the city pack so each one's region, unit or cell exists:
 * two operators (a station, a district), a supervisor, officers bound to a patrol car and to the
 * community officer of a cell, the grid worker of that cell, an analyst and an admin. Fresh random
 * passwords at every start (the previous ones stop working), printed and written to
 * `<users dir>/demo-users.json` (mode 0600) for local tools and browser tests.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CityPack } from '@fenghuo/city';
import type { UserIdentity } from '@fenghuo/contracts';
import { randomPassword } from './password.ts';
import type { UserStore } from './user-store.ts';

export interface DemoUser extends UserIdentity {
  readonly password: string;
}

export function demoIdentities(
  pack: Pick<CityPack, 'stations' | 'districts' | 'units' | 'cells'>,
): UserIdentity[] {
  const station = pack.stations[0];
  const district =
    pack.districts.find((d) => station === undefined || !d.stationIds.includes(station.id)) ??
    pack.districts[0];
  const patrol =
    pack.units.find((u) => u.stationId === station?.id && u.kind === 'patrol_car') ??
    pack.units.find((u) => u.kind === 'patrol_car');
  const cell = pack.cells.find((c) => c.stationId === station?.id) ?? pack.cells[0];
  const otherPatrol = pack.units.find(
    (u) => u.kind === 'patrol_car' && district !== undefined && district.stationIds.includes(u.stationId),
  );
  const out: UserIdentity[] = [];
  if (station)
    out.push({ username: 'operator1', role: 'operator', region: { kind: 'station', id: station.id } });
  if (district)
    out.push({ username: 'operator2', role: 'operator', region: { kind: 'district', id: district.id } });
  out.push({ username: 'supervisor', role: 'supervisor' });
  if (patrol) out.push({ username: 'officer1', role: 'officer', unitId: patrol.id });
  if (cell) out.push({ username: 'officer2', role: 'officer', unitId: cell.officerId });
  if (otherPatrol) out.push({ username: 'officer3', role: 'officer', unitId: otherPatrol.id });
  if (cell) out.push({ username: 'grid1', role: 'grid_worker', gridCellId: cell.id });
  out.push({ username: 'analyst', role: 'analyst' });
  out.push({ username: 'admin', role: 'admin' });
  return out;
}

export interface DemoUsers {
  readonly users: readonly DemoUser[];
  readonly file: string;
}

export async function createDemoUsers(
  store: UserStore,
  identities: readonly UserIdentity[],
): Promise<DemoUsers> {
  const users: DemoUser[] = [];
  for (const { username, ...binding } of identities) {
    const password = randomPassword();
    await store.put(username, { ...binding, password, demo: true });
    users.push({ username, ...binding, password });
  }
  const file = join(dirname(store.path), 'demo-users.json');
  writeFileSync(file, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
  return { users, file };
}

export function formatDemoUsers(demo: DemoUsers, baseUrl: string): string {
  const width = Math.max(...demo.users.map((u) => u.username.length));
  const binding = (u: DemoUser) =>
    u.region
      ? `${u.region.kind} ${u.region.id}`
      : u.unitId
        ? `unit ${u.unitId}`
        : u.gridCellId
          ? `cell ${u.gridCellId}`
          : '';
  return [
    `Demo users (fresh passwords, valid until the next start; also in ${demo.file}):`,
    ...demo.users.map(
      (u) => `  ${u.username.padEnd(width)}  ${u.password}  ${u.role.padEnd(11)} ${binding(u)}`,
    ),
    'Try:',
    `  curl -s -X POST ${baseUrl}/api/auth/login -H 'Content-Type: application/json' \\`,
    `       -d '{"username":"${demo.users[0]?.username ?? 'operator1'}","password":"${demo.users[0]?.password ?? '…'}"}'`,
  ].join('\n');
}
