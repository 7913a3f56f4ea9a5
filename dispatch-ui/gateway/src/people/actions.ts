/**
 * What people ask for over their socket, once the payload passed its contract: each action checks
 * the person's authority against the live state (an officer acts only on their own orders; an
 * operator on matters of their region; an analyst never dispatches), writes the event with their
 * identity attached and its audit entry, and answers an {@link Ack}. A refusal is audited too.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type Ack,
  type Alert,
  type CommandRequest,
  type DispatchAck,
  type DispatchOrder,
  type ErrorBody,
  type IncidentReport,
  type OperatorCommand,
  type OrderAckRequest,
  type OutcomeLabel,
  type OutcomeRequest,
  operatorCommandKey,
  type Receipt,
  Topic,
  type UnitStatus,
  type UnitStatusRequest,
  type UserIdentity,
} from '@fenghuo/contracts';
import type { Jurisdiction } from '../jurisdiction.ts';
import type { StateStore } from '../live/state-store.ts';
import { CITY_ROOM, isRegionRoom, roomsOfUser, unitRoom } from '../rooms.ts';
import type { AuditInput } from './audit.ts';
import type { PeopleWriter } from './writer.ts';

export interface ActionDeps {
  readonly state: StateStore;
  readonly jurisdiction: Jurisdiction;
  readonly writer: PeopleWriter;
  readonly now: () => number;
}

/** Who is acting, from where, under which request id. */
export interface ActionContext {
  readonly user: UserIdentity;
  readonly address?: string;
  readonly correlationId?: string;
}

export function refusal<T>(code: string, message: string, details?: ErrorBody['details']): Ack<T> {
  return { ok: false, error: { code, message, ...(details ? { details } : {}) } };
}

/** Answers `forbidden` and audits it as `access_denied`. */
async function deny<T>(
  ctx: ActionContext,
  deps: ActionDeps,
  what: string,
  message: string,
  target?: AuditInput['target'],
): Promise<Ack<T>> {
  await deps.writer.audit({
    action: 'access_denied',
    result: 'denied',
    user: ctx.user,
    ...(ctx.address ? { address: ctx.address } : {}),
    ...(target ? { target } : {}),
    details: { attempted: what },
    ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
  });
  return refusal('forbidden', message);
}

function who(ctx: ActionContext): Pick<AuditInput, 'user' | 'address' | 'correlationId'> {
  return {
    user: ctx.user,
    ...(ctx.address ? { address: ctx.address } : {}),
    ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
  };
}

/** An id built from parts, hashed when it would pass the contracts' 128 characters. */
function boundedId(prefix: string, core: string, suffix: string): string {
  const id = `${prefix}-${core}-${suffix}`;
  if (id.length <= 128) return id;
  return `${prefix}-${createHash('sha256').update(core).digest('hex').slice(0, 40)}-${suffix}`;
}

const OFFICER_ONLY = "only an officer acknowledges orders, and only their own unit's";

export async function ackOrder(
  req: OrderAckRequest,
  ctx: ActionContext,
  deps: ActionDeps,
): Promise<Ack<Receipt>> {
  const { user } = ctx;
  const target = { kind: 'order', id: req.orderId };
  if (user.role !== 'officer' || user.unitId === undefined) {
    return deny(ctx, deps, 'order:ack', OFFICER_ONLY, target);
  }
  const order = await deps.state.get<DispatchOrder>('orders', unitRoom(user.unitId), req.orderId);
  if (order === undefined) {
    const elsewhere = await deps.state.get<DispatchOrder>('orders', CITY_ROOM, req.orderId);
    if (elsewhere !== undefined)
      return deny(ctx, deps, 'order:ack', 'this order belongs to another unit', target);
    return refusal('not_found', `no active order ${req.orderId}`);
  }
  const ack: DispatchAck = {
    version: 1,
    eventId: boundedId('ack', req.orderId, req.status),
    orderId: req.orderId,
    unitId: order.unitId,
    officerId: user.username,
    status: req.status,
    at: new Date(deps.now()).toISOString(),
    ...(req.note === undefined ? {} : { note: req.note }),
    ...(req.location === undefined ? {} : { location: req.location }),
    ...(req.resolution === undefined || req.status !== 'completed' ? {} : { resolution: req.resolution }),
    actor: user,
  };
  await deps.writer.write(
    { topic: Topic.DispatchAcks, events: [ack] },
    {
      ...who(ctx),
      action: 'ack',
      result: 'ok',
      target,
      details: { status: req.status, unitId: order.unitId },
    },
  );
  return { ok: true, data: { eventId: ack.eventId } };
}

export async function setUnitStatus(
  req: UnitStatusRequest,
  ctx: ActionContext,
  deps: ActionDeps,
): Promise<Ack<Receipt>> {
  const { user } = ctx;
  let unitId: string;
  if (user.role === 'officer' && user.unitId !== undefined) {
    if (req.unitId !== undefined && req.unitId !== user.unitId) {
      return deny(ctx, deps, 'unit:set-status', 'an officer sets only their own unit', {
        kind: 'unit',
        id: req.unitId,
      });
    }
    unitId = user.unitId;
  } else if (user.role === 'supervisor') {
    if (req.unitId === undefined) {
      return refusal('invalid_payload', 'a supervisor names the unit', [
        { path: 'unitId', reason: 'required for supervisors' },
      ]);
    }
    unitId = req.unitId;
  } else {
    return deny(
      ctx,
      deps,
      'unit:set-status',
      'only officers and supervisors set a unit status',
      req.unitId ? { kind: 'unit', id: req.unitId } : undefined,
    );
  }
  const kind = deps.jurisdiction.unit(unitId)?.kind;
  const status: UnitStatus = {
    version: 1,
    eventId: `st-${randomUUID()}`,
    occurredAt: new Date(deps.now()).toISOString(),
    source: 'gateway',
    unitId,
    status: req.status,
    ...(kind ? { unitKind: kind } : {}),
    actor: user,
    ...(req.note === undefined ? {} : { note: req.note }),
  };
  await deps.writer.write(
    { topic: Topic.UnitsStatus, events: [status] },
    {
      ...who(ctx),
      action: 'unit_status',
      result: 'ok',
      target: { kind: 'unit', id: unitId },
      details: { status: req.status },
    },
  );
  return { ok: true, data: { eventId: status.eventId } };
}

