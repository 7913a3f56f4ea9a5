/**
 * An incident (reported through ingest, or created by an operator) → orders to the available
 * units that arrive first by drive time (two for violence and robbery), each order carrying the
 * recommendation (the top units by ETA). A fleeing vehicle goes to the interceptor: the router
 * records it and dispatches the checkpoints of the interceptor's plans instead.
 */
import type { Actor, GeoPoint, IncidentCategory, IncidentReport, OperatorCommand } from '@fenghuo/contracts';
import { type DecideContext, Draft } from '../draft.ts';
import { statutoryDeadlineOf } from '../ladder.ts';
import type { Decision, Matter, MatterCategory } from '../model.ts';
import { fill, TWO_UNIT_CATEGORIES } from './fill.ts';

export interface IncidentInput {
  readonly incidentId: string;
  readonly category: IncidentCategory;
  readonly priority: number;
  readonly location: GeoPoint;
  readonly address?: string;
  /** Epoch ms the incident was reported. */
  readonly occurredAt: number;
  readonly gridCellId?: string;
  readonly plate?: string;
  /** How it was reported; a grid worker's report goes to the cell's own officer first. */
  readonly channel?: IncidentReport['channel'];
}

export function incidentFromReport(r: IncidentReport): IncidentInput {
  return {
    incidentId: r.incidentId,
    category: r.category,
    priority: r.priority,
    location: r.location,
    ...(r.address === undefined ? {} : { address: r.address }),
    occurredAt: Date.parse(r.occurredAt),
    ...(r.gridCellId === undefined ? {} : { gridCellId: r.gridCellId }),
    ...(r.plate === undefined ? {} : { plate: r.plate }),
    channel: r.channel,
  };
}

/**
 * The ladder an incident climbs. A protection order climbs its own (with its legal clock). A grid
 * worker's report (their phone, or the cell's QR form) is the cell's business first: it climbs the
 * ladder that starts at the cell's community officer, then the station's duty desk, patrols,
 * district and city (the one fraud warnings climb). Every other incident goes to the patrol that
 * arrives first.
 */
export function incidentLadder(inc: Pick<IncidentInput, 'channel' | 'category'>): MatterCategory {
  if (inc.category === 'protection_order') return 'protection_order';
  return inc.channel === 'grid_worker' ? 'alert' : 'incident';
}

/** An operator's `create_incident` command as an incident. */
export function incidentFromCommand(c: OperatorCommand): IncidentInput | undefined {
  const b = c.command;
  if (b.type !== 'create_incident') return undefined;
  return {
    incidentId: b.incidentId,
    category: b.category,
    priority: b.priority,
    location: b.location,
    ...(b.address === undefined ? {} : { address: b.address }),
    occurredAt: Date.parse(c.issuedAt),
    ...(b.plate === undefined ? {} : { plate: b.plate }),
  };
}

export function incidentInstructions(
  inc: Pick<Matter, 'priority' | 'incidentCategory' | 'address' | 'statutoryDeadline'>,
): string {
  const what = (inc.incidentCategory ?? 'incident').replaceAll('_', ' ');
  const where = inc.address ? ` at ${inc.address}` : '';
  if (inc.statutoryDeadline !== undefined) {
    const by = new Date(inc.statutoryDeadline).toISOString();
    return `P${inc.priority} ${what}${where}: decide by ${by} (statutory deadline); see the applicant.`;
  }
  return `P${inc.priority} ${what}${where}: go now.`;
}

/** `undefined` when the incident is known already (a redelivery, a retried command). */
export function decideIncident(
  ctx: DecideContext,
  prev: Matter | undefined,
  inc: IncidentInput,
  decisionId: string,
  correlationId: string | undefined,
  actor?: Actor,
): Decision | undefined {
  if (prev) return undefined;
  const cell = (inc.gridCellId ? ctx.city.cell(inc.gridCellId) : undefined) ?? ctx.city.cellAt(inc.location);
  const gridCellId = cell?.id ?? inc.gridCellId;
  const fleeing = inc.category === 'fleeing_vehicle';
  const category = incidentLadder(inc);
  const signalAt = Number.isFinite(inc.occurredAt) ? Math.min(ctx.now, inc.occurredAt) : ctx.now;
  // Priority 1 is the urgent case of a legal clock (24 h for a protection order instead of 72 h).
  const statutoryDeadline = statutoryDeadlineOf(ctx.ladder, category, signalAt, inc.priority);
  const matter: Matter = {
    refKind: 'incident',
    refId: inc.incidentId,
    category,
    // A legal clock has its own deadline class; every other incident's comes from its priority.
    deadlineClass: category === 'protection_order' ? category : `p${inc.priority}`,
    priority: inc.priority,
    incidentCategory: inc.category,
    location: inc.location,
    ...(gridCellId === undefined ? {} : { gridCellId }),
    ...(cell ? { stationId: cell.stationId } : {}),
    ...(inc.address === undefined ? {} : { address: inc.address }),
    ...(inc.plate === undefined ? {} : { plate: inc.plate }),
    signalAt,
    ...(statutoryDeadline === undefined ? {} : { statutoryDeadline }),
    inputRevision: 1,
    needed: fleeing ? 0 : TWO_UNIT_CATEGORIES.has(inc.category) ? 2 : 1,
    orders: [],
    closed: false,
    seen: [],
    ...(correlationId === undefined ? {} : { correlationId }),
  };
  const d = new Draft(ctx, matter, decisionId, correlationId, actor);
  d.timeline({
    type: 'raised',
    category: inc.category,
    priority: inc.priority,
    location: inc.location,
    ...(inc.plate === undefined ? {} : { plate: inc.plate }),
    summary: fleeing
      ? 'Fleeing vehicle: the interceptor plans the checkpoints.'
      : `P${inc.priority} ${inc.category.replaceAll('_', ' ')}${inc.address ? ` at ${inc.address}` : ''}`.slice(
          0,
          1000,
        ),
    ...d.statutory(),
  });
  if (!fleeing) fill(d, 'incident', incidentInstructions(matter));
  return d.finish();
}
