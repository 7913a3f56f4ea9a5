/**
 * Property: whatever a client throws at the gateway — login bodies that are not logins, QR-form
 * reports that cannot be sent, tokens that are not tokens, socket payloads that break their contract, events without acknowledgement or with
 * extra arguments, events the gateway does not know — the answer is a clear 4xx `ApiError` or a
 * refused acknowledgement, the process stays up, and nothing reaches Kafka. 1,000 inputs per route
 * and per socket event.
 */
import { ClientEventCodecs, type ClientEventName, contractExamples, Topic } from '@fenghuo/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, city, startCluster, type TestClient } from './harness.ts';

const RUNS = 1_000;
/** Well-formed logins of unknown users cost a real scrypt check and an audit write each; on a busy machine, minutes. */
const HTTP_PROPERTY_TIMEOUT_MS = 300_000;
let cluster: Cluster;
let url: string;
let officer: TestClient;

beforeAll(async () => {
  cluster = await startCluster({
    name: 'gateway-malformed',
    instances: 1,
    users: [{ username: 'off', role: 'officer', unitId: 'unit-001' }],
    // The limits are not what is tested here; these properties send thousands of events at once.
    env: {
      GATEWAY_SOCKET_EVENT_RATE: '1000000',
      GATEWAY_SOCKET_EVENT_BURST: '1000000',
      GATEWAY_LOGIN_USER_FAILURES: '1000000',
      GATEWAY_LOGIN_ADDRESS_FAILURES: '1000000',
      GATEWAY_REPORT_ADDRESS_LIMIT: '1000000',
      GATEWAY_REPORT_CELL_LIMIT: '1000000',
      GATEWAY_REPORT_FORM_MIN_AGE_SEC: '0',
    },
  });
  url = cluster.instances[0]!.url;
  officer = await cluster.connect(0, { token: await cluster.token(0, 'off') });
});
afterAll(async () => {
  await cluster?.close();
});

async function post(path: string, body: string | Uint8Array, headers: Record<string, string>) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, text };
}

function isApiError(text: string): boolean {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return typeof body.error?.code === 'string' && typeof body.error.message === 'string';
  } catch {
    return false;
  }
}

const notALogin = fc.oneof(
  fc.string().map((s) => ({ body: s, type: 'application/json' })),
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ body: b, type: 'application/json' })),
  fc.json().map((t) => ({ body: t, type: 'application/json' })),
  fc
    .record({ username: fc.anything(), password: fc.anything() }, { requiredKeys: [] })
    .map((r) => ({ body: JSON.stringify(r), type: 'application/json' })),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 64 }), fc.string({ minLength: 1, maxLength: 40 }))
    .filter(([u]) => /^\S+$/.test(u) && u !== 'off')
    .map(([username, password]) => ({ body: JSON.stringify({ username, password }), type: 'text/plain' })),
  fc
    .string({ minLength: 17_000, maxLength: 20_000 })
    .map((s) => ({ body: JSON.stringify({ username: 'x', password: s }), type: 'application/json' })),
);

