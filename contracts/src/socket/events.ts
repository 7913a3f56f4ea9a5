/**
 * The Socket.IO event maps shared by the gateway and the browser console, in socket.io's typed-events
 * style: `new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>()`
 * on the gateway, `io() as Socket<ServerToClientEvents, ClientToServerEvents>` in the console.
 * Every client→server event carries one payload (validated by the gateway with
 * `ClientEventCodecs`) and an acknowledgement callback answering {@link Ack}.
 * Imports nothing but TypeBox and the contracts, so the browser can import it.
 */
import type { UserIdentity } from '../common.ts';
import type { Alert } from '../events/alert.ts';
import type { DispatchOrder } from '../events/dispatch.ts';
import type { IncidentReport } from '../events/incident-report.ts';
import type { InterceptionPlan } from '../events/interception-plan.ts';
import type { TimelineEvent } from '../events/timeline.ts';
import type { UnitStatus } from '../events/unit.ts';
import type { WatchListEntry } from '../events/watchlist.ts';
import type {
  Ack,
  CommandRequest,
  OrderAckRequest,
  OutcomeRequest,
  Receipt,
  SnapshotRequest,
  SocketAuth,
  TokenRenewed,
  UnitStatusRequest,
} from './payloads.ts';
import type { Figures, LivePosition, Snapshot } from './state.ts';

/** Events the gateway emits; each client gets only what its role and region allow. */
export interface ServerToClientEvents {
  /** A fraud warning, new or upgraded (keep the highest `revision` per `alertId`). */
  'alert:upserted': (alert: Alert) => void;
  /** An incident reported by a source or created by an operator. */
  'incident:reported': (incident: IncidentReport) => void;
  /** An order, new or updated (keep the highest `revision` per `orderId`). */
  'order:upserted': (order: DispatchOrder) => void;
  /** One more step on a matter's timeline. */
  'timeline:appended': (entry: TimelineEvent) => void;
  /** An interception plan, new or re-planned (keep the highest `revision` per `pursuitId`). */
  'plan:upserted': (plan: InterceptionPlan) => void;
  /** Latest positions, coalesced per unit: one array per emit, a few emits per second at most. */
  'units:positions': (positions: LivePosition[]) => void;
  /** A unit's availability changed. */
  'unit:status': (status: UnitStatus) => void;
  /** A watch-list entry added, changed or removed (`status: removed`). */
  'watchlist:upserted': (entry: WatchListEntry) => void;
  /** The whole current state, pushed after a reconnect the server could not resume. */
  snapshot: (snapshot: Snapshot) => void;
  /** Aggregate figures (the console's strip; analysts' per-rule view), refreshed periodically. */
  'figures:updated': (figures: Figures) => void;
}

/** Events clients emit; every one is answered through its acknowledgement callback. */
export interface ClientToServerEvents {
  /** Officers: received / accepted / refused / en route / on scene / completed, for their own orders. */
  'order:ack': (payload: OrderAckRequest, ack: (res: Ack<Receipt>) => void) => void;
  /** Officers: on duty, busy, off duty (supervisors: for any unit). */
  'unit:set-status': (payload: UnitStatusRequest, ack: (res: Ack<Receipt>) => void) => void;
  /** Operators and supervisors: create, assign, reassign, stand down, close, pursuits, watch list. */
  'command:issue': (payload: CommandRequest, ack: (res: Ack<Receipt>) => void) => void;
  /** Officers: the outcome of a fraud warning they handled. */
  'outcome:record': (payload: OutcomeRequest, ack: (res: Ack<Receipt>) => void) => void;
  /** Anyone: the current state they may see. */
  'snapshot:request': (payload: SnapshotRequest, ack: (res: Ack<Snapshot>) => void) => void;
  /**
   * Anyone: a fresh token (from `POST /api/auth/refresh`) for the open socket, same person. A socket
   * whose token expired is refused writes, and is disconnected when it stays expired.
   */
  'auth:renew': (payload: SocketAuth, ack: (res: Ack<TokenRenewed>) => void) => void;
}

/** Gateway instances talk through the Redis Streams adapter only; no events of their own. */
export type InterServerEvents = Record<never, never>;

/** What the gateway keeps on each socket (`socket.data`). */
export interface SocketData {
  user: UserIdentity;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ClientEventName = keyof ClientToServerEvents;

/** The payload a client sends with `event`. */
export type ClientEventPayload<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];

/** The `data` of a successful acknowledgement of `event`. */
export type ClientEventResult<E extends ClientEventName> =
  Parameters<Parameters<ClientToServerEvents[E]>[1]>[0] extends Ack<infer T> ? T : never;

/** Names of the server→client events, for code that must not spell them. */
export const ServerEvent = {
  AlertUpserted: 'alert:upserted',
  IncidentReported: 'incident:reported',
  OrderUpserted: 'order:upserted',
  TimelineAppended: 'timeline:appended',
  PlanUpserted: 'plan:upserted',
  UnitPositions: 'units:positions',
  UnitStatus: 'unit:status',
  WatchlistUpserted: 'watchlist:upserted',
  Snapshot: 'snapshot',
  FiguresUpdated: 'figures:updated',
} as const satisfies Record<string, ServerEventName>;

/** Names of the client→server events. */
export const ClientEvent = {
  OrderAck: 'order:ack',
  UnitSetStatus: 'unit:set-status',
  CommandIssue: 'command:issue',
  OutcomeRecord: 'outcome:record',
  SnapshotRequest: 'snapshot:request',
  AuthRenew: 'auth:renew',
} as const satisfies Record<string, ClientEventName>;
