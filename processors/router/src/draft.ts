/**
 * A decision in the making. The decide functions (`decide/*.ts`) work on a {@link Draft}: it holds
 * a copy of the matter and records every consequence of what they do — orders issued, revised or
 * ended, units claimed and released, deadlines, timeline entries, audit events, unit statuses and
 * figures — so that one decision becomes one atomic commit and one batch of records to publish.
 * Nothing here touches Redis or Kafka; everything the draft needs comes from its
 * {@link DecideContext}, so decisions are pure and unit-tested without a broker.
 */
import type {
  Actor,
  AuditEvent,
  DispatchCandidate,
  DispatchOrder,
  EscalationLadderSet,
  EscalationReason,
  EscalationRung,
  GeoPoint,
  OrderKind,
  OrderStatus,
  TimelineEvent,
  UnitStatus,
  UserIdentity,
} from '@fenghuo/contracts';
import type { CityView } from './city-view.ts';
import { boundedId, interceptionOrderId, orderIdFor, timelineId, unusedId } from './ids.ts';
import { rungDeadlineAt, rungsOf } from './ladder.ts';
import {
  type Decision,
  emptyOutputs,
  isActive,
  type Matter,
  type OrderSlot,
  type Outputs,
  type Sample,
  type SampleMetric,
  type UnitView,
} from './model.ts';
import { applyUnitOp, canClaim, type UnitOp } from './unit-ops.ts';

/** Thrown by a context that lacks data a decision needs; the caller loads it and decides again. */
export class NeedData extends Error {
  constructor(
    readonly units: readonly string[],
    readonly pools: readonly GeoPoint[],
  ) {
    super(`need units [${units.join(', ')}] and ${pools.length} pools`);
    this.name = 'NeedData';
  }
}

export interface DecideContext {
  /** Epoch ms the decision is made at. */
  readonly now: number;
  readonly ladder: EscalationLadderSet;
  readonly city: CityView;
  /** Units recommended per incident. */
  readonly recommend: number;
  /** How long an incident no unit could take waits before it is tried again. */
  readonly queueRetryMs: number;
  /**
   * A unit as Redis holds it (with the changes of decisions made earlier in the same batch);
   * `undefined` for a unit not on the roster. Throws {@link NeedData} when not loaded.
   */
  unit(id: string): UnitView | undefined;
  /** Whether a unit may be given work now: it has reported recently (or may be used unseen). */
  offered(unit: UnitView): boolean;
  /**
   * Available patrol units by drive time to `to`, fastest first, at most `k`, leaving out
   * `exclude` and units taken by earlier decisions of the batch. Throws {@link NeedData} when the
   * units around `to` are not loaded. `ahead`: how many more units the decision will ask for at
   * the same place right after this (leaving out the one it picks), worth ranking in the same
   * search. @defaultValue 0
   */
  rank(to: GeoPoint, exclude: ReadonlySet<string>, k: number, ahead?: number): DispatchCandidate[];
}

export interface IssueSpec {
  readonly unitId: string;
  readonly kind: OrderKind;
  readonly rungIndex: number;
  readonly destination: GeoPoint;
  readonly nodeId?: string;
  /**
   * The order id a plan proposes for a checkpoint assignment (`int-<pursuitId>-…`); taken when it
   * has the matter's prefix and is unused, else computed the same way.
   */
  readonly orderId?: string;
  readonly etaSec?: number;
  readonly candidates?: readonly DispatchCandidate[];
  readonly escalationLevel: number;
  readonly supersedes?: string;
  readonly instructions?: string;
  readonly assignedBy?: Actor;
  /** An operator's choice: a unit that has not reported lately may still be sent. */
  readonly override?: boolean;
}

