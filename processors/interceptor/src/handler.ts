/**
 * What the interceptor does with each input: sightings and `fleeing_vehicle` incidents open or
 * update pursuits and bring a re-plan; operators' commands start and stop pursuits and change the
 * watch list; the clock closes pursuits that went quiet and re-plans on unit movement.
 *
 * Every change of a pursuit is compare-and-set on the stored state (see pursuit-store.ts), written
 * before its plan is published, with the plan kept in the state until the send is confirmed: a
 * retried event finds itself already applied and sends the kept plan again (at least once; consumers
 * keep the highest revision of a plan).
 */
import { createHash } from 'node:crypto';
import type {
  AuditEvent,
  IncidentReport,
  InterceptionPlan,
  OperatorCommand,
  TrackPoint,
  VehicleSighting,
  WatchListEntry,
} from '@fenghuo/contracts';
import { type Clock, FenghuoError, type Logger } from '@fenghuo/kit';
import { maskNumber } from '@fenghuo/kit/mask';
import { markSeen, openPursuit, type Pursuit, type PursuitStatus, withSighting } from './pursuit.ts';
import type { PursuitPlanner } from './pursuit-planner.ts';
import type { PursuitStore } from './pursuit-store.ts';
import type { UnitBoard } from './unit-board.ts';
import { entryFromCommand, type WatchList } from './watch-list.ts';

export interface Publisher {
  plan(plan: InterceptionPlan, correlationId?: string): Promise<void>;
  watchList(entry: WatchListEntry, correlationId?: string): Promise<void>;
  audit(event: AuditEvent): Promise<void>;
}

export interface HandlerDeps {
  readonly store: PursuitStore;
  readonly planner: PursuitPlanner;
  readonly watchList: WatchList;
  readonly units: UnitBoard;
  readonly publish: Publisher;
  readonly clock: Clock;
  /** Re-plan and time-out settings in force. */
  readonly settings: () => { replanIntervalSec: number; pursuitTimeoutSec: number };
  readonly logger: Logger;
  /** Names this instance in locks. */
  readonly instanceId: string;
}

/** The stored pursuit kept changing under us: retry the event later. */
export class PursuitConflictError extends FenghuoError {
  constructor(plate: string) {
    super(`pursuit of ${maskNumber(plate)} kept changing; retrying`, {
      code: 'PURSUIT_CONFLICT',
      retriable: true,
    });
  }
}

type Change = { readonly pursuit: Pursuit; readonly plan?: InterceptionPlan } | undefined;

const CAS_ATTEMPTS = 5;

/**
 * Applies `change` to the plate's stored pursuit (compare-and-set, retried on conflict), then
 * publishes the plan it made. A plan left unsent by an earlier failure is sent first.
 */
async function updatePursuit(
  plate: string,
  deps: HandlerDeps,
  change: (p: Pursuit | undefined) => Change,
  correlationId?: string,
): Promise<Pursuit | undefined> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const { version, pursuit } = await deps.store.load(plate);
    let base = pursuit;
    let baseVersion = version;
    if (pursuit?.unpublished) {
      await deps.publish.plan(pursuit.unpublished, correlationId);
      const { unpublished: _sent, ...rest } = pursuit;
      if (!(await deps.store.save(plate, version, rest))) continue;
      base = rest;
      baseVersion = String(Number(version) + 1);
    }
    const next = change(base);
    if (!next) return base;
    const stored: Pursuit = next.plan ? { ...next.pursuit, unpublished: next.plan } : next.pursuit;
    if (!(await deps.store.save(plate, baseVersion, stored))) continue;
    if (!next.plan) return stored;
    await deps.publish.plan(next.plan, correlationId);
    const { unpublished: _sent, ...sent } = stored;
    // Best effort: if another write won meanwhile, the plan is simply sent again later.
    await deps.store.save(plate, String(Number(baseVersion) + 1), sent);
    return sent;
  }
  throw new PursuitConflictError(plate);
}

/** A re-planned pursuit: the new plan, its assignments and revision. */
function replanned(p: Pursuit, deps: HandlerDeps, nowMs: number): Change {
  const { plan } = deps.planner.plan(p, nowMs);
  return {
    pursuit: {
      ...p,
      revision: plan.revision,
      assignments: plan.checkpoints.map((c) => ({ unitId: c.unitId, nodeId: c.nodeId })),
      lastPlanAt: plan.createdAt,
    },
    plan,
  };
}

