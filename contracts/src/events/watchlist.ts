import { type Static, Type } from '@sinclair/typebox';
import { ContractVersion, idOf, Plate, Timestamp, Username } from '../common.ts';

/**
 * A plate on (or taken off) the watch list; a camera sighting of an active entry opens a pursuit.
 * Kept by the interceptor from operators' `watchlist_add` / `watchlist_remove` commands; a removal
 * is a record with `status: removed` (not a tombstone), so every reader sees it.
 * Topic `vehicles.watchlist` (compacted), key `plate`.
 */
export const WatchListEntry = Type.Object(
  {
    version: ContractVersion,
    plate: Plate,
    status: Type.Union([Type.Literal('active'), Type.Literal('removed')]),
    reason: Type.String({ maxLength: 1000 }),
    addedBy: Username,
    addedAt: Timestamp,
    until: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'Expires then.' })),
    removedBy: Type.Optional(Username),
    removedAt: Type.Optional(Timestamp),
    commandId: Type.Optional(idOf('The last command that changed it.')),
  },
  { additionalProperties: false, $id: 'WatchListEntry' },
);
export type WatchListEntry = Static<typeof WatchListEntry>;