/** A target for a rung, found by {@link Draft.targetFor}. */
interface Target {
  readonly unitId: string;
  readonly etaSec?: number;
  readonly candidates?: readonly DispatchCandidate[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A deep copy of plain data (what JSON gives: objects, arrays, strings, numbers, booleans, null;
 * `undefined` values are kept like `structuredClone` keeps them). A matter is such data; this is
 * ~5× faster than `structuredClone`, which serialises, and a draft copies its matter once per
 * decision.
 */
function cloneData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneData(value[i] as unknown);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = cloneData((value as Record<string, unknown>)[key]);
  return out as T;
}
const SEEN_KEPT = 200;

/** The units.status record of a change the router made (the commit script writes the same). */
export function statusRecord(u: UnitView, orderId: string, now: number): UnitStatus {
  return {
    version: 1,
    eventId: boundedId(['st', u.id, orderId, u.status]),
    occurredAt: iso(now),
    source: 'router',
    unitId: u.id,
    status: u.status,
    unitKind: u.kind,
    ...(u.status === 'available' ? {} : { orderId }),
  };
}

/** The person as timelines show them. */
export function actorOf(user: UserIdentity | undefined): Actor | undefined {
  return user ? { username: user.username, role: user.role } : undefined;
}

export class Draft {
  readonly matter: Matter;
  private readonly outputs: Outputs = emptyOutputs();
  /** Units as this decision leaves them, and what it did to them. */
  private readonly units = new Map<string, UnitView>();
  private readonly unitOps: UnitOp[] = [];
  private readonly deadlinesSet = new Map<string, number>();
  private readonly deadlinesCleared = new Set<string>();
  private readonly samples: Sample[] = [];
  retryAt: number | null | undefined;

  constructor(
    readonly ctx: DecideContext,
    matter: Matter,
    readonly decisionId: string,
    readonly correlationId: string | undefined,
    /** The person whose input this decision carries out (operators, officers). */
    readonly actor?: Actor,
  ) {
    this.matter = cloneData(matter);
  }

  get now(): number {
    return this.ctx.now;
  }

  // --- units ---------------------------------------------------------------------------------

  /** A unit as this decision leaves it so far. */
  unit(id: string): UnitView | undefined {
    return this.units.get(id) ?? this.ctx.unit(id);
  }

  /** Applies an operation to a unit; false when a claim's precondition fails. */
  private apply(op: UnitOp): boolean {
    const u = this.unit(op.unitId);
    if (!u) return false;
    const after = applyUnitOp(u, op);
    if (!after) return false;
    this.units.set(u.id, after);
    this.unitOps.push(op);
    if (after.status !== u.status) this.outputs.statuses.push(statusRecord(after, op.orderId, this.now));
    return true;
  }

  /** Whether a unit can take an order now (and has reported recently, unless an operator overrides). */
  canTake(id: string, override = false): boolean {
    const u = this.unit(id);
    if (!u) return false;
    if (!override && !this.ctx.offered(u)) return false;
    return canClaim(u);
  }

  private claim(unitId: string, orderId: string, override: boolean): UnitView | undefined {
    if (!this.canTake(unitId, override)) return undefined;
    return this.apply({ op: 'claim', unitId, orderId }) ? this.unit(unitId) : undefined;
  }

  private release(unitId: string, orderId: string): void {
    this.apply({ op: 'release', unitId, orderId });
  }

  /** The unit reports progress on an order (en route, on scene). */
  progress(slot: OrderSlot, status: 'en_route' | 'on_scene'): void {
    this.apply({ op: 'progress', unitId: slot.order.unitId, orderId: slot.order.orderId, status });
  }

  // --- orders --------------------------------------------------------------------------------

  slot(orderId: string): OrderSlot | undefined {
    return this.matter.orders.find((s) => s.order.orderId === orderId);
  }

  activeSlots(): OrderSlot[] {
    return this.matter.orders.filter(isActive);
  }

  /** Units that had an order on this matter (not offered again by escalations). */
  tried(): Set<string> {
    return new Set(this.matter.orders.map((s) => s.order.unitId));
  }

  private deadlineAt(rungIndex: number): number {
    const m = this.matter;
    return rungDeadlineAt(
      this.ctx.ladder,
      m.category,
      rungIndex,
      m.deadlineClass,
      this.now,
      m.statutoryDeadline,
    );
  }