/** The region room of an operator (their station's or district's), or the city for a supervisor. */
function regionRoomOf(user: UserIdentity): string | undefined {
  return roomsOfUser(user).find(isRegionRoom);
}

export async function issueCommand(
  req: CommandRequest,
  ctx: ActionContext,
  deps: ActionDeps,
): Promise<Ack<Receipt>> {
  const { user } = ctx;
  const { command } = req;
  const target = { kind: 'command', id: req.commandId };
  if (user.role !== 'operator' && user.role !== 'supervisor') {
    return deny(ctx, deps, `command:${command.type}`, `a ${user.role} cannot dispatch or command`, target);
  }
  if (
    command.type === 'assign' ||
    command.type === 'reassign' ||
    command.type === 'stand_down' ||
    command.type === 'close'
  ) {
    const room = regionRoomOf(user);
    const kind = command.refKind === 'alert' ? 'alerts' : 'incidents';
    const mine =
      room === undefined
        ? undefined
        : await deps.state.get<Alert | IncidentReport>(kind, room, command.refId);
    if (mine === undefined) {
      const known = await deps.state.get<Alert | IncidentReport>(kind, CITY_ROOM, command.refId);
      if (known !== undefined) {
        return deny(
          ctx,
          deps,
          `command:${command.type}`,
          `${command.refKind} ${command.refId} is outside your region`,
          {
            kind: command.refKind,
            id: command.refId,
          },
        );
      }
      return refusal('not_found', `no open ${command.refKind} ${command.refId}`);
    }
  }
  const event: OperatorCommand = {
    version: 1,
    commandId: req.commandId,
    issuedAt: new Date(deps.now()).toISOString(),
    user,
    command,
  };
  await deps.writer.write(
    { topic: Topic.OperatorCommands, events: [event] },
    {
      ...who(ctx),
      action: 'command',
      result: 'ok',
      target,
      details: { type: command.type, key: operatorCommandKey(command) },
    },
  );
  return { ok: true, data: { eventId: req.commandId } };
}

export async function recordOutcome(
  req: OutcomeRequest,
  ctx: ActionContext,
  deps: ActionDeps,
): Promise<Ack<Receipt>> {
  const { user } = ctx;
  const target = { kind: 'alert', id: req.alertId };
  if (req.amountSaved !== undefined && req.outcome !== 'dissuaded' && req.outcome !== 'loss_prevented') {
    return refusal('invalid_payload', 'an amount saved goes with dissuaded or loss_prevented', [
      { path: 'amountSaved', reason: `not with outcome ${req.outcome}` },
    ]);
  }
  if (req.lossAmount !== undefined && req.outcome !== 'too_late') {
    return refusal('invalid_payload', 'a loss goes with too_late', [
      { path: 'lossAmount', reason: `not with outcome ${req.outcome}` },
    ]);
  }
  let allowed = false;
  if (user.role === 'officer' && user.unitId !== undefined) {
    const live = await deps.state.read(['orders'], [unitRoom(user.unitId)]);
    allowed = ((live.get('orders') ?? []) as DispatchOrder[]).some(
      (o) => o.kind === 'alert' && o.refId === req.alertId,
    );
  } else if (user.role === 'operator' || user.role === 'supervisor') {
    const room = regionRoomOf(user);
    allowed = room !== undefined && (await deps.state.get<Alert>('alerts', room, req.alertId)) !== undefined;
  }
  const alert = await deps.state.get<Alert>('alerts', CITY_ROOM, req.alertId);
  if (!allowed) {
    if (
      alert === undefined &&
      user.role !== 'analyst' &&
      user.role !== 'admin' &&
      user.role !== 'grid_worker'
    ) {
      return refusal('not_found', `no open alert ${req.alertId} of yours`);
    }
    return deny(
      ctx,
      deps,
      'outcome:record',
      'only the officer sent to this alert, or an operator of its region, records its outcome',
      target,
    );
  }
  if (alert === undefined) return refusal('not_found', `alert ${req.alertId} is no longer open`);
  const label: OutcomeLabel = {
    version: 1,
    eventId: boundedId('outcome', req.alertId, req.outcome),
    alertId: req.alertId,
    subjectId: alert.subjectId,
    outcome: req.outcome,
    ...(req.lossAmount === undefined ? {} : { lossAmount: req.lossAmount }),
    ...(req.amountSaved === undefined ? {} : { amountSaved: req.amountSaved }),
    labelledBy: user.username,
    labelledAt: new Date(deps.now()).toISOString(),
    ...(req.note === undefined ? {} : { note: req.note }),
  };
  await deps.writer.write(
    { topic: Topic.OutcomesLabelled, events: [label] },
    { ...who(ctx), action: 'outcome', result: 'ok', target, details: { outcome: req.outcome } },
  );
  return { ok: true, data: { eventId: label.eventId } };
}
