/**
 * The socket to the gateway: websocket only (no sticky sessions needed), the token in the
 * handshake, every server event into the store, a status for the "stale since" badge, and silent
 * catch-up on reconnect (Socket.IO's connection-state recovery replays what was missed; after a
 * longer gap the gateway pushes a snapshot). Writes go through `send`, answered by the event's ack.
 */
import type {
  Ack,
  Alert,
  ClientEventName,
  ClientEventPayload,
  ClientEventResult,
  ClientToServerEvents,
  DispatchOrder,
  ServerToClientEvents,
} from '@fenghuo/contracts';
import { io, type Socket } from 'socket.io-client';
import type { LiveStore } from './store.ts';

export type ConnectionState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'live' }
  | { readonly kind: 'stale'; readonly since: Date };

export interface ConnectionHooks {
  /** A new (not upgraded) order reached this console. */
  readonly onNewOrder?: (order: DispatchOrder) => void;
  /** An alert that is new, or newly urgent. */
  readonly onAlert?: (alert: Alert, previous: Alert | undefined) => void;
  readonly onState?: (state: ConnectionState) => void;
}

export class Connection {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private stateNow: ConnectionState = { kind: 'connecting' };

  constructor(
    token: string,
    store: LiveStore,
    private readonly hooks: ConnectionHooks = {},
  ) {
    this.socket = io({ transports: ['websocket'], auth: { token } });
    const s = this.socket;
    s.on('connect', () => this.setState({ kind: 'live' }));
    s.on('disconnect', () => {
      if (this.stateNow.kind !== 'stale') this.setState({ kind: 'stale', since: new Date() });
    });
    s.on('connect_error', () => {
      if (this.stateNow.kind !== 'stale') this.setState({ kind: 'stale', since: new Date() });
    });
    s.on('snapshot', (snap) => store.applySnapshot(snap));
    s.on('alert:upserted', (a) => {
      const previous = store.alerts.get(a.alertId);
      if (store.upsertAlert(a) !== 'stale') this.hooks.onAlert?.(a, previous);
    });
    s.on('incident:reported', (i) => store.addIncident(i));
    s.on('order:upserted', (o) => {
      if (store.upsertOrder(o) === 'new' && o.status === 'active') this.hooks.onNewOrder?.(o);
    });
    s.on('timeline:appended', (e) => store.appendTimeline(e));
    s.on('plan:upserted', (p) => store.upsertPlan(p));
    s.on('units:positions', (list) => store.setPositions(list));
    s.on('unit:status', (st) => store.setStatus(st));
    s.on('watchlist:upserted', (w) => store.upsertWatch(w));
    s.on('figures:updated', (f) => store.setFigures(f));
  }

  get state(): ConnectionState {
    return this.stateNow;
  }

  private setState(next: ConnectionState): void {
    this.stateNow = next;
    this.hooks.onState?.(next);
  }

  /** Sends a client event and resolves with its acknowledgement (a time-out is `unavailable`). */
  async send<E extends ClientEventName>(
    event: E,
    payload: ClientEventPayload<E>,
    timeoutMs = 10_000,
  ): Promise<Ack<ClientEventResult<E>>> {
    try {
      // The typed emitter cannot spell a generic event name; the maps keep both sides true.
      const timed = this.socket.timeout(timeoutMs);
      const emit = timed.emitWithAck as unknown as (
        e: E,
        p: ClientEventPayload<E>,
      ) => Promise<Ack<ClientEventResult<E>>>;
      return await emit.call(timed, event, payload);
    } catch {
      return { ok: false, error: { code: 'unavailable', message: 'no answer from the gateway' } };
    }
  }

  /** A fresh token for the open socket (and for the next reconnect's handshake). */
  renew(token: string): void {
    this.socket.auth = { token };
    if (this.socket.connected) void this.send('auth:renew', { token });
  }

  close(): void {
    this.socket.disconnect();
  }
}