function closed(
  p: Pursuit,
  status: Exclude<PursuitStatus, 'active'>,
  deps: HandlerDeps,
  nowMs: number,
  causeId?: string,
): Change {
  const plan = deps.planner.close(p, status, nowMs);
  return {
    pursuit: {
      ...p,
      status,
      revision: plan.revision,
      assignments: [],
      lastPlanAt: plan.createdAt,
      closedAt: plan.createdAt,
      ...(causeId === undefined ? {} : { seen: markSeen(p.seen, causeId) }),
    },
    plan,
  };
}

/** A new sighting (or incident) of a plate: update its active pursuit, or open one when `opens`. */
function sightingChange(
  deps: HandlerDeps,
  plate: string,
  causeId: string,
  point: TrackPoint,
  opens: { by: Pursuit['openedBy']; incidentId?: string } | undefined,
): (p: Pursuit | undefined) => Change {
  return (p) => {
    const now = deps.clock.now();
    if (p?.status === 'active') {
      if (p.seen.includes(causeId)) return undefined;
      return replanned(withSighting(p, point, causeId), deps, now);
    }
    if (!opens) return undefined;
    if (p?.seen.includes(causeId)) return undefined;
    // A sighting from before the last pursuit of this plate closed does not reopen it.
    if (p?.closedAt !== undefined && Date.parse(point.at) <= Date.parse(p.closedAt)) return undefined;
    const opened = openPursuit(
      plate,
      opens.by,
      causeId,
      point,
      new Date(now).toISOString(),
      opens.incidentId,
    );
    return replanned(opened, deps, now);
  };
}

export async function handleSighting(
  s: VehicleSighting,
  deps: HandlerDeps,
  correlationId?: string,
): Promise<void> {
  const point: TrackPoint = {
    sightingId: s.eventId,
    at: s.occurredAt,
    location: s.location,
    ...(s.nodeId === undefined ? {} : { nodeId: s.nodeId }),
    ...(s.headingDeg === undefined ? {} : { headingDeg: s.headingDeg }),
    cameraId: s.cameraId,
  };
  const watched = deps.watchList.isWatched(s.plate, Date.parse(s.occurredAt));
  const p = await updatePursuit(
    s.plate,
    deps,
    sightingChange(deps, s.plate, s.eventId, point, watched ? { by: 'watchlist' } : undefined),
    correlationId,
  );
  if (p?.status === 'active' && p.seen.includes(s.eventId)) {
    deps.logger.debug({ pursuitId: p.pursuitId, revision: p.revision }, 'sighting applied');
  }
}

export async function handleIncident(
  r: IncidentReport,
  deps: HandlerDeps,
  correlationId?: string,
): Promise<void> {
  if (r.category !== 'fleeing_vehicle') return;
  if (r.plate === undefined) {
    deps.logger.info(
      { incidentId: r.incidentId },
      'fleeing_vehicle incident without a plate: no pursuit (an operator can start one)',
    );
    return;
  }
  const point: TrackPoint = { sightingId: r.incidentId, at: r.occurredAt, location: r.location };
  await updatePursuit(
    r.plate,
    deps,
    sightingChange(deps, r.plate, r.incidentId, point, { by: 'incident', incidentId: r.incidentId }),
    correlationId,
  );
}

function auditOf(
  cmd: OperatorCommand,
  target: { kind: string; id: string },
  result: AuditEvent['result'],
  note?: string,
): AuditEvent {
  const id = `audit-interceptor-${cmd.commandId}`;
  return {
    version: 1,
    eventId:
      id.length <= 128 ? id : `audit-interceptor-${createHash('sha256').update(cmd.commandId).digest('hex')}`,
    at: cmd.issuedAt,
    service: 'interceptor',
    actor: { username: cmd.user.username, role: cmd.user.role },
    action: 'command',
    target,
    result,
    details: {
      type: cmd.command.type,
      ...('plate' in cmd.command && cmd.command.plate !== undefined
        ? { plate: maskNumber(cmd.command.plate) }
        : {}),
      ...(note === undefined ? {} : { note }),
    },
  };
}

