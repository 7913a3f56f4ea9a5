/**
 * Ingest against the real broker and Redis: what a 2xx promises is in Kafka exactly once; what a
 * 4xx refuses leaves Kafka untouched; every refusal names its reason.
 */
import { examples, type IncidentReport, Topic } from '@fenghuo/contracts';
import { CORRELATION_HEADER } from '@fenghuo/kit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signingKeyOf } from '../src/api-keys.ts';
import { sign } from '../src/signature.ts';
import { type Harness, startHarness } from './harness.ts';

const incident = (id: string): IncidentReport => ({
  ...examples[Topic.IncidentsReported],
  eventId: `ev-${id}`,
  incidentId: `inc-${id}`,
});

describe('ingest over HTTP into Kafka', () => {
  let h: Harness;
  let cc110: string;
  let bank: string;

  beforeAll(async () => {
    h = await startHarness({
      name: 'ingest-http',
      brokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
      env: { INGEST_BODY_LIMIT_BYTES: String(256 * 1024) },
    });
    cc110 = h.service.keys.addKey('cc-110', { kinds: ['incidents'] }).key;
    bank = h.service.keys.addKey('bank-a', { kinds: ['fraud-indicators'] }).key;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('writes accepted events exactly once, whether sent singly, as an array or as NDJSON, and retried', async () => {
    const single = incident('s0');
    const array = Array.from({ length: 100 }, (_, i) => incident(`a${i}`));
    const nd = Array.from({ length: 50 }, (_, i) => incident(`n${i}`));
    const ndBody = `${nd.map((e) => JSON.stringify(e)).join('\n')}\n`;

    expect((await h.post('/v1/incidents', single, { key: cc110 })).json).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    expect((await h.post('/v1/incidents', array, { key: cc110 })).json).toEqual({
      accepted: 100,
      duplicates: 0,
    });
    const ndRes = await h.post('/v1/incidents', ndBody, { key: cc110, contentType: 'application/x-ndjson' });
    expect(ndRes.status).toBe(202);
    expect(ndRes.json).toEqual({ accepted: 50, duplicates: 0 });
    // The client did not see the answers and sends everything again: all duplicates.
    expect((await h.post('/v1/incidents', array, { key: cc110 })).json).toEqual({
      accepted: 0,
      duplicates: 100,
    });
    expect(
      (await h.post('/v1/incidents', ndBody, { key: cc110, contentType: 'application/x-ndjson' })).json,
    ).toEqual({
      accepted: 0,
      duplicates: 50,
    });

    const messages = await h.read('incidents', 151);
    expect(await h.countRecords('incidents')).toBe(151);
    const ids = messages.map((m) => (JSON.parse(m.value!) as IncidentReport).eventId);
    expect(new Set(ids).size).toBe(151);
    const first = messages.find((m) => m.key === 'inc-s0');
    const event = JSON.parse(first!.value!) as IncidentReport;
    expect(event.source).toBe('cc-110');
    expect(Date.now() - Date.parse(event.receivedAt!)).toBeLessThan(120_000);
  });

  it('rejects a batch with one bad event whole, naming index, field and reason, and writes nothing', async () => {
    const before = await h.countRecords('fraud-indicators');
    const batch = Array.from({ length: 20 }, (_, i) => ({
      ...examples[Topic.FraudIndicators],
      eventId: `f-${i}`,
    }));
    batch[13] = { ...batch[13]!, durationSec: -5 } as never;
    const res = await h.post('/v1/fraud-indicators', batch, { key: bank });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: {
        code: 'validation_failed',
        details: [{ index: 13, path: 'durationSec', reason: expect.stringMatching(/greater or equal to 0/) }],
      },
    });
    expect((res.json as { error: { requestId?: string } }).error.requestId).toBe(
      res.headers.get('x-request-id'),
    );
    expect(await h.countRecords('fraud-indicators')).toBe(before);
    // The same batch without the bad event goes through.
    batch[13] = { ...examples[Topic.FraudIndicators], eventId: 'f-13' };
    expect((await h.post('/v1/fraud-indicators', batch, { key: bank })).json).toEqual({
      accepted: 20,
      duplicates: 0,
    });
    expect(await h.countRecords('fraud-indicators')).toBe(before + 20);
  });

  it('answers 401 without a key, with an unknown key and with a revoked key; 403 for a kind the source may not send', async () => {
    const before = await h.countRecords('incidents');
    const noKey = await h.post('/v1/incidents', incident('x1'));
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('www-authenticate')).toContain('Bearer');
    expect(
      (
        await h.post('/v1/incidents', incident('x1'), {
          key: 'fh_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        })
      ).status,
    ).toBe(401);
    const temp = h.service.keys.addKey('cc-temp', { kinds: ['incidents'] });
    expect((await h.post('/v1/incidents', incident('x2'), { key: temp.key })).status).toBe(202);
    h.service.keys.revoke({ keyId: temp.id });
    const revoked = await h.post('/v1/incidents', incident('x3'), { key: temp.key });
    expect(revoked.status).toBe(401);
    expect(revoked.json).toMatchObject({ error: { code: 'unauthorized' } });
    const forbidden = await h.post('/v1/incidents', incident('x4'), { key: bank });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toMatchObject({
      error: { code: 'forbidden', message: expect.stringContaining('bank-a') },
    });
    expect(await h.countRecords('incidents')).toBe(before + 1);
  });

  it('answers 413 for a body over the size limit and for more than 1,000 events', async () => {
    const before = await h.countRecords('incidents');
    const huge = { ...incident('big'), description: 'x'.repeat(300 * 1024) };
    const tooBig = await h.post('/v1/incidents', huge, { key: cc110 });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json).toMatchObject({ error: { code: 'body_too_large' } });
    const many = Array.from({ length: 1001 }, (_, i) => ({ eventId: `m${i}` }));
    const tooMany = await h.post('/v1/incidents', many, { key: cc110 });
    expect(tooMany.status).toBe(413);
    expect(tooMany.json).toMatchObject({ error: { code: 'too_many_events' } });
    expect(await h.countRecords('incidents')).toBe(before);
  });

  it('checks HMAC signatures: required for a signing source, stale or wrong ones refused', async () => {
    const signer = h.service.keys.addKey('bank-signed', {
      kinds: ['fraud-indicators'],
      requireSignature: true,
    });
    const body = JSON.stringify({ ...examples[Topic.FraudIndicators], eventId: 'sig-1' });
    const nowSec = Math.floor(Date.now() / 1000);
    const unsigned = await h.post('/v1/fraud-indicators', body, { key: signer.key });
    expect(unsigned.json).toMatchObject({ error: { code: 'signature_required' } });
    const stale = await h.post('/v1/fraud-indicators', body, {
      key: signer.key,
      headers: { 'x-signature': sign(signingKeyOf(signer.key), body, nowSec - 3600) },
    });
    expect(stale.status).toBe(401);
    expect(stale.json).toMatchObject({ error: { code: 'invalid_signature' } });
    const tampered = await h.post('/v1/fraud-indicators', body.replace('sig-1', 'sig-2'), {
      key: signer.key,
      headers: { 'x-signature': sign(signingKeyOf(signer.key), body, nowSec) },
    });
    expect(tampered.status).toBe(401);
    const good = await h.post('/v1/fraud-indicators', body, {
      key: signer.key,
      headers: { 'x-signature': sign(signingKeyOf(signer.key), body, nowSec) },
    });
    expect(good.status).toBe(202);
    // An unsigned-source key may still sign; a wrong signature is then refused.
    const optional = await h.post('/v1/fraud-indicators', body, {
      key: bank,
      headers: { 'x-signature': `t=${nowSec},v1=${'0'.repeat(64)}` },
    });
    expect(optional.status).toBe(401);
  });

  it('takes Traccar Client positions (OsmAnd query, form and JSON) from registered phones only', async () => {
    h.service.keys.addDevice('phone-it-1', 'u42');
    const t = Math.floor(Date.now() / 1000);
    const get = await fetch(
      `${h.url}/osmand?id=phone-it-1&lat=31.2304&lon=121.4737&timestamp=${t}&speed=10&bearing=45&batt=77`,
    );
    expect(get.status).toBe(200);
    const form = await fetch(`${h.url}/osmand`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `deviceid=phone-it-1&lat=31.2305&lon=121.4738&timestamp=${t + 1}`,
    });
    expect(form.status).toBe(200);
    const json = await h.post('/osmand', {
      device_id: 'phone-it-1',
      location: {
        timestamp: new Date((t + 2) * 1000).toISOString(),
        coords: { latitude: 31.2306, longitude: 121.4739, speed: 5, heading: 90 },
        battery: { level: 0.5 },
      },
    });
    expect(json.status).toBe(200);
    // The phone re-sends a buffered position: acknowledged, not written again.
    expect(
      (await fetch(`${h.url}/osmand?id=phone-it-1&lat=31.2304&lon=121.4737&timestamp=${t}`)).status,
    ).toBe(200);
    const unknown = await fetch(`${h.url}/osmand?id=stolen-phone&lat=31.2&lon=121.4`);
    expect(unknown.status).toBe(401);
    const bad = await fetch(`${h.url}/osmand?id=phone-it-1&lat=95&lon=121.4`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { details: [{ path: 'location.lat' }] } });

    const messages = await h.read('positions', 3);
    expect(await h.countRecords('positions')).toBe(3);
    const byTime = messages
      .map((m) => JSON.parse(m.value!))
      .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    expect(byTime[0]).toMatchObject({
      unitId: 'u42',
      deviceId: 'phone-it-1',
      source: 'osmand',
      speedKph: 18.52,
      headingDeg: 45,
      batteryPct: 77,
    });
    expect(byTime[2]).toMatchObject({ speedKph: 18, batteryPct: 50 });
    expect(messages.every((m) => m.key === 'u42')).toBe(true);
  });

  it('stamps every accepted event with its request id as the correlation-id header, also when coalesced', async () => {
    const mine = (tag: string) => Array.from({ length: 5 }, (_, i) => incident(`corr-${tag}-${i}`));
    // Concurrent requests share one Kafka send; each record keeps its own request's id.
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((tag) =>
        h.post('/v1/incidents', mine(tag), { key: cc110, headers: { 'x-request-id': `req-corr-${tag}` } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers.map((a) => a.headers.get('x-request-id'))).toEqual([
      'req-corr-a',
      'req-corr-b',
      'req-corr-c',
    ]);
    // Without X-Request-Id ingest makes one up, answers it, and stamps that one.
    const anonymous = await h.post('/v1/incidents', mine('d'), { key: cc110 });
    const madeUp = anonymous.headers.get('x-request-id');
    expect(madeUp).toMatch(/^[0-9a-f-]{36}$/);

    // Everything answered 202 is in Kafka: read the whole topic and pick this test's records.
    const records = await h.read('incidents', await h.countRecords('incidents'));
    const idOf = new Map(
      records.map((m) => [
        (JSON.parse(m.value!) as IncidentReport).eventId,
        m.headers[CORRELATION_HEADER]?.toString(),
      ]),
    );
    for (const tag of ['a', 'b', 'c']) {
      for (let i = 0; i < 5; i++) expect(idOf.get(`ev-corr-${tag}-${i}`)).toBe(`req-corr-${tag}`);
    }
    for (let i = 0; i < 5; i++) expect(idOf.get(`ev-corr-d-${i}`)).toBe(madeUp);
  });

  it('reports readiness and metrics', async () => {
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { kafka: 'ok', redis: 'ok' } });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(
      /ingest_events_total\{kind="incidents",outcome="accepted",service="ingest"\} \d+/,
    );
    expect(metrics).toMatch(/ingest_requests_rejected_total\{route="\/v1\/incidents",code="unauthorized"/);
    expect(metrics).toContain('ingest_request_duration_seconds_bucket');
  });
});

describe('ingest rate limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      name: 'ingest-rate',
      brokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
      env: { INGEST_SOURCE_RATE: '10', INGEST_SOURCE_BURST: '30' },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 429 with Retry-After once a source is over its rate, other sources unaffected', async () => {
    const a = h.service.keys.addKey('noisy', { kinds: ['incidents'] }).key;
    const b = h.service.keys.addKey('quiet', { kinds: ['incidents'] }).key;
    const batch = (tag: string) => Array.from({ length: 20 }, (_, i) => incident(`${tag}${i}`));
    expect((await h.post('/v1/incidents', batch('r1-'), { key: a })).status).toBe(202);
    const limited = await h.post('/v1/incidents', batch('r2-'), { key: a });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.json).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await h.post('/v1/incidents', batch('q1-'), { key: b })).status).toBe(202);
    expect(await h.countRecords('incidents')).toBe(40);
  });
});
