import type { Server } from 'node:http';
import { examples, Topic } from '@fenghuo/contracts';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/setup/helpers.ts';
import { generateKey, hashKey } from './api-keys.ts';
import { accessLogLevel, createApp } from './app.ts';
import type { Principal } from './key-store.ts';
import { MemoryDedupeStore } from './memory-dedupe.ts';
import { createIngestMetrics } from './metrics.ts';
import { TokenBucketLimiter } from './rate-limiter.ts';
import { listen } from './service.ts';

const { key } = generateKey();
const principal: Principal = {
  source: 'cc-110',
  keyId: 'k1',
  kinds: new Set(['incidents']),
  requireSignature: false,
  signingKey: hashKey(key),
};

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

async function start(send: () => Promise<void>, maxInFlightRequests = 256) {
  const app = createApp(
    {
      logger: pino({ level: 'silent' }),
      keys: { authenticate: (k) => (k === key ? principal : undefined), unitOfDevice: () => undefined },
      residents: {
        contacts: { putMany: async () => {} },
        accountKey: { bytes: Buffer.alloc(32, 7), id: 'test', origin: 'test' },
      },
      gate: {
        send: async () => send(),
        shed: () => undefined,
        admit: () => undefined,
        observeLead: () => {},
      },
      dedupe: new MemoryDedupeStore(),
      sourceLimiter: new TokenBucketLimiter({ ratePerSec: 1e6 }),
      deviceLimiter: new TokenBucketLimiter({ ratePerSec: 1e6 }),
      metrics: createIngestMetrics(new Registry()),
      warn: () => {},
    },
    { maxInFlightRequests, bodyLimitBytes: 64 * 1024, maxEventsPerRequest: 1000, signatureToleranceSec: 300 },
  );
  const l = await listen(app, 0, '127.0.0.1');
  server = l.server;
  return l.url;
}

const post = (url: string, body: unknown) =>
  fetch(`${url}/v1/incidents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('ingest HTTP app (fake Kafka and dedupe)', () => {
  it('refuses requests beyond the in-flight limit with 503 overloaded at once', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let sending = 0;
    const url = await start(() => {
      sending += 1;
      return held;
    }, 2);
    const first = post(url, { ...examples[Topic.IncidentsReported], eventId: 'a' });
    const second = post(url, { ...examples[Topic.IncidentsReported], eventId: 'b' });
    // Both are in flight once both wait on Kafka.
    await waitFor(() => sending === 2, { message: 'two requests waiting on Kafka' });
    const third = await post(url, { ...examples[Topic.IncidentsReported], eventId: 'c' });
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(await third.json()).toMatchObject({ error: { code: 'overloaded' } });
    release();
    expect((await first).status).toBe(202);
    expect((await second).status).toBe(202);
    expect((await post(url, { ...examples[Topic.IncidentsReported], eventId: 'c' })).status).toBe(202);
  });

  it('answers unknown routes and wrong media types with ApiError bodies', async () => {
    const url = await start(async () => {});
    const missing = await fetch(`${url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const text = await fetch(`${url}/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });
});

describe('accessLogLevel', () => {
  it('logs accepted position reports at debug and everything else as before', () => {
    expect(accessLogLevel('/osmand?id=phone-1&lat=31.2&lon=121.4', 200, false)).toBe('debug');
    expect(accessLogLevel('/v1/positions', 202, false)).toBe('debug');
    expect(accessLogLevel('/v1/incidents', 202, false)).toBe('info');
    expect(accessLogLevel('/osmand?id=unknown', 401, false)).toBe('warn');
    expect(accessLogLevel('/v1/positions', 503, false)).toBe('error');
    expect(accessLogLevel('/osmand', 200, true)).toBe('error');
  });
});
