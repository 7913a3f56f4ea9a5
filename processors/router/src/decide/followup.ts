/**
 * A complaint follow-up: a resolved incident whose complaint risk reached the rule set's level
 * becomes a matter of its own (`fu-<incidentId>`, category `complaint_followup`) for the station's
 * duty desk (the supervisor), with the reasons, which then climbs the ladder like any matter. One
 * per incident: a follow-up that exists already (a redelivered `incident.resolved`, a restart)
 * decides nothing.
 */
import type { GeoPoint, IncidentCategory } from '@fenghuo/contracts';
import type { ComplaintAssessment } from '@fenghuo/engine';
import { type DecideContext, Draft } from '../draft.ts';
import type { Decision, Matter } from '../model.ts';
import { fill } from './fill.ts';

export interface FollowUpInput {
  /** The resolved incident. */
  readonly incidentId: string;
  readonly category?: IncidentCategory;
  readonly location?: GeoPoint;
  readonly address?: string;
  readonly gridCellId?: string;
  readonly stationId?: string;
  readonly assessment: ComplaintAssessment;
  /** Epoch ms the incident was resolved. */
  readonly resolvedAt: number;
}

export const followUpId = (incidentId: string): string => `fu-${incidentId}`;
export const followUpDecisionId = (incidentId: string): string => `followup:${incidentId}`;

export function followUpInstructions(input: FollowUpInput): string {
  const reasons = input.assessment.reasons.map((r) => r.text).join('; ');
  return `投诉风险回访 Complaint follow-up of ${input.incidentId}${input.address ? ` (${input.address})` : ''}: call the caller back before it becomes a complaint. Risk ${input.assessment.level} (${input.assessment.score}): ${reasons}.`.slice(
    0,
    4000,
  );
}

export function decideFollowUp(
  ctx: DecideContext,
  prev: Matter | undefined,
  input: FollowUpInput,
  correlationId: string | undefined,
): Decision | undefined {
  if (prev) return undefined;
  const cell =
    (input.gridCellId ? ctx.city.cell(input.gridCellId) : undefined) ??
    (input.location ? ctx.city.cellAt(input.location) : undefined);
  const location = input.location ?? (cell ? ctx.city.cellCentre(cell.id) : undefined);
  const stationId = input.stationId ?? cell?.stationId;
  const matter: Matter = {
    refKind: 'incident',
    refId: followUpId(input.incidentId),
    category: 'complaint_followup',
    deadlineClass: 'complaint_followup',
    priority: 3,
    ...(input.category === undefined ? {} : { incidentCategory: input.category }),
    ...(location === undefined ? {} : { location }),
    ...(cell ? { gridCellId: cell.id } : input.gridCellId ? { gridCellId: input.gridCellId } : {}),
    ...(stationId === undefined ? {} : { stationId }),
    ...(input.address === undefined ? {} : { address: input.address }),
    instructions: followUpInstructions(input),
    signalAt: Math.min(ctx.now, input.resolvedAt),
    inputRevision: 1,
    needed: 1,
    orders: [],
    closed: false,
    seen: [],
    ...(correlationId === undefined ? {} : { correlationId }),
  };
  const d = new Draft(ctx, matter, followUpDecisionId(input.incidentId), correlationId);
  const a = input.assessment;
  d.timeline({
    type: 'raised',
    priority: 3,
    ...(input.category === undefined ? {} : { category: input.category }),
    ...(location === undefined ? {} : { location }),
    summary: `Complaint follow-up of ${input.incidentId}: risk ${a.level} (${a.score})`.slice(0, 1000),
    followUpOf: input.incidentId,
    riskScore: a.score,
    riskLevel: a.level,
    reasons: a.reasons.slice(0, 32).map((r) => r.text.slice(0, 500)),
  });
  fill(d, 'incident', matter.instructions);
  return d.finish();
}
