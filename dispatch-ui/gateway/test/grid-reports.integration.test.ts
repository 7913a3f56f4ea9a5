/**
 * Grid-worker reports on two gateway instances, the real broker and Redis: the public QR form of a
 * cell (404 for a cell the city does not have), a report from it on `incidents.reported` as a
 * `grid_worker` incident of the cell with the request id as `correlation-id`; a flood from one
 * address, and then from many addresses at one cell, refused with 429 and `Retry-After` (the
 * instances count together) while real reports from elsewhere in the same period are written;
 * form tokens spent once, forged ones refused, a filled-in honeypot dropped; the photo sniffed,
 * capped, kept in Redis and shown only to who may see the cell; a signed-in grid worker reporting
 * about their own cell; the cell's daily summary for its officer.
 */
import type { CellReportSummary, GridReportAccepted, IncidentReport, UserIdentity } from '@fenghuo/contracts';
import { Topic } from '@fenghuo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeMessages } from '../../../test/setup/helpers.ts';
import { type Cluster, city, startCluster } from './harness.ts';

const pack = city();
const [A, B, C, D] = pack.cells as [
  (typeof pack.cells)[number],
  (typeof pack.cells)[number],
  (typeof pack.cells)[number],
  (typeof pack.cells)[number],
];
const far = pack.cells.find((c) => c.stationId !== A.stationId) as (typeof pack.cells)[number];
const ADDRESS_LIMIT = 5;
const CELL_LIMIT = 8;

const USERS: UserIdentity[] = [
  { username: 'officer-a', role: 'officer', unitId: A.officerId },
  { username: 'officer-far', role: 'officer', unitId: far.officerId },
  { username: 'grid-a', role: 'grid_worker', gridCellId: A.id },
  { username: 'ana', role: 'analyst' },
];

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let cluster: Cluster;
const written: string[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    name: 'grid-reports',
    instances: 2,
    users: USERS,
    env: {
      GATEWAY_TRUST_PROXY: '1',
      GATEWAY_REPORT_ADDRESS_LIMIT: String(ADDRESS_LIMIT),
      GATEWAY_REPORT_CELL_LIMIT: String(CELL_LIMIT),
      // The minimum age of a form is unit-tested (form-token.test.ts); here forms are sent at once.
      GATEWAY_REPORT_FORM_MIN_AGE_SEC: '0',
      GATEWAY_REPORT_PHOTO_MAX_BYTES: '4096',
    },
  });
}, 120_000);

afterAll(async () => {
  await cluster?.close();
});

const url = (i: number, path: string) => `${cluster.instances[i % cluster.instances.length]!.url}${path}`;

async function formToken(i: number, cellId: string): Promise<string> {
  const res = await fetch(url(i, `/r/${cellId}`));
  expect(res.status).toBe(200);
  const token = /name="formToken" value="([^"]+)"/.exec(await res.text())?.[1];
  if (!token) throw new Error('no form token on the page');
  return token;
}

async function post(
  i: number,
  cellId: string,
  address: string,
  body: Record<string, unknown>,
  requestId?: string,
) {
  const res = await fetch(url(i, `/r/${cellId}`), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': address,
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as GridReportAccepted & { error?: { code: string } };
  if (res.status === 202) written.push(json.incidentId);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: json };
}

async function report(
  i: number,
  cellId: string,
  address: string,
  extra: Record<string, unknown> = {},
  requestId?: string,
) {
  const token = await formToken(i, cellId);
  return post(
    i,
    cellId,
    address,
    { category: 'disturbance', text: '楼道里有人争吵 quarrel on the stairs', formToken: token, ...extra },
    requestId,
  );
}

async function bearer(username: string) {
  return { authorization: `Bearer ${await cluster.token(0, username)}` };
}

