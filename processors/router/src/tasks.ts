/**
 * Consumed events and due jobs as {@link Task}s: which matter each is about, what is worth loading
 * before deciding, and which decide function carries it out.
 */
import type {
  Alert,
  DispatchAck,
  GeoPoint,
  IncidentReport,
  InterceptionPlan,
  OperatorCommand,
  OutcomeLabel,
} from '@fenghuo/contracts';
import type { CityView } from './city-view.ts';
import { ackDecisionId, decideAck } from './decide/ack.ts';
import { alertDecisionId, decideAlert } from './decide/alert.ts';
import { commandDecisionId, decideCommand } from './decide/command.ts';
import { decideFollowUp, type FollowUpInput, followUpDecisionId, followUpId } from './decide/followup.ts';
import {
  decideIncident,
  type IncidentInput,
  incidentFromCommand,
  incidentFromReport,
} from './decide/incident.ts';
import { type AcksRead, decideDeadline, decideRetry } from './decide/job.ts';
import { decideOutcome, outcomeDecisionId, outcomeOnlyMatter } from './decide/outcome.ts';
import { decidePlan, planDecisionId } from './decide/plan.ts';
import type { Task } from './decider.ts';
import { actorOf } from './draft.ts';
import type { Matter } from './model.ts';
import { matterKeyOf } from './store.ts';

/** The officer and duty desk of an alert's cell: loaded with the matter. */
function answerersOf(city: CityView, alert: Alert): string[] {
  const cell =
    (alert.gridCellId ? city.cell(alert.gridCellId) : undefined) ??
    (alert.location ? city.cellAt(alert.location) : undefined);
  if (!cell) return [];
  const desk = city.dutyDeskOf(cell.stationId);
  return desk === undefined ? [cell.officerId] : [cell.officerId, desk];
}

export function alertTask(city: CityView, alert: Alert, correlationId: string | undefined): Task {
  return {
    matterKey: matterKeyOf('alert', alert.alertId),
    decisionId: alertDecisionId(alert),
    units: answerersOf(city, alert),
    correlationId,
    decide: (ctx, matter) => decideAlert(ctx, matter, alert, correlationId),
  };
}

function incidentTask(
  inc: IncidentInput,
  decisionId: string,
  correlationId: string | undefined,
  actor?: OperatorCommand['user'],
): Task {
  return {
    matterKey: matterKeyOf('incident', inc.incidentId),
    decisionId,
    pools: inc.category === 'fleeing_vehicle' ? [] : [inc.location],
    correlationId,
    decide: (ctx, matter) => decideIncident(ctx, matter, inc, decisionId, correlationId, actorOf(actor)),
  };
}

export function reportTask(report: IncidentReport, correlationId: string | undefined): Task {
  return incidentTask(incidentFromReport(report), `incident:${report.incidentId}`, correlationId);
}

export function ackTask(ack: DispatchAck, correlationId: string | undefined): Task {
  return {
    orderId: ack.orderId,
    decisionId: ackDecisionId(ack),
    units: [ack.unitId],
    correlationId,
    decide: (ctx, matter) => (matter ? decideAck(ctx, matter, ack, correlationId) : undefined),
  };
}

/** `undefined` for commands that are not the router's (pursuits, the watch list). */
export function commandTask(command: OperatorCommand, correlationId: string | undefined): Task | undefined {
  const body = command.command;
  if (body.type === 'create_incident') {
    const inc = incidentFromCommand(command) as IncidentInput;
    return incidentTask(inc, `incident:${inc.incidentId}`, correlationId, command.user);
  }
  if (
    body.type !== 'assign' &&
    body.type !== 'reassign' &&
    body.type !== 'stand_down' &&
    body.type !== 'close'
  ) {
    return undefined;
  }
  const units = 'unitId' in body ? [body.unitId] : [];
  return {
    matterKey: matterKeyOf(body.refKind, body.refId),
    decisionId: commandDecisionId(command),
    units,
    correlationId,
    decide: (ctx, matter) => (matter ? decideCommand(ctx, matter, command, correlationId) : undefined),
  };
}