  /** The matter's statutory deadline as the records carry it. */
  statutory(): { statutoryDeadline?: string } {
    const at = this.matter.statutoryDeadline;
    return at === undefined ? {} : { statutoryDeadline: iso(at) };
  }

  private rungAt(index: number): EscalationRung | undefined {
    return rungsOf(this.ctx.ladder, this.matter.category)[index]?.rung;
  }

  /** Issues a new order; `undefined` when the unit cannot take it. */
  /**
   * `ord-<refId>-<unitId>[-n]`; a checkpoint assignment (kind `interception` at a node) is
   * `int-<pursuitId>-<unitId>-<nodeId>[-n]`, the interceptor's convention.
   */
  private orderIdOf(spec: IssueSpec): string {
    const m = this.matter;
    if (spec.kind === 'interception' && spec.nodeId !== undefined) {
      const proposed = spec.orderId?.startsWith(`int-${m.refId}-`) ? spec.orderId : undefined;
      const base = proposed ?? interceptionOrderId(m.refId, spec.unitId, spec.nodeId);
      return unusedId(base, (id) => m.orders.some((s) => s.order.orderId === id));
    }
    const previous = m.orders.filter((s) => s.order.unitId === spec.unitId).length;
    return orderIdFor(m.refId, spec.unitId, previous);
  }

  issue(spec: IssueSpec): OrderSlot | undefined {
    const m = this.matter;
    const orderId = this.orderIdOf(spec);
    const u = this.claim(spec.unitId, orderId, spec.override === true);
    if (!u) return undefined;
    const first = m.orders.length === 0;
    const rung = this.rungAt(spec.rungIndex);
    const deadline = this.deadlineAt(spec.rungIndex);
    const order: DispatchOrder = {
      version: 1,
      orderId,
      revision: 1,
      status: 'active',
      unitId: spec.unitId,
      kind: spec.kind,
      refId: m.refId,
      ...(m.level && spec.kind === 'alert' ? { level: m.level } : {}),
      issuedAt: iso(this.now),
      priority: m.priority,
      destination: spec.destination,
      ...(spec.nodeId === undefined ? {} : { nodeId: spec.nodeId }),
      ...(m.gridCellId === undefined ? {} : { gridCellId: m.gridCellId }),
      ...(m.stationId === undefined ? {} : { stationId: m.stationId }),
      ...(spec.etaSec === undefined ? {} : { etaSec: spec.etaSec }),
      ackDeadline: iso(deadline),
      escalationLevel: spec.escalationLevel,
      ...(rung === undefined || spec.assignedBy ? {} : { rung }),
      ...(spec.candidates?.length ? { candidates: [...spec.candidates] } : {}),
      ...(spec.supersedes === undefined ? {} : { supersedes: spec.supersedes }),
      ...this.statutory(),
      ...(spec.instructions === undefined ? {} : { instructions: spec.instructions }),
      ...(spec.assignedBy === undefined ? {} : { assignedBy: spec.assignedBy }),
    };
    const slot: OrderSlot = { order, unitKind: u.kind, rungIndex: spec.rungIndex };
    m.orders.push(slot);
    this.outputs.orders.push(order);
    this.deadlinesSet.set(orderId, deadline);
    this.deadlinesCleared.delete(orderId);
    this.timeline({
      type: 'dispatched',
      orderId,
      unitId: spec.unitId,
      revision: 1,
      unitKind: u.kind,
      ...(spec.etaSec === undefined ? {} : { etaSec: spec.etaSec }),
      ackDeadline: order.ackDeadline,
      escalationLevel: spec.escalationLevel,
      ...(spec.supersedes === undefined ? {} : { supersedes: spec.supersedes }),
      ...this.statutory(),
    });
    this.auditOrder(order);
    if (first) this.sample('signalToDispatch', m.refId, (this.now - m.signalAt) / 1000);
    return slot;
  }

