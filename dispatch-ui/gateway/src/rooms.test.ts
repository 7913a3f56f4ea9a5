import { describe, expect, it } from 'vitest';
import { roomsOfUser } from './rooms.ts';

describe('roomsOfUser', () => {
  it('puts each role in the rooms of its authority, and nowhere else', () => {
    expect(roomsOfUser({ username: 's', role: 'supervisor' })).toEqual(['city', 'watchlist']);
    expect(roomsOfUser({ username: 'o', role: 'operator', region: { kind: 'station', id: 'st-1' } })).toEqual(
      ['station:st-1', 'watchlist'],
    );
    expect(roomsOfUser({ username: 'o', role: 'operator', region: { kind: 'district', id: 'd-1' } })).toEqual(
      ['district:d-1', 'watchlist'],
    );
    expect(roomsOfUser({ username: 'f', role: 'officer', unitId: 'u-7' })).toEqual(['unit:u-7']);
    expect(roomsOfUser({ username: 'g', role: 'grid_worker', gridCellId: 'c-1' })).toEqual(['cell:c-1']);
    expect(roomsOfUser({ username: 'a', role: 'analyst' })).toEqual(['analysts']);
    expect(roomsOfUser({ username: 'a', role: 'admin' })).toEqual(['analysts']);
    // A person without the binding their role needs gets nothing of it.
    expect(roomsOfUser({ username: 'f', role: 'officer' })).toEqual([]);
  });
});
