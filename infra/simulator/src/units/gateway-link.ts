/**
 * An officer's phone on the gateway, as the console's officer view talks to it: log in over HTTP
 * (`POST /api/auth/login`), connect Socket.IO with the token, take `order:upserted` events and the
 * orders of the first `snapshot`, answer with `order:ack` and `outcome:record`. The token is renewed
 * (`POST /api/auth/refresh`, then `auth:renew`) before it expires.
 */
import type {
  Ack,
  ClientToServerEvents,
  CommandRequest,
  DispatchOrder,
  LoginResponse,
  OrderAckRequest,
  OutcomeRequest,
  Receipt,
  ServerToClientEvents,
} from '@fenghuo/contracts';
import { ClientEvent, ServerEvent } from '@fenghuo/contracts';
import { io, type Socket } from 'socket.io-client';
import { SimulatorError } from '../ingest-client.ts';

export interface OfficerLinkOptions {
  readonly gatewayUrl: string;
  readonly username: string;
  readonly password: string;
  /** Every order (new or revised) of the officer's unit. */
  readonly onOrder?: (order: DispatchOrder) => void;
  /** A line for the log (connection lost, renewal failed). */
  readonly onWarning?: (message: string) => void;
  /** Longest wait for an acknowledgement, in ms. @defaultValue `15000` */
  readonly ackTimeoutMs?: number;
}

export async function login(gatewayUrl: string, username: string, password: string): Promise<LoginResponse> {
  const res = await fetch(`${gatewayUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200) {
    throw new SimulatorError(
      `gateway login of ${username} refused: ${res.status} ${text.slice(0, 300)}`,
      res.status === 401 ? 'SIM_LOGIN_REFUSED' : 'SIM_GATEWAY_UNAVAILABLE',
      res.status !== 401,
    );
  }
  return JSON.parse(text) as LoginResponse;
}

export class OfficerLink {
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private token = '';
  private closed = false;

  constructor(private readonly opts: OfficerLinkOptions) {}

  /**
   * Logs in and connects; resolves once the socket is connected. A refused login is not tried
   * again: the gateway looks at its users file on every login, so a user just made with the users
   * CLI logs in at once, and repeated wrong answers would only lock the username out.
   */
  async open(): Promise<void> {
    const session = await login(this.opts.gatewayUrl, this.opts.username, this.opts.password);
    this.token = session.token;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.opts.gatewayUrl, {
      auth: (cb) => cb({ token: this.token }),
      transports: ['websocket'],
      reconnectionDelayMax: 5_000,
    });
    this.socket = socket;
    const onOrder = this.opts.onOrder;
    if (onOrder !== undefined) {
      socket.on(ServerEvent.OrderUpserted, (order) => onOrder(order));
      socket.on(ServerEvent.Snapshot, (snapshot) => {
        for (const order of snapshot.orders ?? []) onOrder(order);
      });
    }
    socket.on('disconnect', (reason) => {
      if (!this.closed)
        this.opts.onWarning?.(`${this.opts.username}: disconnected (${reason}); reconnecting`);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => {
        socket.disconnect();
        reject(
          new SimulatorError(
            `${this.opts.username}: cannot connect: ${err.message}`,
            'SIM_GATEWAY_UNAVAILABLE',
            true,
          ),
        );
      });
    });
    this.scheduleRenewal(session.expiresAt);
  }

  private scheduleRenewal(expiresAt: string): void {
    const left = Date.parse(expiresAt) - Date.now();
    this.renewTimer = setTimeout(() => void this.renew(), Math.max(5_000, (left * 2) / 3));
    this.renewTimer.unref();
  }

  private async renew(): Promise<void> {
    if (this.closed) return;
    try {
      // A refresh needs a live token; after a long pause a fresh login does the same.
      const res = await fetch(`${this.opts.gatewayUrl}/api/auth/refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}` },
        signal: AbortSignal.timeout(30_000),
      });
      const session =
        res.status === 200
          ? ((await res.json()) as LoginResponse)
          : await login(this.opts.gatewayUrl, this.opts.username, this.opts.password);
      this.token = session.token;
      await this.socket?.timeout(this.opts.ackTimeoutMs ?? 15_000).emitWithAck(ClientEvent.AuthRenew, {
        token: session.token,
      });
      this.scheduleRenewal(session.expiresAt);
    } catch (err) {
      this.opts.onWarning?.(
        `${this.opts.username}: token renewal failed (${(err as Error).message}); retrying`,
      );
      this.renewTimer = setTimeout(() => void this.renew(), 10_000);
      this.renewTimer.unref();
    }
  }

  private timed() {
    const socket = this.socket;
    if (socket === undefined) throw new SimulatorError('not connected', 'SIM_GATEWAY_UNAVAILABLE', true);
    return socket.timeout(this.opts.ackTimeoutMs ?? 15_000);
  }

  /** An officer answers one of their orders. */
  ack(req: OrderAckRequest): Promise<Ack<Receipt>> {
    return this.timed().emitWithAck(ClientEvent.OrderAck, req);
  }

  /** An officer records what came of a fraud warning. */
  outcome(req: OutcomeRequest): Promise<Ack<Receipt>> {
    return this.timed().emitWithAck(ClientEvent.OutcomeRecord, req);
  }

  /** A supervisor's command (the simulator's: putting plates on the watch list). */
  command(req: CommandRequest): Promise<Ack<Receipt>> {
    return this.timed().emitWithAck(ClientEvent.CommandIssue, req);
  }

  close(): void {
    this.closed = true;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.socket?.disconnect();
  }
}
