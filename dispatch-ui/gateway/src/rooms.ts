/**
 * Socket.IO rooms, decided on the server alone. A room is also the scope under which the live state
 * is kept in Redis, so a snapshot reads exactly what the same person receives live.
 *
 * - `city`: supervisors (everything);
 * - `station:<id>` / `district:<id>`: operators of that region; every event about a place goes to
 *   its station's and its district's room and to `city`;
 * - `unit:<id>`: the officer working as that unit (their orders, the plans they are part of, their
 *   unit's status and the timelines of their orders);
 * - `cell:<id>`: the grid worker of that cell (incidents in it);
 * - `analysts`: analysts and admins (aggregate figures, alerts with residents' details redacted);
 * - `watchlist`: operators and supervisors (the watch list is city-wide).
 */
import type { UserIdentity } from '@fenghuo/contracts';
import type { Jurisdiction } from './jurisdiction.ts';

export const CITY_ROOM = 'city';
export const ANALYSTS_ROOM = 'analysts';
export const WATCHLIST_ROOM = 'watchlist';
export const stationRoom = (id: string) => `station:${id}`;
export const districtRoom = (id: string) => `district:${id}`;
export const unitRoom = (id: string) => `unit:${id}`;
export const cellRoom = (id: string) => `cell:${id}`;

/** The rooms of everything that happens at `stationId`: the city, its station and its district. */
export function placeRooms(jurisdiction: Jurisdiction, stationId: string | undefined): string[] {
  if (stationId === undefined) return [CITY_ROOM];
  const district = jurisdiction.districtOf(stationId);
  return district === undefined
    ? [CITY_ROOM, stationRoom(stationId)]
    : [CITY_ROOM, stationRoom(stationId), districtRoom(district)];
}

/** The rooms a person is put in at connection: their role and binding decide, nothing else. */
export function roomsOfUser(user: UserIdentity): string[] {
  switch (user.role) {
    case 'supervisor':
      return [CITY_ROOM, WATCHLIST_ROOM];
    case 'operator':
      if (user.region === undefined) return [WATCHLIST_ROOM];
      return [
        user.region.kind === 'station' ? stationRoom(user.region.id) : districtRoom(user.region.id),
        WATCHLIST_ROOM,
      ];
    case 'officer':
      return user.unitId === undefined ? [] : [unitRoom(user.unitId)];
    case 'grid_worker':
      return user.gridCellId === undefined ? [] : [cellRoom(user.gridCellId)];
    case 'analyst':
    case 'admin':
      return [ANALYSTS_ROOM];
    default: {
      const unreachable: never = user.role;
      throw new Error(`unknown role ${String(unreachable)}`);
    }
  }
}

/** The scope rooms whose state a person's snapshot reads (their rooms, less the redacted analysts' view). */
export function isRegionRoom(room: string): boolean {
  return room === CITY_ROOM || room.startsWith('station:') || room.startsWith('district:');
}