  /** A new revision of an order with `patch` applied. */
  revise(slot: OrderSlot, patch: Partial<DispatchOrder>, timeline = false): void {
    const order: DispatchOrder = {
      ...slot.order,
      ...patch,
      revision: slot.order.revision + 1,
      updatedAt: iso(this.now),
    };
    slot.order = order;
    this.outputs.orders.push(order);
    this.auditOrder(order);
    if (timeline) {
      this.timeline(
        {
          type: 'dispatched',
          orderId: order.orderId,
          unitId: order.unitId,
          revision: order.revision,
          unitKind: slot.unitKind,
          ackDeadline: order.ackDeadline,
          escalationLevel: order.escalationLevel,
          ...this.statutory(),
        },
        `r${order.revision}`,
      );
    }
  }

  /** Ends an order (done, cancelled, replaced): a last revision, its unit released, no deadline. */
  end(slot: OrderSlot, status: Exclude<OrderStatus, 'active'>): void {
    if (!isActive(slot)) return;
    this.revise(slot, { status });
    this.release(slot.order.unitId, slot.order.orderId);
    this.clearDeadline(slot.order.orderId);
  }

  clearDeadline(orderId: string): void {
    this.deadlinesSet.delete(orderId);
    this.deadlinesCleared.add(orderId);
  }

  setDeadline(orderId: string, at: number): void {
    this.deadlinesCleared.delete(orderId);
    this.deadlinesSet.set(orderId, at);
  }

  /** The order's unit accepted it (also implied by en route / on scene): the deadline stops. */
  accept(slot: OrderSlot, at: number): boolean {
    if (slot.acceptedAt !== undefined) return false;
    slot.acceptedAt = at;
    this.clearDeadline(slot.order.orderId);
    this.sample('dispatchToAck', slot.order.orderId, (at - Date.parse(slot.order.issuedAt)) / 1000);
    return true;
  }

  // --- targets and escalation ----------------------------------------------------------------

  /** Where an order of this matter goes when it has no position of its own. */
  destination(): GeoPoint | undefined {
    const m = this.matter;
    if (m.location) return m.location;
    return m.gridCellId ? this.ctx.city.cellCentre(m.gridCellId) : undefined;
  }

  /**
   * Who answers at a rung, leaving out `exclude`; `undefined` when nobody can. `ahead`: how many
   * more units this decision will want at the same place after this one (a two-unit incident).
   */
  targetFor(rung: EscalationRung, to: GeoPoint, exclude: ReadonlySet<string>, ahead = 0): Target | undefined {
    const m = this.matter;
    const pick = (id: string | undefined) =>
      id !== undefined && !exclude.has(id) && this.canTake(id) ? { unitId: id } : undefined;
    switch (rung) {
      case 'officer':
        return pick(m.gridCellId ? this.ctx.city.cell(m.gridCellId)?.officerId : undefined);
      case 'duty_desk':
        return pick(m.stationId ? this.ctx.city.dutyDeskOf(m.stationId) : undefined);
      case 'patrol':
      case 'district':
      case 'city': {
        // The recommendation is the fastest few; the order goes to the first of them this decision
        // can still give work to, else to the first of two more (ranked only then: the search
        // stops once no other unit can beat the k-th, so asking for fewer settles fewer roads).
        const { recommend } = this.ctx;
        const candidates = this.ctx.rank(to, exclude, recommend, ahead);
        const first =
          candidates.find((c) => this.canTake(c.unitId)) ??
          (candidates.length < recommend
            ? undefined
            : this.ctx.rank(to, exclude, recommend + 2).find((c) => this.canTake(c.unitId)));
        return first ? { unitId: first.unitId, etaSec: first.etaSec, candidates } : undefined;
      }
      default: {
        const unreachable: never = rung;
        throw new Error(`unknown rung ${String(unreachable)}`);
      }
    }
  }

