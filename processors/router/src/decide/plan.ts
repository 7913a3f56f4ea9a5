/**
 * The interceptor's plans → orders of kind `interception`. The checkpoints that name a unit are
 * assignments: a unit at the same checkpoint keeps its order; a unit moved to another checkpoint,
 * or a checkpoint given to another unit, gets a new order that supersedes the old one; an order
 * whose unit is no longer in the plan is superseded and the unit freed. A plan that ends
 * (captured, lost, cancelled) cancels every order and closes the pursuit. A unit busy on another
 * matter is not taken from it: that checkpoint stays unmanned and the interceptor sees it in the
 * orders (it re-plans on the next sighting). Order ids follow the interceptor's convention,
 * `int-<pursuitId>-<unitId>-<nodeId>` (the checkpoint's `orderId`), so it knows the units working
 * on its pursuit from their status.
 */
import type { Checkpoint, InterceptionPlan } from '@fenghuo/contracts';
import { type DecideContext, Draft } from '../draft.ts';
import { type Decision, isActive, type Matter } from '../model.ts';

export function planDecisionId(plan: InterceptionPlan): string {
  return `plan:${plan.pursuitId}:r${plan.revision}`;
}

function newMatter(ctx: DecideContext, plan: InterceptionPlan, correlationId: string | undefined): Matter {
  const cell = ctx.city.cellAt(plan.vehicleLocation);
  return {
    refKind: 'pursuit',
    refId: plan.pursuitId,
    category: 'interception',
    deadlineClass: 'p1',
    priority: 1,
    plate: plan.plate,
    location: plan.vehicleLocation,
    ...(cell ? { gridCellId: cell.id, stationId: cell.stationId } : {}),
    signalAt: Math.min(ctx.now, Date.parse(plan.createdAt) || ctx.now),
    inputRevision: 0,
    needed: 0,
    orders: [],
    closed: false,
    seen: [],
    ...(correlationId === undefined ? {} : { correlationId }),
  };
}

function instructionsFor(plan: InterceptionPlan, cp: Checkpoint): string {
  return `拦截 ${plan.plate}：到达检查点 ${cp.nodeId}。Hold checkpoint ${cp.nodeId} (ring ${cp.layer}) before ${plan.plate}: you in ~${Math.round(cp.unitEtaSec)} s, the vehicle in ~${Math.round(cp.vehicleEtaSec)} s.`;
}

/** `undefined` when the plan revision is not newer than the one applied. */
export function decidePlan(
  ctx: DecideContext,
  prev: Matter | undefined,
  plan: InterceptionPlan,
  correlationId: string | undefined,
): Decision | undefined {
  if (prev && (prev.closed || plan.revision <= prev.inputRevision)) return undefined;
  const d = new Draft(
    ctx,
    prev ?? newMatter(ctx, plan, correlationId),
    planDecisionId(plan),
    correlationId ?? prev?.correlationId,
  );
  const m = d.matter;
  m.inputRevision = plan.revision;
  m.location = plan.vehicleLocation;
  if (!prev) {
    d.timeline({
      type: 'raised',
      plate: plan.plate,
      location: plan.vehicleLocation,
      priority: 1,
      summary: `Pursuit of ${plan.plate}: ${plan.checkpoints.length} checkpoints planned.`,
    });
  }
  if (plan.status !== 'active') {
    d.close(plan.status, 'cancelled');
    return d.finish();
  }
  // The assignments: checkpoints that name a unit (one checkpoint per unit; the first wins).
  const wanted = new Map<string, Checkpoint>();
  for (const cp of plan.checkpoints) {
    if (cp.unitId !== undefined && !wanted.has(cp.unitId)) wanted.set(cp.unitId, cp);
  }
  const active = d.activeSlots().filter((s) => s.order.kind === 'interception');
  const kept = new Set<string>();
  for (const slot of active) {
    const cp = wanted.get(slot.order.unitId);
    if (cp && cp.nodeId === slot.order.nodeId) kept.add(slot.order.orderId);
  }
  // Old orders that are not kept are replaced (or freed) before new ones take their units.
  const replaced = active.filter((s) => !kept.has(s.order.orderId));
  const byNode = new Map(replaced.map((s) => [s.order.nodeId, s]));
  const byUnit = new Map(replaced.map((s) => [s.order.unitId, s]));
  for (const slot of replaced) d.end(slot, 'superseded');
  for (const [unitId, cp] of wanted) {
    const same = active.find((s) => s.order.unitId === unitId && kept.has(s.order.orderId));
    if (same) continue;
    const old = byNode.get(cp.nodeId) ?? byUnit.get(unitId);
    d.issue({
      unitId,
      kind: 'interception',
      rungIndex: 0,
      destination: cp.location,
      nodeId: cp.nodeId,
      ...(cp.orderId === undefined ? {} : { orderId: cp.orderId }),
      etaSec: Math.round(cp.unitEtaSec * 10) / 10,
      escalationLevel: 0,
      ...(old ? { supersedes: old.order.orderId } : {}),
      instructions: instructionsFor(plan, cp),
    });
  }
  m.needed = d.activeSlots().filter(isActive).length;
  return d.finish();
}
