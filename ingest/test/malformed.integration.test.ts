/**
 * Property: whatever malformed body a client throws at an ingest route — bytes that are not JSON,
 * JSON that is no event, real events with one field broken, batches with one bad event, wrong
 * content types — the answer is a 4xx with an `ApiError` JSON body, the process stays up, and
 * nothing reaches Kafka. At least 1,000 bodies per route.
 */
import { Codecs, examples, fraudIndicatorExamples, Topic } from '@fenghuo/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EVENT_KINDS, type EventKind } from '../src/kinds.ts';
import { type Harness, startHarness } from './harness.ts';

const RUNS = 1_000;

const validByKind: Record<EventKind, readonly Record<string, unknown>[]> = {
  'fraud-indicators': fraudIndicatorExamples as never,
  incidents: [examples[Topic.IncidentsReported] as never],
  sightings: [examples[Topic.VehiclesSighted] as never],
  positions: [examples[Topic.UnitsPositions] as never],
};
const codecByKind = {
  'fraud-indicators': Codecs.FraudIndicator,
  incidents: Codecs.IncidentReport,
  sightings: Codecs.VehicleSighting,
  positions: Codecs.UnitPosition,
} as const;

const PATH: Record<EventKind, string> = {
  'fraud-indicators': '/v1/fraud-indicators',
  incidents: '/v1/incidents',
  sightings: '/v1/sightings',
  positions: '/v1/positions',
};

const nasty = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(''),
  fc.constant(-1e308),
  fc.constant('2026-13-45T99:99:99Z'),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.string({ minLength: 5000, maxLength: 6000 }),
);

/** A real event of `kind` with one field replaced, removed, or one unknown field added — never valid. */
function brokenEvent(kind: EventKind): fc.Arbitrary<Record<string, unknown>> {
  const codec = codecByKind[kind];
  return fc
    .tuple(
      fc.constantFrom(...validByKind[kind]),
      fc.nat(),
      nasty,
      fc.constantFrom('replace', 'delete', 'add'),
    )
    .map(([base, n, value, op]) => {
      const e: Record<string, unknown> = structuredClone(base);
      const keys = Object.keys(e).filter((k) => k !== 'source' && k !== 'receivedAt');
      const key = keys[n % keys.length]!;
      if (op === 'replace') e[key] = value;
      else if (op === 'delete') delete e[key];
      else e[`zz_${key}`] = value;
      return e;
    })
    .filter((e) => !codec.validate({ ...e, source: 's', receivedAt: '2026-11-27T09:00:00Z' }).ok);
}

interface Body {
  readonly body: string | Uint8Array;
  readonly contentType: string;
}

function malformedBody(kind: EventKind): fc.Arbitrary<Body> {
  const json = (body: string): Body => ({ body, contentType: 'application/json' });
  const validOne = fc.constantFrom(...validByKind[kind]);
  return fc.oneof(
    fc.string().map(json),
    fc.uint8Array({ maxLength: 200 }).map((b) => ({ body: b, contentType: 'application/json' })),
    fc
      .json()
      .filter((t) => !codecByKind[kind].is(JSON.parse(t)))
      .map(json),
    brokenEvent(kind).map((e) => json(JSON.stringify(e))),
    fc.tuple(fc.array(validOne, { maxLength: 5 }), brokenEvent(kind), fc.nat()).map(([good, bad, at]) => {
      const batch: unknown[] = good.map((g, i) => ({ ...g, eventId: `pbt-${i}` }));
      batch.splice(at % (batch.length + 1), 0, bad);
      return json(JSON.stringify(batch));
    }),
    fc
      .tuple(fc.array(validOne, { maxLength: 5 }), fc.string({ minLength: 1 }))
      .filter(([, junk]) => {
        try {
          JSON.parse(junk);
          return false;
        } catch {
          return junk.trim() !== '' && !junk.includes('\n');
        }
      })
      .map(([good, junk]) => ({
        body: [...good.map((g) => JSON.stringify(g)), junk].join('\n'),
        contentType: 'application/x-ndjson',
      })),
    fc
      .tuple(
        validOne,
        fc.constantFrom(
          'text/plain',
          'application/xml',
          '',
          'multipart/form-data',
          'application/x-www-form-urlencoded',
        ),
      )
      .map(([e, contentType]) => ({ body: JSON.stringify(e), contentType })),
  );
}