  /**
   * Gives an order at the first rung from `fromRung` up where someone can take it. `undefined`
   * when nobody on the ladder can.
   */
  dispatchFrom(
    fromRung: number,
    spec: Omit<IssueSpec, 'unitId' | 'rungIndex' | 'etaSec' | 'candidates' | 'destination'> & {
      readonly destination?: GeoPoint;
    },
    exclude: ReadonlySet<string> = this.tried(),
    ahead = 0,
  ): OrderSlot | undefined {
    const to = spec.destination ?? this.destination();
    if (!to) return undefined;
    const rungs = rungsOf(this.ctx.ladder, this.matter.category);
    for (let i = fromRung; i < rungs.length; i++) {
      const target = this.targetFor((rungs[i] as { rung: EscalationRung }).rung, to, exclude, ahead);
      if (!target) continue;
      const slot = this.issue({
        ...spec,
        destination: to,
        unitId: target.unitId,
        rungIndex: i,
        ...(target.etaSec === undefined ? {} : { etaSec: target.etaSec }),
        ...(target.candidates ? { candidates: target.candidates } : {}),
      });
      if (slot) return slot;
    }
    return undefined;
  }

  /**
   * The order was not accepted in time, was refused, or its unit went away: the next rung that
   * can answer gets a new order superseding it. When nobody higher up can, the order stays with its
   * unit, the supervisor sees the matter at the top rung, and the deadline runs again.
   */
  escalate(slot: OrderSlot, reason: EscalationReason): void {
    if (!isActive(slot)) return;
    const m = this.matter;
    const rungs = rungsOf(this.ctx.ladder, m.category);
    const from = slot.order;
    const level = from.escalationLevel + 1;
    const next = slot.rungIndex + 1;
    if (next >= rungs.length) {
      // Top of the ladder already: nobody left to ask. The order stays; its deadline no longer runs.
      this.clearDeadline(from.orderId);
      return;
    }
    const exclude = this.tried();
    const replacement = this.dispatchFrom(
      next,
      {
        kind: from.kind,
        destination: from.destination,
        ...(from.nodeId === undefined ? {} : { nodeId: from.nodeId }),
        escalationLevel: level,
        supersedes: from.orderId,
        ...(from.instructions === undefined ? {} : { instructions: from.instructions }),
      },
      exclude,
    );
    const rungIndex = replacement ? replacement.rungIndex : rungs.length - 1;
    const rung = (rungs[rungIndex] as { rung: EscalationRung }).rung;
    // The escalated entry goes before the new order's dispatched entry.
    const escalated: TimelineEvent = this.timelineEntry(
      {
        type: 'escalated',
        orderId: from.orderId,
        unitId: from.unitId,
        escalationLevel: level,
        rung,
        reason,
        deadline: from.ackDeadline,
        ...this.statutory(),
      },
      String(level),
    );
    const at = replacement
      ? this.outputs.timeline.findIndex(
          (e) => e.type === 'dispatched' && e.orderId === replacement.order.orderId,
        )
      : -1;
    if (at >= 0) this.outputs.timeline.splice(at, 0, escalated);
    else this.outputs.timeline.push(escalated);
    this.audit({
      eventId: boundedId(['aud-router-esc', from.orderId, level]),
      action: 'escalation',
      target: { kind: 'order', id: from.orderId },
      details: {
        refKind: m.refKind,
        refId: m.refId,
        unitId: from.unitId,
        escalationLevel: level,
        rung,
        reason,
        ...(replacement
          ? { newOrderId: replacement.order.orderId, newUnitId: replacement.order.unitId }
          : { newOrderId: 'none' }),
      },
    });
    if (replacement) {
      this.end(slot, 'superseded');
      return;
    }
    // Nobody can take it: the matter is at the top rung; the order waits another deadline there.
    slot.rungIndex = rungIndex;
    const deadline = this.deadlineAt(rungIndex);
    this.revise(slot, { escalationLevel: level, rung, ackDeadline: iso(deadline) });
    this.setDeadline(from.orderId, deadline);
  }

  // --- records -------------------------------------------------------------------------------

