/**
 * The Socket.IO side of the gateway: every connection proves itself with a token (`auth: {token}`,
 * verified with the kit's {@link AuthTokens}); the server alone puts it in the rooms of its role and
 * binding; every emit from a client is rate-limited, checked against its contract and answered
 * through its acknowledgement; a connection that could not be resumed gets a snapshot first.
 *
 * Instances share rooms through `@socket.io/redis-streams-adapter`; connection-state recovery
 * (within the recovery window) replays what a client missed from the adapter's Redis stream, on
 * whichever instance it comes back to.
 */
import type { Server as HttpServer } from 'node:http';
import {
  type Ack,
  ClientEventCodecs,
  type ClientEventName,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
  type UserIdentity,
} from '@fenghuo/contracts';
import { AuthError, type AuthTokens, type Logger } from '@fenghuo/kit';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import type { SnapshotDeps } from '../live/snapshot.ts';
import { buildSnapshot } from '../live/snapshot.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { roomsOfUser } from '../rooms.ts';
import {
  type ActionContext,
  type ActionDeps,
  ackOrder,
  issueCommand,
  recordOutcome,
  refusal,
  setUnitStatus,
} from './actions.ts';
import { TokenBucket } from './token-bucket.ts';

export interface GatewaySocketData extends SocketData {
  /** When the socket's token expires (ms since epoch); `auth:renew` moves it. */
  expiresAtMs: number;
  /** The client's address, for audit entries. */
  address: string;
}

export type GatewayServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  GatewaySocketData
>;
type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, GatewaySocketData>;

export interface SocketServerOptions {
  /** How long a disconnected client's missed events are kept for it. */
  readonly recoveryWindowMs: number;
  /** Entries kept in the adapter's Redis stream. */
  readonly streamMaxLen: number;
  /** Names in Redis and its channels, prefixed per deployment or test. */
  readonly redisPrefix: string;
  readonly eventRatePerSec: number;
  readonly eventBurst: number;
  /** A socket whose token expired this long ago is disconnected. */
  readonly tokenGraceSec: number;
  /** Take the address from X-Forwarded-For. */
  readonly trustProxy: boolean;
}

export interface SocketServerDeps {
  readonly tokens: AuthTokens;
  readonly actions: ActionDeps;
  readonly snapshot: SnapshotDeps;
  /** A Redis connection without key prefix, for the adapter (it names its keys itself). */
  readonly adapterRedis: Redis;
  /** Whether a user is still allowed in (not disabled, same role and binding). */
  readonly stillValid: (user: UserIdentity) => boolean;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
}

export interface RunningSockets {
  readonly io: GatewayServer;
  /**
   * Closes every connection of this instance (clients reconnect elsewhere and resume), the adapter
   * and the HTTP server it is attached to. Idempotent.
   */
  stop(): Promise<void>;
}

function addressOf(socket: GatewaySocket, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = socket.handshake.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return socket.handshake.address;
}

type Handler = (payload: never, ctx: ActionContext, socket: GatewaySocket) => Promise<Ack<unknown>>;