describe('grid-worker reports', () => {
  it('serves the form of a known cell (no external URL in it) and 404 for an unknown one', async () => {
    const res = await fetch(url(0, `/r/${A.id}`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('网格上报');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect((await fetch(url(1, '/r/no-such-cell'))).status).toBe(404);
    const post404 = await fetch(url(1, '/r/no-such-cell'), { method: 'POST', body: '{}' });
    expect(post404.status).toBe(404);
  });

  it('writes a QR report as a grid_worker incident of the cell, keyed and correlated like ingest', async () => {
    const r = await report(0, A.id, '10.9.0.1', { category: 'suspicious' }, 'req-grid-qr-1');
    expect(r.status).toBe(202);
    const [msg] = await consumeMessages(cluster.kafka, {
      topic: `${cluster.prefix}${Topic.IncidentsReported}`,
      count: 1,
    });
    const incident = JSON.parse(msg!.value!) as IncidentReport;
    expect(msg!.key).toBe(r.body.incidentId);
    expect(msg!.headers['correlation-id']?.toString()).toBe('req-grid-qr-1');
    const centre = (A.polygon[0] ?? []).slice(0, -1);
    expect(incident).toMatchObject({
      incidentId: r.body.incidentId,
      channel: 'grid_worker',
      category: 'suspicious',
      priority: 3,
      gridCellId: A.id,
      source: 'qr-form',
    });
    expect(incident.location.lon).toBeCloseTo(centre.reduce((s, p) => s + p[0], 0) / centre.length, 9);
    expect(incident.attachments).toBeUndefined();
  });

  it('refuses a flood with 429 and Retry-After without losing real reports from elsewhere', async () => {
    // One address floods cell B across both instances.
    const flood = [];
    for (let i = 0; i < ADDRESS_LIMIT + 4; i++) flood.push(await report(i, B.id, '10.1.1.1'));
    // A resident elsewhere reports about the same cell meanwhile: the flooding address did not use up the cell.
    const real1 = await report(1, B.id, '10.1.1.2');
    expect(flood.filter((r) => r.status === 202)).toHaveLength(ADDRESS_LIMIT);
    const refused = flood.filter((r) => r.status === 429);
    expect(refused).toHaveLength(4);
    for (const r of refused) {
      expect(r.body.error?.code).toBe('rate_limited');
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }
    expect(real1.status).toBe(202);

    // Many addresses flood cell C: past the cell's limit they are refused, while cell D still takes a report.
    const many = [];
    for (let i = 0; i < CELL_LIMIT + 3; i++) many.push(await report(i, C.id, `10.2.0.${i + 1}`));
    const real2 = await report(0, D.id, '10.2.0.200');
    expect(many.filter((r) => r.status === 202)).toHaveLength(CELL_LIMIT);
    expect(many.filter((r) => r.status === 429).map((r) => r.body.error?.code)).toEqual([
      'rate_limited',
      'rate_limited',
      'rate_limited',
    ]);
    expect(real2.status).toBe(202);

    // Every 202 is on the topic, and only those.
    const all = await consumeMessages(cluster.kafka, {
      topic: `${cluster.prefix}${Topic.IncidentsReported}`,
      count: written.length,
    });
    const ids = all.map((m) => (JSON.parse(m.value!) as IncidentReport).incidentId);
    expect(new Set(ids)).toEqual(new Set(written));
    expect(ids).toContain(real1.body.incidentId);
    expect(ids).toContain(real2.body.incidentId);
  });

  it('spends a form token once, refuses forged ones, drops a filled-in honeypot', async () => {
    const token = await formToken(0, D.id);
    const body = { category: 'theft', text: 'bike stolen', formToken: token };
    expect((await post(0, D.id, '10.3.0.1', body)).status).toBe(202);
    const again = await post(1, D.id, '10.3.0.2', body);
    expect([again.status, again.body.error?.code]).toEqual([400, 'form_token_used']);
    const forged = await post(1, D.id, '10.3.0.3', { ...body, formToken: `${token.slice(0, -3)}abc` });
    expect([forged.status, forged.body.error?.code]).toEqual([400, 'form_token_invalid']);
    const otherCell = await post(1, A.id, '10.3.0.4', { ...body, formToken: await formToken(0, D.id) });
    expect([otherCell.status, otherCell.body.error?.code]).toEqual([400, 'form_token_invalid']);
    const none = await post(1, D.id, '10.3.0.5', { category: 'theft', text: 'x' });
    expect(none.status).toBe(400);
    const bad = await post(1, D.id, '10.3.0.6', {
      category: 'dragons',
      text: '',
      formToken: await formToken(1, D.id),
    });
    expect(bad.status).toBe(400);
    const before = written.length;
    const bot = await report(0, D.id, '10.3.0.7', { website: 'http://spam.example' });
    expect(bot.status).toBe(202);
    written.splice(before); // answered like a success, but nothing was written
    expect(bot.body.incidentId).toMatch(/^gr-/);
  });

  it('keeps a sniffed, capped photo in Redis for who may see the cell, and only the id on Kafka', async () => {
    const r = await report(1, A.id, '10.4.0.1', { photo: PNG.toString('base64') });
    expect(r.status).toBe(202);
    const id = r.body.attachmentId as string;
    expect(id).toMatch(/^att-/);
    const get = (username: string, i = 0) =>
      bearer(username).then((headers) => fetch(url(i, `/api/attachments/${id}`), { headers }));
    const own = await get('officer-a', 1);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await own.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await get('grid-a')).status).toBe(200);
    expect((await get('officer-far')).status).toBe(403);
    expect((await get('ana')).status).toBe(403);
    expect((await fetch(url(0, `/api/attachments/${id}`))).status).toBe(401);

    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const notPhoto = await report(0, A.id, '10.4.0.2', { photo: svg.toString('base64') });
    expect([notPhoto.status, notPhoto.body.error?.code]).toEqual([415, 'photo_type']);
    const big = Buffer.concat([PNG, Buffer.alloc(5000)]);
    const tooBig = await report(0, A.id, '10.4.0.3', { photo: big.toString('base64') });
    expect([tooBig.status, tooBig.body.error?.code]).toEqual([413, 'photo_too_large']);

    const msgs = await consumeMessages(cluster.kafka, {
      topic: `${cluster.prefix}${Topic.IncidentsReported}`,
      count: written.length,
    });
    const withPhoto = msgs
      .map((m) => JSON.parse(m.value!) as IncidentReport)
      .find((e) => e.incidentId === r.body.incidentId);
    expect(withPhoto?.attachments).toEqual([id]);
    expect(Math.max(...msgs.map((m) => m.value!.length))).toBeLessThan(2000);
  });

  it("takes a signed-in grid worker's report about their own cell only, and counts the day's reports for the officer", async () => {
    const headers = { ...(await bearer('grid-a')), 'content-type': 'application/json' };
    const res = await fetch(url(1, '/api/grid-reports'), {
      method: 'POST',
      headers,
      body: JSON.stringify({
        category: 'fire',
        text: '消防通道被堵 fire lane blocked',
        location: { lat: 31.2, lon: 121.45 },
      }),
    });
    expect(res.status).toBe(202);
    const { incidentId } = (await res.json()) as GridReportAccepted;
    written.push(incidentId);
    const officer = await fetch(url(0, '/api/grid-reports'), {
      method: 'POST',
      headers: { ...(await bearer('officer-a')), 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'fire', text: 'x' }),
    });
    expect(officer.status).toBe(403);

    const msgs = await consumeMessages(cluster.kafka, {
      topic: `${cluster.prefix}${Topic.IncidentsReported}`,
      count: written.length,
    });
    const mine = msgs
      .map((m) => JSON.parse(m.value!) as IncidentReport)
      .find((e) => e.incidentId === incidentId);
    expect(mine).toMatchObject({
      channel: 'grid_worker',
      gridCellId: A.id,
      location: { lat: 31.2, lon: 121.45 },
      source: 'grid-worker:grid-a',
    });

    const today = new Date().toISOString().slice(0, 10);
    const summary = await fetch(url(1, `/api/cells/${A.id}/summary?date=${today}`), {
      headers: await bearer('officer-a'),
    });
    expect(summary.status).toBe(200);
    expect((await summary.json()) as CellReportSummary).toEqual({
      cellId: A.id,
      date: today,
      total: 3,
      byCategory: { suspicious: 1, disturbance: 1, fire: 1 },
      byChannel: { qr: 2, grid_worker: 1 },
    });
    const far = await fetch(url(1, `/api/cells/${A.id}/summary`), { headers: await bearer('officer-far') });
    expect(far.status).toBe(403);
    const badDate = await fetch(url(1, `/api/cells/${A.id}/summary?date=yesterday`), {
      headers: await bearer('officer-a'),
    });
    expect(badDate.status).toBe(400);
  });
});