export async function handleCommand(
  cmd: OperatorCommand,
  deps: HandlerDeps,
  correlationId?: string,
): Promise<void> {
  const c = cmd.command;
  switch (c.type) {
    case 'watchlist_add':
    case 'watchlist_remove': {
      const entry = entryFromCommand(cmd, deps.watchList.get(c.plate)) as WatchListEntry;
      await deps.publish.watchList(entry, correlationId);
      deps.watchList.apply(entry);
      await deps.publish.audit(auditOf(cmd, { kind: 'watchlist', id: cmd.commandId }, 'ok'));
      return;
    }
    case 'start_pursuit': {
      const location = c.location;
      let failed: string | undefined;
      const p = await updatePursuit(
        c.plate,
        deps,
        (current) => {
          if (current?.seen.includes(cmd.commandId)) return undefined;
          if (!location) {
            if (current?.status === 'active') return undefined;
            failed = 'no location: a pursuit starts where the vehicle was last seen';
            return undefined;
          }
          const point: TrackPoint = {
            sightingId: cmd.commandId,
            at: c.seenAt ?? cmd.issuedAt,
            location,
            ...(c.nodeId === undefined ? {} : { nodeId: c.nodeId }),
            ...(c.headingDeg === undefined ? {} : { headingDeg: c.headingDeg }),
          };
          return sightingChange(deps, c.plate, cmd.commandId, point, {
            by: 'command',
            ...(c.incidentId === undefined ? {} : { incidentId: c.incidentId }),
          })(current);
        },
        correlationId,
      );
      await deps.publish.audit(
        auditOf(
          cmd,
          { kind: 'pursuit', id: p?.pursuitId ?? cmd.commandId },
          failed ? 'failed' : 'ok',
          failed,
        ),
      );
      return;
    }
    case 'stop_pursuit': {
      let failed: string | undefined;
      await updatePursuit(
        c.plate,
        deps,
        (p) => {
          if (!p || p.pursuitId !== c.pursuitId || p.status !== 'active') {
            failed = p?.pursuitId === c.pursuitId ? `pursuit already ${p.status}` : 'no such pursuit';
            return undefined;
          }
          return closed(p, c.result, deps, deps.clock.now(), cmd.commandId);
        },
        correlationId,
      );
      await deps.publish.audit(
        auditOf(cmd, { kind: 'pursuit', id: c.pursuitId }, failed ? 'failed' : 'ok', failed),
      );
      return;
    }
    case 'create_incident':
    case 'assign':
    case 'reassign':
    case 'stand_down':
    case 'close':
      // The router's commands.
      return;
    default: {
      const unreachable: never = c;
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
    }
  }
}

export interface TickStats {
  readonly timedOut: number;
  readonly replanned: number;
}

/**
 * The clock's part: a pursuit with no sighting for `pursuitTimeoutSec` closes as lost; one whose
 * units moved since its last plan is re-planned, at most every `replanIntervalSec` (a short lock
 * keeps two instances from doing it twice).
 */
export async function tick(deps: HandlerDeps): Promise<TickStats> {
  const now = deps.clock.now();
  const { replanIntervalSec, pursuitTimeoutSec } = deps.settings();
  let timedOut = 0;
  let replannedCount = 0;
  for (const plate of await deps.store.activePlates()) {
    const { pursuit } = await deps.store.load(plate);
    if (pursuit?.status !== 'active') continue;
    const quietMs = now - Date.parse(pursuit.lastSeenAt);
    const sincePlan = now - Date.parse(pursuit.lastPlanAt ?? pursuit.openedAt);
    const timeOut = quietMs > pursuitTimeoutSec * 1000;
    const moved = deps.units.lastChangeAt > Date.parse(pursuit.lastPlanAt ?? pursuit.openedAt);
    if (!timeOut && !(moved && sincePlan >= replanIntervalSec * 1000)) continue;
    if (!(await deps.store.tryLock(plate, deps.instanceId, replanIntervalSec * 1000))) continue;
    await updatePursuit(plate, deps, (p) => {
      if (p?.status !== 'active' || p.pursuitId !== pursuit.pursuitId) return undefined;
      if (timeOut) return closed(p, 'lost', deps, now);
      return replanned(p, deps, now);
    });
    if (timeOut) timedOut++;
    else replannedCount++;
  }
  return { timedOut, replanned: replannedCount };
}