/** Phone reports that can never be accepted: unknown device, or a position that is not one. */
const malformedOsmand = fc.oneof(
  fc
    .record({
      id: fc.oneof(fc.constant('pbt-phone'), fc.string({ maxLength: 10 }), fc.constant(undefined)),
      // Never a usable latitude: not a number, beyond ±90, or missing.
      lat: fc.oneof(
        fc.string({ minLength: 1 }).filter((s) => s.trim() === '' || !Number.isFinite(Number(s))),
        fc.double({ min: 90.000001, max: 1e9, noNaN: true }).map(String),
        fc.double({ min: -1e9, max: -90.000001, noNaN: true }).map(String),
        fc.constant(undefined),
      ),
      lon: fc.oneof(fc.string(), fc.double().map(String)),
      timestamp: fc.oneof(fc.string(), fc.constant(undefined)),
      speed: fc.oneof(fc.string(), fc.constant(undefined)),
    })
    .map((r) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(r)) if (v !== undefined) q.set(k, v);
      return { method: 'GET', query: q.toString(), body: undefined, contentType: undefined } as const;
    }),
  fc.json().map((body) => ({ method: 'POST', query: '', body, contentType: 'application/json' }) as const),
  fc
    .record({
      // Never a usable latitude: text that is no number, a number beyond ±90, null, or an array.
      latitude: fc.oneof(
        fc.string({ minLength: 1 }).filter((s) => s.trim() === '' || !Number.isFinite(Number(s))),
        fc.double({ min: 90.000001, max: 1e9, noNaN: true }),
        fc.double({ min: -1e9, max: -90.000001, noNaN: true }),
        fc.constant(null),
        fc.array(fc.integer(), { maxLength: 2 }),
      ),
      longitude: nasty,
      speed: nasty,
    })
    .map(
      (coords) =>
        ({
          method: 'POST',
          query: '',
          body: JSON.stringify({
            device_id: 'pbt-phone',
            location: { timestamp: '2026-11-27T09:00:00Z', coords },
          }),
          contentType: 'application/json',
        }) as const,
    ),
);

describe('malformed bodies (property-based)', () => {
  let h: Harness;
  let key: string;

  beforeAll(async () => {
    h = await startHarness({
      name: 'ingest-pbt',
      brokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
    });
    key = h.service.keys.addKey('pbt', { kinds: [...EVENT_KINDS] }).key;
    h.service.keys.addDevice('pbt-phone', 'u-pbt');
  });
  afterAll(async () => {
    await h?.close();
  });

  async function expectApiError(res: Response): Promise<void> {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code).toBe('string');
    expect(typeof body.error?.message).toBe('string');
  }

  for (const kind of EVENT_KINDS) {
    it(`${PATH[kind]}: ${RUNS} malformed bodies all get a 4xx ApiError and write nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(malformedBody(kind), async ({ body, contentType }) => {
          const res = await fetch(`${h.url}${PATH[kind]}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${key}`,
              ...(contentType ? { 'content-type': contentType } : {}),
            },
            body,
          });
          await expectApiError(res);
        }),
        { numRuns: RUNS },
      );
      expect(await h.countRecords(kind)).toBe(0);
    });
  }

  it(`/osmand: ${RUNS} malformed phone reports all get a 4xx ApiError and write nothing`, async () => {
    await fc.assert(
      fc.asyncProperty(malformedOsmand, async (r) => {
        const res = await fetch(`${h.url}/osmand${r.query ? `?${r.query}` : ''}`, {
          method: r.method,
          ...(r.contentType ? { headers: { 'content-type': r.contentType } } : {}),
          ...(r.body === undefined ? {} : { body: r.body }),
        });
        await expectApiError(res);
      }),
      { numRuns: RUNS },
    );
    expect(await h.countRecords('positions')).toBe(0);
  });

  it('is still up and ready afterwards', async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    for (const kind of EVENT_KINDS) expect(await h.countRecords(kind)).toBe(0);
  });
});