export function attachSockets(
  http: HttpServer,
  deps: SocketServerDeps,
  opts: SocketServerOptions,
): RunningSockets {
  const log = deps.logger.child({ component: 'sockets' });
  const io: GatewayServer = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    connectionStateRecovery: {
      maxDisconnectionDuration: opts.recoveryWindowMs,
      // Middlewares run on a resumed connection too: its token is verified again.
      skipMiddlewares: false,
    },
    adapter: createAdapter(deps.adapterRedis, {
      streamName: `${opts.redisPrefix}sio:stream`,
      sessionKeyPrefix: `${opts.redisPrefix}sio:session:`,
      channelPrefix: `${opts.redisPrefix}sio`,
      maxLen: opts.streamMaxLen,
      onlyPlaintext: true,
    }),
  });

  io.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    try {
      if (!ClientEventCodecs['auth:renew'].is({ token }))
        throw new AuthError('unauthorized', 'auth.token missing or malformed');
      const verified = await deps.tokens.verify(token as string);
      if (!deps.stillValid(verified.user)) throw new AuthError('unauthorized', 'user disabled or changed');
      // A resumed session (its rooms, what it missed) belongs to the person who opened it.
      const resumed = socket.recovered ? (socket.data as Partial<GatewaySocketData>).user : undefined;
      if (resumed !== undefined && resumed.username !== verified.user.username) {
        throw new AuthError('unauthorized', 'this session belongs to another person');
      }
      socket.data.user = verified.user;
      socket.data.expiresAtMs = verified.expiresAtMs;
      socket.data.address = addressOf(socket, opts.trustProxy);
      next();
    } catch (err) {
      const code = err instanceof AuthError ? err.code : 'unavailable';
      if (!(err instanceof AuthError)) log.error({ err }, 'socket authentication failed');
      const refused = new Error(
        code === 'unavailable' ? 'authentication unavailable' : `unauthorized: ${code}`,
      );
      (refused as Error & { data?: unknown }).data = { code };
      next(refused);
    }
  });

  const handlers: { readonly [E in ClientEventName]: Handler } = {
    'order:ack': (p, ctx) => ackOrder(p, ctx, deps.actions),
    'unit:set-status': (p, ctx) => setUnitStatus(p, ctx, deps.actions),
    'command:issue': (p, ctx) => issueCommand(p, ctx, deps.actions),
    'outcome:record': (p, ctx) => recordOutcome(p, ctx, deps.actions),
    'snapshot:request': async (p: { parts?: never }, ctx) => ({
      ok: true,
      data: await buildSnapshot(ctx.user, p.parts, deps.snapshot),
    }),
    'auth:renew': async (p: { token: string }, ctx, socket) => {
      try {
        const verified = await deps.tokens.verify(p.token);
        const same = JSON.stringify(verified.user) === JSON.stringify(ctx.user);
        if (!same || !deps.stillValid(verified.user))
          return refusal('forbidden', 'a renewal is for the same person');
        socket.data.expiresAtMs = verified.expiresAtMs;
        return { ok: true, data: { expiresAt: new Date(verified.expiresAtMs).toISOString() } };
      } catch (err) {
        if (err instanceof AuthError) return refusal(err.code, err.message);
        throw err;
      }
    },
  };

  io.on('connection', (socket) => {
    const user = socket.data.user;
    const allowed = roomsOfUser(user);
    for (const room of socket.rooms) if (room !== socket.id && !allowed.includes(room)) socket.leave(room);
    socket.join(allowed);
    const bucket = new TokenBucket(opts.eventRatePerSec, opts.eventBurst);
    const listen = socket as unknown as { on(event: string, fn: (...args: unknown[]) => void): void };

    for (const [event, handle] of Object.entries(handlers) as [ClientEventName, Handler][]) {
      listen.on(event, (...args: unknown[]) => {
        const last = args[args.length - 1];
        const ack = typeof last === 'function' ? (last as (res: Ack<unknown>) => void) : undefined;
        const payload = args.length > (ack ? 1 : 0) ? args[0] : undefined;
        const answer = (res: Ack<unknown>) => {
          deps.metrics.clientEvents.inc({ event, result: res.ok ? 'ok' : res.error.code });
          ack?.(res);
        };
        void (async () => {
          if (!bucket.take()) return answer(refusal('rate_limited', 'too many events; slow down'));
          if (event !== 'auth:renew' && socket.data.expiresAtMs < Date.now()) {
            return answer(refusal('token_expired', 'token expired: renew it with auth:renew'));
          }
          const checked = ClientEventCodecs[event].validate(payload);
          if (!checked.ok) {
            return answer(
              refusal(
                'invalid_payload',
                `${ClientEventCodecs[event].name} is not valid`,
                checked.errors.slice(0, 20).map((e) => ({ path: e.path, reason: e.message })),
              ),
            );
          }
          const ctx: ActionContext = { user: socket.data.user, address: socket.data.address };
          try {
            answer(await handle(checked.value as never, ctx, socket));
          } catch (err) {
            log.error({ err, event, username: user.username }, 'client event failed');
            answer(refusal('unavailable', 'could not do it now; try again'));
          }
        })();
      });
    }

    if (!socket.recovered) {
      buildSnapshot(user, undefined, deps.snapshot).then(
        (snapshot) => socket.emit('snapshot', snapshot),
        (err: unknown) => log.error({ err, username: user.username }, 'snapshot failed'),
      );
    }
  });

  const sweep = setInterval(() => {
    const limit = Date.now() - opts.tokenGraceSec * 1000;
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.expiresAtMs < limit || !deps.stillValid(socket.data.user)) socket.disconnect(true);
    }
  }, 5_000);
  sweep.unref();

  let stopping: Promise<void> | undefined;
  return {
    io,
    stop() {
      stopping ??= (async () => {
        clearInterval(sweep);
        // "server shutting down": each client's session is kept for recovery and the client
        // reconnects (to another instance behind the load balancer). This closes the HTTP server too.
        await io.close();
      })();
      return stopping;
    },
  };
}
