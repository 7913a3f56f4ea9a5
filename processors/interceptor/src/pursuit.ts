/**
 * A pursuit: one fleeing vehicle (by plate) from the sighting, incident or command that opened it
 * until capture, an operator's word or a time-out. Pure functions over the stored state; the
 * handlers persist and publish.
 */
import { createHash } from 'node:crypto';
import type { InterceptionPlan, TrackPoint } from '@fenghuo/contracts';

export type PursuitStatus = InterceptionPlan['status'];

export interface Assignment {
  readonly unitId: string;
  /** External node id of the checkpoint. */
  readonly nodeId: string;
}

export interface Pursuit {
  readonly pursuitId: string;
  readonly plate: string;
  readonly status: PursuitStatus;
  readonly openedAt: string;
  readonly openedBy: 'watchlist' | 'incident' | 'command';
  readonly incidentId?: string;
  /** Where the vehicle was seen, oldest first (the latest {@link MAX_TRACK}). */
  readonly track: readonly TrackPoint[];
  /** Revision of the last plan (0 before the first). */
  readonly revision: number;
  readonly assignments: readonly Assignment[];
  readonly lastPlanAt?: string;
  readonly lastSeenAt: string;
  readonly closedAt?: string;
  /** Ids of the sightings, incidents and commands already applied (the latest {@link MAX_SEEN}). */
  readonly seen: readonly string[];
  /** A plan written with this state but not yet confirmed sent; sent again before anything else. */
  readonly unpublished?: InterceptionPlan;
}

export const MAX_TRACK = 100;
export const MAX_SEEN = 300;

const shortHash = (text: string, n = 10) => createHash('sha256').update(text).digest('hex').slice(0, n);

/** A pursuit id, deterministic from the plate and what opened it (a replayed cause opens nothing new). */
export function pursuitIdFor(plate: string, causeId: string): string {
  return `pur-${plate.replace(/\s+/g, '_')}-${shortHash(`${plate}|${causeId}`)}`;
}

/**
 * The order id of one checkpoint assignment: `int-<pursuitId>-<unitId>-<nodeId>`, the same for as
 * long as the assignment holds (hashed when longer than an id may be).
 */
export function checkpointOrderId(pursuitId: string, unitId: string, nodeId: string): string {
  const id = `int-${pursuitId}-${unitId}-${nodeId}`.replace(/\s+/g, '_');
  return id.length <= 128 ? id : `int-${pursuitId.slice(0, 60)}-${shortHash(id, 32)}`;
}

export function openPursuit(
  plate: string,
  openedBy: Pursuit['openedBy'],
  causeId: string,
  point: TrackPoint,
  now: string,
  incidentId?: string,
): Pursuit {
  return {
    pursuitId: pursuitIdFor(plate, causeId),
    plate,
    status: 'active',
    openedAt: now,
    openedBy,
    ...(incidentId === undefined ? {} : { incidentId }),
    track: [point],
    revision: 0,
    assignments: [],
    lastSeenAt: point.at,
    seen: [causeId],
  };
}

/** The pursuit with a new sighting in its track (kept in time order), marked as seen. */
export function withSighting(p: Pursuit, point: TrackPoint, causeId: string): Pursuit {
  const track = [...p.track.filter((t) => t.sightingId !== point.sightingId), point]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .slice(-MAX_TRACK);
  const last = track[track.length - 1] as TrackPoint;
  return { ...p, track, lastSeenAt: last.at, seen: markSeen(p.seen, causeId) };
}

export function markSeen(seen: readonly string[], id: string): string[] {
  return [...seen.filter((s) => s !== id), id].slice(-MAX_SEEN);
}

/** The latest sighting: where plans start from. */
export function lastPoint(p: Pursuit): TrackPoint {
  return p.track[p.track.length - 1] as TrackPoint;
}
