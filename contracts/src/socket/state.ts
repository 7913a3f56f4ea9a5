/** What the gateway pushes beyond the Kafka events themselves: live positions, snapshots, figures. */
import { type Static, Type } from '@sinclair/typebox';
import { AmountCny, GeoPoint, Id, Region, Timestamp } from '../common.ts';
import { Alert } from '../events/alert.ts';
import { DispatchOrder } from '../events/dispatch.ts';
import { IncidentReport } from '../events/incident-report.ts';
import { InterceptionPlan } from '../events/interception-plan.ts';
import { UnitKind, UnitState } from '../events/unit.ts';
import { WatchListEntry } from '../events/watchlist.ts';

/** A unit's latest position, as sent to consoles (coalesced: an array of these per emit). */
export const LivePosition = Type.Object(
  {
    unitId: Id,
    location: GeoPoint,
    at: Timestamp,
    speedKph: Type.Optional(Type.Number({ minimum: 0, maximum: 400 })),
    headingDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
    accuracyM: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false, $id: 'LivePosition' },
);
export type LivePosition = Static<typeof LivePosition>;

/** A unit as a snapshot shows it: who it is, where it is, what it does. */
export const UnitSnapshot = Type.Object(
  {
    unitId: Id,
    kind: Type.Optional(UnitKind),
    callSign: Type.Optional(Type.String({ maxLength: 32 })),
    stationId: Type.Optional(Id),
    status: Type.Optional(UnitState),
    statusAt: Type.Optional(Timestamp),
    orderId: Type.Optional(Id),
    position: Type.Optional(LivePosition),
    stale: Type.Optional(Type.Boolean({ description: 'The phone has not reported for a while.' })),
  },
  { additionalProperties: false },
);
export type UnitSnapshot = Static<typeof UnitSnapshot>;

/**
 * The current state a client may see (its region, its own orders), for a reconnect after a gap
 * too long to replay; live events follow it. A part is present when requested (all by default).
 */
export const Snapshot = Type.Object(
  {
    at: Timestamp,
    region: Type.Optional(Region),
    alerts: Type.Optional(Type.Array(Alert, { description: 'Open alerts, latest revision of each.' })),
    incidents: Type.Optional(Type.Array(IncidentReport, { description: 'Open incidents.' })),
    orders: Type.Optional(
      Type.Array(DispatchOrder, { description: 'Active orders, latest revision of each.' }),
    ),
    units: Type.Optional(Type.Array(UnitSnapshot)),
    plans: Type.Optional(
      Type.Array(InterceptionPlan, { description: 'Active pursuits, latest plan of each.' }),
    ),
    watchList: Type.Optional(Type.Array(WatchListEntry, { description: 'Active entries.' })),
  },
  { additionalProperties: false, $id: 'Snapshot' },
);
export type Snapshot = Static<typeof Snapshot>;

const Count = Type.Integer({ minimum: 0 });

/** Per-rule figures from outcome labels, for analysts. */
export const RuleFigure = Type.Object(
  {
    ruleId: Id,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    fired: Count,
    labelled: Type.Integer({ minimum: 0, description: 'Alerts it fired in that have an outcome.' }),
    confirmed: Type.Integer({ minimum: 0, description: 'Of those, outcomes other than false alarm.' }),
    precision: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);
export type RuleFigure = Static<typeof RuleFigure>;

/**
 * Aggregate figures since `since` (the console's strip; analysts' per-rule view). No resident's
 * details: counts, amounts and medians only.
 */
export const Figures = Type.Object(
  {
    at: Timestamp,
    since: Timestamp,
    region: Type.Optional(Region),
    alerts: Type.Object(
      { raised: Count, open: Count, notice: Count, warning: Count, urgent: Count },
      { additionalProperties: false },
    ),
    outcomes: Type.Object(
      { dissuaded: Count, loss_prevented: Count, too_late: Count, false_alarm: Count },
      { additionalProperties: false },
    ),
    amountSavedCny: AmountCny,
    lossCny: AmountCny,
    incidents: Type.Object({ reported: Count, open: Count }, { additionalProperties: false }),
    orders: Type.Object(
      { active: Count, pastDeadline: Count, escalations: Count },
      { additionalProperties: false },
    ),
    medianToDispatchSec: Type.Optional(Type.Number({ minimum: 0, description: 'Signal to first order.' })),
    medianToOnSceneSec: Type.Optional(Type.Number({ minimum: 0, description: 'First order to on scene.' })),
    rules: Type.Optional(Type.Array(RuleFigure, { maxItems: 1000 })),
  },
  { additionalProperties: false, $id: 'Figures' },
);
export type Figures = Static<typeof Figures>;