  private timelineEntry(
    fields: Record<string, unknown> & { type: TimelineEvent['type'] },
    ...idParts: string[]
  ): TimelineEvent {
    const m = this.matter;
    const what = 'orderId' in fields && typeof fields.orderId === 'string' ? [fields.orderId] : [];
    return {
      version: 1,
      eventId: timelineId(m.refId, fields.type, ...what, ...idParts),
      refKind: m.refKind,
      refId: m.refId,
      at: iso(this.now),
      ...(m.gridCellId === undefined ? {} : { gridCellId: m.gridCellId }),
      ...(m.stationId === undefined ? {} : { stationId: m.stationId }),
      ...(this.actor === undefined ? {} : { actor: this.actor }),
      ...fields,
    } as TimelineEvent;
  }

  /** Appends a timeline entry; its id is `<refId>:<type>[:<orderId>][:<idParts>…]`. */
  timeline(fields: Record<string, unknown> & { type: TimelineEvent['type'] }, ...idParts: string[]): void {
    this.outputs.timeline.push(this.timelineEntry(fields, ...idParts));
  }

  private audit(
    e: Pick<AuditEvent, 'eventId' | 'action' | 'target'> & { details: Record<string, string | number> },
  ): void {
    this.outputs.audits.push({
      version: 1,
      eventId: e.eventId,
      at: iso(this.now),
      service: 'router',
      ...(this.actor === undefined
        ? {}
        : { actor: { username: this.actor.username, role: this.actor.role } }),
      action: e.action,
      ...(e.target ? { target: e.target } : {}),
      result: 'ok',
      details: e.details,
      ...(this.correlationId === undefined ? {} : { correlationId: this.correlationId }),
    });
  }

  private auditOrder(order: DispatchOrder): void {
    this.audit({
      eventId: boundedId(['aud-router', order.orderId, `r${order.revision}`]),
      action: 'dispatch',
      target: { kind: 'order', id: order.orderId },
      details: {
        refKind: this.matter.refKind,
        refId: order.refId,
        unitId: order.unitId,
        status: order.status,
        revision: order.revision,
        escalationLevel: order.escalationLevel,
        ...(order.rung === undefined ? {} : { rung: order.rung }),
        ...(order.supersedes === undefined ? {} : { supersedes: order.supersedes }),
      },
    });
  }

  /** An operator's command that could not be carried out: audited as failed, nothing else. */
  refuse(command: string, reason: string, targetId: string): void {
    this.outputs.audits.push({
      version: 1,
      eventId: boundedId(['aud-router-cmd', this.decisionId]),
      at: iso(this.now),
      service: 'router',
      ...(this.actor === undefined
        ? {}
        : { actor: { username: this.actor.username, role: this.actor.role } }),
      action: 'command',
      target: { kind: this.matter.refKind, id: targetId },
      result: 'failed',
      details: { command, reason },
      ...(this.correlationId === undefined ? {} : { correlationId: this.correlationId }),
    });
  }

  sample(metric: SampleMetric, id: string, seconds: number): void {
    this.samples.push({ metric, priority: this.matter.priority, seconds: Math.max(0, seconds), id });
  }

  /** Closes the matter: active orders end as `status`, a closed entry, no retry. */
  close(
    reason: Extract<TimelineEvent, { type: 'closed' }>['reason'],
    status: 'cancelled' | 'completed',
    note?: string,
  ): void {
    if (this.matter.closed) return;
    for (const slot of this.activeSlots()) this.end(slot, status);
    this.timeline({ type: 'closed', reason, ...(note ? { note: note.slice(0, 2000) } : {}) });
    this.matter.closed = true;
    this.retryAt = null;
  }

  /** The decision: the matter (with this decision marked seen) and everything it implies. */
  finish(): Decision {
    const m = this.matter;
    m.seen = [...m.seen.filter((s) => s !== this.decisionId), this.decisionId].slice(-SEEN_KEPT);
    return {
      decisionId: this.decisionId,
      matter: m,
      outputs: this.outputs,
      unitOps: this.unitOps,
      deadlines: { set: [...this.deadlinesSet.entries()], clear: [...this.deadlinesCleared] },
      retryAt: this.retryAt,
      samples: this.samples,
      correlationId: this.correlationId,
    };
  }
}