export function planTask(plan: InterceptionPlan, correlationId: string | undefined): Task {
  return {
    matterKey: matterKeyOf('pursuit', plan.pursuitId),
    decisionId: planDecisionId(plan),
    units: [...new Set(plan.checkpoints.flatMap((c) => (c.unitId === undefined ? [] : [c.unitId])))],
    correlationId,
    decide: (ctx, matter) => decidePlan(ctx, matter, plan, correlationId),
  };
}

export function outcomeTask(label: OutcomeLabel, correlationId: string | undefined): Task {
  return {
    matterKey: matterKeyOf('alert', label.alertId),
    decisionId: outcomeDecisionId(label),
    correlationId,
    decide: (ctx, matter) =>
      decideOutcome(ctx, matter ?? outcomeOnlyMatter(ctx, label), label, correlationId),
  };
}

/** A complaint follow-up for a resolved incident at risk (one per incident). */
export function followUpTask(city: CityView, input: FollowUpInput, correlationId: string | undefined): Task {
  const cell =
    (input.gridCellId ? city.cell(input.gridCellId) : undefined) ??
    (input.location ? city.cellAt(input.location) : undefined);
  const station = input.stationId ?? cell?.stationId;
  const desk = station === undefined ? undefined : city.dutyDeskOf(station);
  return {
    matterKey: matterKeyOf('incident', followUpId(input.incidentId)),
    decisionId: followUpDecisionId(input.incidentId),
    units: desk === undefined ? [] : [desk],
    correlationId,
    decide: (ctx, matter) => decideFollowUp(ctx, matter, input, correlationId),
  };
}

/**
 * A claimed job: `d|<orderId>` (an acknowledgement deadline) or `q|<matter>` (a matter waiting for
 * a unit). After the batch the poller finishes the claim: the job goes back to its real time, or away.
 */
/** A job's data: the units of the matter's open orders and the pool around where it goes. */
function jobNeeds(matter: Matter, city: CityView): { units: string[]; pools: GeoPoint[] } {
  const to = matter.location ?? (matter.gridCellId ? city.cellCentre(matter.gridCellId) : undefined);
  return {
    units: matter.orders.filter((s) => s.order.status === 'active').map((s) => s.order.unitId),
    pools: to === undefined || matter.closed ? [] : [to],
  };
}

/** A claimed job's task, and where the job goes after the batch: back at `rearmAt()`, or away (null). */
export interface JobTask {
  readonly task: Task;
  rearmAt(): number | null;
  /** A due deadline that waits for `dispatch.acks` to be read through it. */
  heldForAcks(): boolean;
}

/** Whether a claimed job is an order's acknowledgement deadline (else a matter waiting for a unit). */
export function isDeadlineJob(member: string): boolean {
  return member.startsWith('d|');
}

export function jobTask(member: string, dueAt: number, acks?: AcksRead): JobTask {
  let rearmAt: number | null = null;
  let held = false;
  if (isDeadlineJob(member)) {
    const orderId = member.slice(2);
    return {
      task: {
        orderId,
        correlationId: undefined,
        prefetch: jobNeeds,
        decide: (ctx, matter) => {
          if (!matter) return undefined;
          const r = decideDeadline(ctx, matter, orderId, acks);
          rearmAt = r.rearmAt;
          held = r.heldForAcks === true;
          return r.decision;
        },
      },
      rearmAt: () => rearmAt,
      heldForAcks: () => held,
    };
  }
  return {
    task: {
      matterKey: member.slice(2),
      correlationId: undefined,
      prefetch: jobNeeds,
      decide: (ctx, matter) => {
        if (!matter) return undefined;
        const r = decideRetry(ctx, matter, dueAt);
        rearmAt = r.rearmAt;
        return r.decision;
      },
    },
    rearmAt: () => rearmAt,
    heldForAcks: () => false,
  };
}
