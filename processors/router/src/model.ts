/**
 * What the router keeps per matter (a fraud warning, an incident, a pursuit) and per unit, and what a
 * decision changes. A matter is one JSON record in Redis, updated with compare-and-set; a decision
 * is computed from it by a pure function and committed atomically with the units it claims or
 * releases, the deadlines it sets and the records it will publish (its outbox).
 */
import type {
  AlertLevel,
  AuditEvent,
  DispatchOrder,
  GeoPoint,
  IncidentCategory,
  IncidentResolution,
  RefKind,
  TimelineEvent,
  UnitKind,
  UnitState,
  UnitStatus,
} from '@fenghuo/contracts';

/** Which ladder a matter climbs: the keys of the escalation ladder's `ladders`. */
export type MatterCategory =
  | 'alert'
  | 'incident'
  | 'interception'
  | 'protection_order'
  | 'complaint_followup';

/** An order and where it stands. */
export interface OrderSlot {
  /** The latest revision. */
  order: DispatchOrder;
  unitKind: UnitKind;
  /** Index of the order's rung in its matter's ladder. */
  rungIndex: number;
  /** Epoch ms of the first `accepted` (or en route / on scene) answer: the deadline no longer runs. */
  acceptedAt?: number;
  enRouteAt?: number;
  onSceneAt?: number;
}

export interface Matter {
  refKind: RefKind;
  refId: string;
  category: MatterCategory;
  /** Key of the ladder's `deadlinesSec`: `p1`…`p4`, or the alert's level. */
  deadlineClass: string;
  priority: number;
  level?: AlertLevel;
  incidentCategory?: IncidentCategory;
  plate?: string;
  location?: GeoPoint;
  gridCellId?: string;
  stationId?: string;
  address?: string;
  /** Epoch ms of the signal (the incident's occurrence, the alert's raising). */
  signalAt: number;
  /** The alert's or plan's revision last applied. */
  inputRevision: number;
  /** Units the matter needs at once (two for violence and robbery). */
  needed: number;
  orders: OrderSlot[];
  closed: boolean;
  /** Ids of the last decisions applied (redelivered inputs are recognised by them). */
  seen: string[];
  /** The correlation id of the signal, carried onto escalations. */
  correlationId?: string;
  /** Epoch ms of the legal clock's end (a protection order), carried on its orders and timeline. */
  statutoryDeadline?: number;
  /** What its orders say, when fixed at the start (a complaint follow-up's reasons). */
  instructions?: string;
  /** The officer's outcome and the caller's satisfaction, from the last `completed` answer that gave them. */
  resolution?: IncidentResolution;
}

/** A unit as Redis knows it: its state and its last position. */
export interface UnitView {
  readonly id: string;
  readonly kind: UnitKind;
  readonly stationId: string;
  readonly status: UnitState;
  /** Active orders. Patrol units hold one at a time; officers and duty desks several. */
  readonly orders: readonly string[];
  readonly lon: number | undefined;
  readonly lat: number | undefined;
  /** Epoch ms of the last position report; 0 when the unit never reported. */
  readonly seenAt: number;
}

/** The records a decision publishes, in this order. */
export interface Outputs {
  orders: DispatchOrder[];
  timeline: TimelineEvent[];
  statuses: UnitStatus[];
  audits: AuditEvent[];
}

export type SampleMetric = 'signalToDispatch' | 'dispatchToAck' | 'dispatchToOnScene';

export interface Sample {
  readonly metric: SampleMetric;
  readonly priority: number;
  readonly seconds: number;
  /** Unique per sample (an order id), so a replayed decision counts once. */
  readonly id: string;
}

/** What a decision does to a unit (see `unit-ops.ts`). */
export type UnitOp =
  | { readonly op: 'claim'; readonly unitId: string; readonly orderId: string }
  | { readonly op: 'release'; readonly unitId: string; readonly orderId: string }
  | {
      readonly op: 'progress';
      readonly unitId: string;
      readonly orderId: string;
      readonly status: 'en_route' | 'on_scene';
    };

export interface Decision {
  /** Deterministic from the input (`alert:<id>:r<rev>`, `ack:<eventId>`, `deadline:<orderId>`…). */
  readonly decisionId: string;
  /** The matter's new state; `undefined` when nothing about the matter changed. */
  readonly matter: Matter | undefined;
  /**
   * The records to publish. `statuses` are the ones the decision expects; the commit replaces them
   * with what the script did to the units (the same, unless a concurrent decision touched them).
   */
  readonly outputs: Outputs;
  readonly unitOps: readonly UnitOp[];
  /** Acknowledgement deadlines to set (order id → epoch ms) and to clear. */
  readonly deadlines: { readonly set: readonly [string, number][]; readonly clear: readonly string[] };
  /** Try the matter again at this time (an incident no unit could take yet); `null` clears it. */
  readonly retryAt: number | null | undefined;
  readonly samples: readonly Sample[];
  /** The correlation id every output carries. */
  readonly correlationId: string | undefined;
}

export const PATROL_UNIT_KINDS: readonly UnitKind[] = ['patrol_car', 'motorcycle', 'foot'];

/** Patrol units take one order at a time; community officers and duty desks several at once. */
export function isExclusive(kind: UnitKind): boolean {
  return PATROL_UNIT_KINDS.includes(kind);
}

/** Whether an order still binds its unit. */
export function isActive(slot: OrderSlot): boolean {
  return slot.order.status === 'active';
}

export function emptyOutputs(): Outputs {
  return { orders: [], timeline: [], statuses: [], audits: [] };
}

/** Priority of a fraud warning by level, for orders and figures. */
export function priorityOfLevel(level: AlertLevel): number {
  return level === 'urgent' ? 1 : level === 'warning' ? 2 : 3;
}
