/**
 * The bench's clients, in a process of their own (`fork`ed by gateway.bench.ts): N socket.io-client
 * connections (websocket only), counting every `alert:upserted` they receive and the time from the
 * alert's `updatedAt` (stamped just before it was written to Kafka, or emitted by the bare server)
 * to its receipt, in a 0.1 ms histogram. Driven over IPC: connect, reset, report, close.
 */
import { io, type Socket } from 'socket.io-client';

export type ToClients =
  | {
      type: 'connect';
      url: string;
      clients: { auth?: Record<string, unknown>; query?: Record<string, string> }[];
    }
  | { type: 'reset' }
  | { type: 'report' }
  | { type: 'close' };

export type FromClients =
  | { type: 'connected'; ms: number; failed: number; error?: string }
  | { type: 'report'; received: number; firstAt: number; lastAt: number; histogram: [number, number][] }
  | { type: 'closed' };

const BUCKET_MS = 0.1;
const BUCKETS = 100_000; // up to 10 s
let histogram = new Uint32Array(BUCKETS);
let received = 0;
let firstAt = 0;
let lastAt = 0;
let sockets: Socket[] = [];

function onAlert(alert: { updatedAt: string }): void {
  const now = Date.now();
  const ms = now - Date.parse(alert.updatedAt);
  histogram[Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)))]! += 1;
  received += 1;
  if (firstAt === 0) firstAt = now;
  lastAt = now;
}

async function connectAll(msg: Extract<ToClients, { type: 'connect' }>): Promise<FromClients> {
  const started = Date.now();
  let failed = 0;
  let error: string | undefined;
  const BATCH = 100;
  for (let i = 0; i < msg.clients.length; i += BATCH) {
    await Promise.all(
      msg.clients.slice(i, i + BATCH).map(
        (c) =>
          new Promise<void>((resolve) => {
            const socket = io(msg.url, {
              transports: ['websocket'],
              forceNew: true,
              reconnection: false,
              // A loaded machine connects 2,000 sockets slowly; the default 20 s is not enough.
              timeout: 120_000,
              ...(c.auth ? { auth: c.auth } : {}),
              ...(c.query ? { query: c.query } : {}),
            });
            socket.on('alert:upserted', onAlert);
            socket.once('connect', () => resolve());
            socket.once('connect_error', (err) => {
              failed += 1;
              error = err.message;
              resolve();
            });
            sockets.push(socket);
          }),
      ),
    );
  }
  return { type: 'connected', ms: Date.now() - started, failed, ...(error ? { error } : {}) };
}

process.on('message', (msg: ToClients) => {
  const send = (m: FromClients) => process.send?.(m);
  switch (msg.type) {
    case 'connect':
      void connectAll(msg).then(send);
      return;
    case 'reset':
      histogram = new Uint32Array(BUCKETS);
      received = 0;
      firstAt = 0;
      lastAt = 0;
      return;
    case 'report': {
      const sparse: [number, number][] = [];
      histogram.forEach((n, i) => {
        if (n > 0) sparse.push([i, n]);
      });
      send({ type: 'report', received, firstAt, lastAt, histogram: sparse });
      return;
    }
    case 'close':
      for (const s of sockets) s.disconnect();
      sockets = [];
      send({ type: 'closed' });
      return;
  }
});