describe('HTTP routes', () => {
  it(
    'POST /api/auth/login: a 4xx ApiError for every body that is not a right login',
    async () => {
      await fc.assert(
        fc.asyncProperty(notALogin, async ({ body, type }) => {
          const res = await post('/api/auth/login', body, { 'content-type': type });
          expect(res.status, res.text).toBeGreaterThanOrEqual(400);
          expect(res.status, res.text).toBeLessThan(500);
          expect(isApiError(res.text), res.text).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
    HTTP_PROPERTY_TIMEOUT_MS,
  );

  it(
    'POST /r/<cellId>: a 4xx ApiError for every body that is not a sendable report, and nothing written',
    async () => {
      const cellId = city().cells[0]!.id;
      const page = await fetch(`${url}/r/${cellId}`);
      const token = /name="formToken" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      // Whatever else a report gets right, its photo is never an image, so none can be written.
      const notAnImage = fc
        .uint8Array({ minLength: 1, maxLength: 300 })
        .map((b) => Buffer.concat([Buffer.from('x'), b]).toString('base64'));
      const notAReport = fc.oneof(
        fc.string().map((s) => ({ body: s, type: 'application/json' })),
        fc.uint8Array({ maxLength: 200 }).map((b) => ({ body: b, type: 'application/json' })),
        fc.json().map((t) => ({ body: t, type: 'application/json' })),
        fc
          .record(
            {
              category: fc.oneof(fc.constantFrom('disturbance', 'theft', 'other'), fc.anything()),
              text: fc.oneof(fc.string({ maxLength: 50 }), fc.anything()),
              location: fc.oneof(fc.record({ lat: fc.double(), lon: fc.double() }), fc.anything()),
              photo: notAnImage,
              formToken: fc.oneof(fc.constant(token), fc.string(), fc.anything()),
            },
            { requiredKeys: ['photo'] },
          )
          .map((r) => ({ body: JSON.stringify(r), type: 'application/json' })),
      );
      await fc.assert(
        fc.asyncProperty(notAReport, async ({ body, type }) => {
          const res = await post(`/r/${cellId}`, body, { 'content-type': type });
          expect(res.status, res.text).toBeGreaterThanOrEqual(400);
          expect(res.status, res.text).toBeLessThan(500);
          expect(isApiError(res.text), res.text).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
    HTTP_PROPERTY_TIMEOUT_MS,
  );

  it(
    'POST /api/auth/refresh and /api/rules/*: 401 for every Authorization that is not a token',
    async () => {
      const header = fc.oneof(
        fc.string(),
        fc.string().map((s) => `Bearer ${s}`),
        fc.base64String().map((s) => `Bearer ${s}.${s}.${s}`),
      );
      await fc.assert(
        fc.asyncProperty(
          header,
          fc.constantFrom('/api/auth/refresh', '/api/rules/sets'),
          async (auth, path) => {
            const safe = auth.replace(/[^\t\x20-\x7e]/g, '');
            const res = await post(path, '{}', { authorization: safe, 'content-type': 'application/json' });
            expect(res.status, res.text).toBe(401);
            expect(isApiError(res.text)).toBe(true);
          },
        ),
        { numRuns: RUNS },
      );
    },
    HTTP_PROPERTY_TIMEOUT_MS,
  );
});

const CLIENT_EVENTS = Object.keys(ClientEventCodecs) as ClientEventName[];

/** A real payload of `event` with one field replaced, removed or added, or anything at all — never valid. */
function brokenPayload(event: ClientEventName): fc.Arbitrary<unknown> {
  const codec = ClientEventCodecs[event];
  const example = contractExamples[codec.name as keyof typeof contractExamples] as Record<string, unknown>;
  const keys = Object.keys(example);
  return fc
    .oneof(
      fc.anything(),
      fc.tuple(fc.nat(), fc.anything(), fc.constantFrom('replace', 'delete', 'add')).map(([n, value, op]) => {
        const p: Record<string, unknown> = structuredClone(example);
        const key = keys[n % keys.length]!;
        if (op === 'replace') p[key] = value;
        else if (op === 'delete') delete p[key];
        else p[`zz_${key}`] = value;
        return p;
      }),
    )
    .map(onTheWire)
    .filter((p) => !codec.validate(p).ok);
}

/** What the server receives: Socket.IO sends JSON (undefined fields vanish, NaN becomes null). */
function onTheWire(p: unknown): unknown {
  const text = JSON.stringify(p);
  return text === undefined ? undefined : JSON.parse(text);
}

describe('socket events', () => {
  for (const event of CLIENT_EVENTS) {
    it(`${event}: a refused acknowledgement naming the fields for every payload that breaks its contract`, async () => {
      await fc.assert(
        fc.asyncProperty(brokenPayload(event), async (payload) => {
          const answer = await (
            officer.socket as unknown as {
              emitWithAck(
                e: string,
                p: unknown,
              ): Promise<{ ok: boolean; error?: { code: string; details?: unknown[] } }>;
            }
          ).emitWithAck(event, payload);
          expect(answer.ok).toBe(false);
          expect(answer.error?.code).toBe('invalid_payload');
          expect(answer.error?.details?.length).toBeGreaterThan(0);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('events without acknowledgement, with extra arguments, or unknown, change nothing and break nothing', async () => {
    const raw = officer.socket as unknown as { emit(...args: unknown[]): void };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CLIENT_EVENTS, 'join', 'leave', 'admin', 'snapshot'),
        fc.array(fc.anything(), { maxLength: 4 }),
        async (event, args) => {
          raw.emit(event, ...args);
        },
      ),
      { numRuns: RUNS },
    );
    const answer = await officer.socket.emitWithAck('snapshot:request', {});
    expect(answer.ok).toBe(true);
    expect(officer.socket.connected).toBe(true);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('nothing reached the topics people write', async () => {
    const admin = cluster.kafka.admin();
    await admin.connect();
    try {
      for (const topic of [
        Topic.DispatchAcks,
        Topic.UnitsStatus,
        Topic.OperatorCommands,
        Topic.OutcomesLabelled,
        Topic.IncidentsReported,
      ]) {
        const offsets = await admin.fetchTopicOffsets(`${cluster.prefix}${topic}`);
        expect(
          offsets.reduce((s, p) => s + Number(p.high), 0),
          topic,
        ).toBe(0);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
