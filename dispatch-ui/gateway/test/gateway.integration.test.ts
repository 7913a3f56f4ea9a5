/**
 * Two gateway instances on the real broker and Redis, clients on both: an event produced to Kafka
 * reaches exactly the clients allowed to see it, on either instance, once; forged, expired and
 * missing tokens are refused; a client cannot reach another room by what it sends; an officer's
 * acknowledgement lands on `dispatch.acks` with their identity; refused actions are audited; a
 * client that drops and comes back (to the other instance) gets what it missed, once.
 *
 * "Not received" is proven without sleeping: every emit goes through the one Redis stream of the
 * Socket.IO adapter in order, so once a client got an event produced after the one it must not
 * get, it would already have got that one.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Alert,
  type AuditEvent,
  type DispatchAck,
  type DispatchOrder,
  type LivePosition,
  type OperatorCommand,
  type Snapshot,
  Topic,
  type UserIdentity,
} from '@fenghuo/contracts';
import { AuthTokens, requireUser, withAdmin } from '@fenghuo/kit';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeMessages, waitFor } from '../../../test/setup/helpers.ts';
import { alertAt, incidentAt, orderFor, placeIn, positionOf } from './fixtures.ts';
import { type Cluster, city, receivedCount, startCluster, TEST_SECRET, type TestClient } from './harness.ts';

const pack = city();
const S1 = 'station-01';
const D1 = pack.districts.find((d) => d.stationIds.includes(S1))!.id;
const S2 = pack.districts.find((d) => !d.stationIds.includes(S1))!.stationIds[0]!;
const U2 = pack.units.find((u) => u.stationId === S2 && u.kind === 'patrol_car')!.id;
const U3 = pack.units.find((u) => u.stationId === S2 && u.kind === 'patrol_car' && u.id !== U2)!.id;
const at1 = placeIn(pack, S1);
const at2 = placeIn(pack, S2);

const USERS: UserIdentity[] = [
  { username: 'op-s1', role: 'operator', region: { kind: 'station', id: S1 } },
  { username: 'op-d1', role: 'operator', region: { kind: 'district', id: D1 } },
  { username: 'op-s2', role: 'operator', region: { kind: 'station', id: S2 } },
  { username: 'sup', role: 'supervisor' },
  { username: 'off-u2', role: 'officer', unitId: U2 },
  { username: 'off-u3', role: 'officer', unitId: U3 },
  { username: 'ana', role: 'analyst' },
  { username: 'grid-s2', role: 'grid_worker', gridCellId: at2.cellId },
];

let cluster: Cluster;
const c: Record<string, TestClient> = {};
let rules: Server;

/** A stand-in rules service that verifies people's tokens itself with the kit's helper and the same key. */
async function startRulesStandIn(): Promise<string> {
  const app = express();
  const tokens = new AuthTokens({ secret: new TextEncoder().encode(TEST_SECRET) });
  app.use('/api/rules', requireUser(tokens, { roles: ['analyst', 'admin'] }), express.json(), (req, res) => {
    res.status(201).json({ path: req.originalUrl, user: req.user, body: req.body as unknown });
  });
  rules = createServer(app);
  await new Promise<void>((resolve) => rules.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(rules.address() as AddressInfo).port}`;
}

async function connectAs(username: string, instance: number): Promise<TestClient> {
  const client = await cluster.connect(instance, { token: await cluster.token(instance, username) });
  await receivedCount(client, 'snapshot', 1);
  return client;
}

function auditEvents(count: number): Promise<AuditEvent[]> {
  return consumeMessages(cluster.kafka, { topic: `${cluster.prefix}${Topic.AuditEvents}`, count }).then(
    (ms) => ms.map((m) => JSON.parse(m.value!) as AuditEvent),
  );
}

async function waitForAudit(match: (e: AuditEvent) => boolean, what: string): Promise<AuditEvent> {
  let seen: AuditEvent[] = [];
  // One admin client for all the polls, disconnected after (a client per poll, never disconnected,
  // left its broker connections open).
  await withAdmin(cluster.kafka, (admin) =>
    waitFor(
      async () => {
        const offsets = await admin.fetchTopicOffsets(`${cluster.prefix}${Topic.AuditEvents}`);
        const total = offsets.reduce((s, p) => s + Number(p.high), 0);
        seen = total > 0 ? await auditEvents(total) : [];
        return seen.some(match);
      },
      { timeoutMs: 30_000, intervalMs: 500, message: what },
    ),
  );
  return seen.find(match)!;
}

beforeAll(async () => {
  const rulesUrl = await startRulesStandIn();
  cluster = await startCluster({ name: 'gateway', users: USERS, env: { RULES_URL: rulesUrl } });
  // Spread over both instances: each event must cross the adapter to reach some of its readers.
  c.opS1 = await connectAs('op-s1', 0);
  c.opD1 = await connectAs('op-d1', 1);
  c.opS2 = await connectAs('op-s2', 1);
  c.sup = await connectAs('sup', 0);
  c.offU2 = await connectAs('off-u2', 1);
  c.offU3 = await connectAs('off-u3', 0);
  c.ana = await connectAs('ana', 1);
});

afterAll(async () => {
  await cluster?.close();
  await new Promise((resolve) => rules?.close(resolve));
});

describe('login', () => {
  it('answers a token and the identity for the right password, 401 ApiError for a wrong one, and audits both', async () => {
    const ok = await cluster.login(0, 'op-s1');
    expect(ok.status).toBe(200);
    expect((ok.body as { user: UserIdentity }).user).toEqual(USERS[0]);
    const bad = await cluster.login(1, 'op-s1', 'wrong password!');
    expect(bad.status).toBe(401);
    expect((bad.body as { error: { code: string } }).error.code).toBe('unauthorized');
    await waitForAudit(
      (e) => e.action === 'login_failed' && e.actor?.username === 'op-s1',
      'login_failed audited',
    );
    await waitForAudit(
      (e) => e.action === 'login' && e.actor?.username === 'op-s1' && e.result === 'ok',
      'login audited',
    );
  });

  it('limits failed logins per username, on every instance, even for the right password after', async () => {
    await cluster.users.put('victim', { role: 'analyst', password: 'correct horse battery' });
    await waitFor(() => cluster.instances.every((g) => g.users.get('victim') !== undefined), {
      message: 'reload',
    });
    for (let i = 0; i < 5; i++)
      expect((await cluster.login(i % 2, 'victim', `guess-${i}-xx`)).status).toBe(401);
    const blocked = await cluster.login(1, 'victim');
    expect(blocked.status).toBe(429);
    expect((blocked.body as { error: { code: string } }).error.code).toBe('too_many_attempts');
  });

  it('refreshes a valid token; a disabled user can neither refresh nor log in', async () => {
    await cluster.users.put('leaver', { role: 'analyst', password: 'correct horse battery' });
    await waitFor(() => cluster.instances.every((g) => g.users.get('leaver') !== undefined), {
      message: 'reload',
    });
    const token = await cluster.token(0, 'leaver');
    const refreshed = await fetch(`${cluster.instances[1]!.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refreshed.status).toBe(200);
    cluster.users.disable('leaver');
    await waitFor(() => cluster.instances.every((g) => g.users.get('leaver') === undefined), {
      message: 'reload',
    });
    const again = await fetch(`${cluster.instances[0]!.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(401);
    expect((await cluster.login(0, 'leaver')).status).toBe(401);
  });

  it('counts a user added, given a new password or disabled in the users file at the next request, without waiting for the poll', async () => {
    // With the poll stopped, only the look at the file that a login or refresh makes can see these.
    for (const g of cluster.instances) g.users.stopWatching();
    try {
      await cluster.users.put('newcomer', { role: 'analyst', password: 'correct horse battery' });
      expect((await cluster.login(0, 'newcomer')).status).toBe(200);
      expect((await cluster.login(1, 'newcomer')).status).toBe(200);
      await cluster.users.put('newcomer', { role: 'analyst', password: 'a brand new passphrase' });
      expect((await cluster.login(1, 'newcomer', 'a brand new passphrase')).status).toBe(200);
      const token = ((await cluster.login(0, 'newcomer', 'a brand new passphrase')).body as { token: string })
        .token;
      cluster.users.disable('newcomer');
      const refreshed = await fetch(`${cluster.instances[0]!.url}/api/auth/refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(refreshed.status).toBe(401);
      expect((await cluster.login(1, 'newcomer', 'a brand new passphrase')).status).toBe(401);
    } finally {
      for (const g of cluster.instances) g.users.watch(1_000);
    }
  });
});

describe('/api/rules pass-through', () => {
  it('reaches the rules service for analysts with their own token; others get 403, no token 401, there too', async () => {
    const url = `${cluster.instances[1]!.url}/api/rules/sets/fraud?x=1`;
    const token = await cluster.token(1, 'ana');
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ draft: true }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      path: '/api/rules/sets/fraud?x=1',
      user: { username: 'ana', role: 'analyst' },
      body: { draft: true },
    });
    const operator = await fetch(url, {
      headers: { authorization: `Bearer ${await cluster.token(1, 'op-s1')}` },
    });
    expect(operator.status).toBe(403);
    expect((await fetch(url)).status).toBe(401);
    // The far side refuses a call that bypasses the gateway without a valid token, too.
    const direct = await fetch(`http://127.0.0.1:${(rules.address() as AddressInfo).port}/api/rules/sets`);
    expect(direct.status).toBe(401);
  });
});

describe('sockets refuse', () => {
  it('forged, expired, malformed and missing tokens', async () => {
    const forger = new AuthTokens({
      secret: new TextEncoder().encode('not-the-gateway-key-0123456789abcdef'),
    });
    const forged = (await forger.issue({ username: 'sup', role: 'supervisor' })).token;
    const expired = await new AuthTokens({
      secret: new TextEncoder().encode(TEST_SECRET),
      ttlSec: 60,
      clock: { now: () => Date.now() - 3_600_000 },
    }).issue({ username: 'sup', role: 'supervisor' });
    for (const auth of [{ token: forged }, { token: expired.token }, { token: 'x.y.z' }, {}, { token: 42 }]) {
      await expect(cluster.connect(0, auth)).rejects.toThrow(/unauthorized/);
    }
  });
});

describe('fan-out by authority, across instances', () => {
  it('an alert reaches its station, its district, supervisors and (redacted) analysts, once; nobody else', async () => {
    const alert = alertAt(`al-${randomUUID()}`, at1);
    await cluster.produce(Topic.AlertsRaised, [alert]);
    for (const who of ['opS1', 'opD1', 'sup', 'ana']) await receivedCount(c[who]!, 'alert:upserted', 1);
    // Barrier: an order in S2 reaches op-s2, off-u2 and the supervisor after the alert would have.
    const order = orderFor(`ord-${randomUUID()}`, U2, S2, at2);
    await cluster.produce(Topic.DispatchOrders, [order]);
    for (const who of ['opS2', 'offU2', 'sup']) await receivedCount(c[who]!, 'order:upserted', 1);

    for (const who of ['opS1', 'opD1', 'sup']) expect(c[who]!.of<Alert>('alert:upserted')).toEqual([alert]);
    const [seen] = c.ana!.of<Alert>('alert:upserted');
    expect(seen?.alertId).toMatch(/^a-[0-9a-f]{16}$/);
    expect(seen?.subjectId).toMatch(/^r-[0-9a-f]{16}$/);
    expect(seen?.location).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain(alert.subjectId);
    for (const who of ['opS2', 'offU2', 'offU3']) expect(c[who]!.of('alert:upserted')).toEqual([]);

    expect(c.offU2!.of<DispatchOrder>('order:upserted')).toEqual([order]);
    expect(c.opS2!.of<DispatchOrder>('order:upserted')).toEqual([order]);
    // The next alert in S1 is the barrier for the order's non-readers.
    await cluster.produce(Topic.AlertsRaised, [alertAt(`al-${randomUUID()}`, at1)]);
    await receivedCount(c.opS1!, 'alert:upserted', 2);
    await receivedCount(c.offU3!, 'snapshot', 1);
    for (const who of ['opS1', 'opD1', 'offU3', 'ana']) expect(c[who]!.of('order:upserted')).toEqual([]);
  });

  it("an incident reaches the region and its cell's grid worker; coalesced positions reach the region", async () => {
    const grid = await connectAs('grid-s2', 0);
    const incident = incidentAt(`inc-${randomUUID()}`, at2);
    await cluster.produce(Topic.IncidentsReported, [incident]);
    await receivedCount(c.opS2!, 'incident:reported', 1);
    await receivedCount(grid, 'incident:reported', 1);
    expect(grid.of('incident:reported')).toEqual([incident]);
    const start = Date.now() - 60_000;
    const moves = Array.from({ length: 30 }, (_, i) => positionOf(U2, at2.location, start + i * 1000));
    await cluster.produce(Topic.UnitsPositions, moves);
    await waitFor(
      () =>
        c
          .opS2!.of<LivePosition[]>('units:positions')
          .flat()
          .some((p) => p.at === moves.at(-1)!.occurredAt),
      { message: 'latest position' },
    );
    const arrays = c.opS2!.of<LivePosition[]>('units:positions');
    // Coalesced: far fewer arrays than positions, each holding a unit once.
    expect(arrays.length).toBeLessThan(moves.length);
    for (const a of arrays) expect(new Set(a.map((p) => p.unitId)).size).toBe(a.length);
  });

  it('a client cannot join another room or receive its events by crafting messages', async () => {
    const s = c.offU3!.socket as unknown as { emit(...args: unknown[]): void };
    for (const event of ['join', 'subscribe', 'rooms:join', 'snapshot:request']) {
      s.emit(event, { room: 'city', rooms: ['city', `station:${S1}`], parts: ['alerts'] });
    }
    const answer = await c.offU3!.socket.emitWithAck('snapshot:request', {});
    expect(answer.ok).toBe(true);
    if (answer.ok) expect(answer.data.alerts ?? []).toEqual([]);
    // The supervisor sees this alert by its id: a count read after the send could already hold it.
    const probe = alertAt(`al-${randomUUID()}`, at1);
    await cluster.produce(Topic.AlertsRaised, [probe]);
    await waitFor(() => c.sup!.of<Alert>('alert:upserted').some((a) => a.alertId === probe.alertId), {
      message: 'the probe alert at the supervisor',
    });
    const barrier = orderFor(`ord-${randomUUID()}`, U3, S2, at2);
    await cluster.produce(Topic.DispatchOrders, [barrier]);
    await receivedCount(c.offU3!, 'order:upserted', 1);
    expect(c.offU3!.of('alert:upserted')).toEqual([]);
  });
});

describe('from people to Kafka', () => {
  it("an officer's ack of their own order lands on dispatch.acks with their identity, and is audited", async () => {
    const order = orderFor(`ord-${randomUUID()}`, U2, S2, at2);
    await cluster.produce(Topic.DispatchOrders, [order]);
    await waitFor(() =>
      c.offU2!.of<DispatchOrder>('order:upserted').some((o) => o.orderId === order.orderId),
    );
    const answer = await c.offU2!.socket.emitWithAck('order:ack', {
      orderId: order.orderId,
      status: 'accepted',
    });
    expect(answer).toEqual({ ok: true, data: { eventId: `ack-${order.orderId}-accepted` } });
    const [record] = await consumeMessages(cluster.kafka, {
      topic: `${cluster.prefix}${Topic.DispatchAcks}`,
      count: 1,
    });
    const ack = JSON.parse(record!.value!) as DispatchAck;
    expect(record!.key).toBe(U2);
    expect(ack).toMatchObject({
      orderId: order.orderId,
      unitId: U2,
      status: 'accepted',
      officerId: 'off-u2',
    });
    expect(ack.actor).toEqual(USERS.find((u) => u.username === 'off-u2'));
    await waitForAudit((e) => e.action === 'ack' && e.target?.id === order.orderId, 'ack audited');
  });

  it("an officer's status change lands on units.status with their identity; their unit only", async () => {
    const answer = await c.offU2!.socket.emitWithAck('unit:set-status', { status: 'busy', note: 'lunch' });
    expect(answer.ok).toBe(true);
    const [record] = await consumeMessages(cluster.kafka, {
      topic: `${cluster.prefix}${Topic.UnitsStatus}`,
      count: 1,
    });
    expect(JSON.parse(record!.value!)).toMatchObject({
      unitId: U2,
      status: 'busy',
      actor: { username: 'off-u2' },
    });
    const other = await c.offU2!.socket.emitWithAck('unit:set-status', { status: 'off_duty', unitId: U3 });
    expect(other.ok).toBe(false);
  });

  it('auth:renew takes a fresh token of the same person, never of another', async () => {
    const refreshed = await fetch(`${cluster.instances[0]!.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await cluster.token(0, 'off-u3')}` },
    });
    const { token } = (await refreshed.json()) as { token: string };
    const renewed = await c.offU3!.socket.emitWithAck('auth:renew', { token });
    expect(renewed.ok).toBe(true);
    const stolen = await c.offU3!.socket.emitWithAck('auth:renew', { token: await cluster.token(0, 'sup') });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('another officer cannot ack it: refused, audited as access_denied', async () => {
    const order = orderFor(`ord-${randomUUID()}`, U2, S2, at2);
    await cluster.produce(Topic.DispatchOrders, [order]);
    await waitFor(() =>
      c.offU2!.of<DispatchOrder>('order:upserted').some((o) => o.orderId === order.orderId),
    );
    const answer = await c.offU3!.socket.emitWithAck('order:ack', {
      orderId: order.orderId,
      status: 'accepted',
    });
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.code).toBe('forbidden');
    await waitForAudit(
      (e) => e.action === 'access_denied' && e.actor?.username === 'off-u3' && e.target?.id === order.orderId,
      'denied ack audited',
    );
  });

  it('an analyst cannot dispatch (refused and audited); an operator can, with their identity attached', async () => {
    const command = { type: 'watchlist_add' as const, plate: '浙A12345', reason: 'stolen' };
    const refused = await c.ana!.socket.emitWithAck('command:issue', { commandId: randomUUID(), command });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('forbidden');
    await waitForAudit(
      (e) => e.action === 'access_denied' && e.actor?.username === 'ana',
      'analyst refusal audited',
    );

    const commandId = randomUUID();
    const done = await c.opS1!.socket.emitWithAck('command:issue', { commandId, command });
    expect(done).toEqual({ ok: true, data: { eventId: commandId } });
    const [record] = await consumeMessages(cluster.kafka, {
      topic: `${cluster.prefix}${Topic.OperatorCommands}`,
      count: 1,
    });
    const written = JSON.parse(record!.value!) as OperatorCommand;
    expect(written).toMatchObject({ commandId, command, user: USERS[0] });
  });

  it('an operator cannot command a matter outside their region', async () => {
    const alert = alertAt(`al-${randomUUID()}`, at2);
    await cluster.produce(Topic.AlertsRaised, [alert]);
    await waitFor(() => c.opS2!.of<Alert>('alert:upserted').some((a) => a.alertId === alert.alertId));
    const answer = await c.opS1!.socket.emitWithAck('command:issue', {
      commandId: randomUUID(),
      command: { type: 'close', refKind: 'alert', refId: alert.alertId },
    });
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.code).toBe('forbidden');
  });
});

describe('an officer sent to a fraud warning', () => {
  it('gets the alert and its upgrades, and records its outcome with their name on it', async () => {
    const alert = alertAt(`al-${randomUUID()}`, at2);
    await cluster.produce(Topic.AlertsRaised, [alert]);
    await waitFor(() => c.opS2!.of<Alert>('alert:upserted').some((a) => a.alertId === alert.alertId));
    const order: DispatchOrder = {
      ...orderFor(`ord-${randomUUID()}`, U2, S2, at2),
      kind: 'alert',
      refId: alert.alertId,
    };
    await cluster.produce(Topic.DispatchOrders, [order]);
    await waitFor(() => c.offU2!.of<Alert>('alert:upserted').some((a) => a.alertId === alert.alertId), {
      message: 'the alert reaches the officer sent to it',
    });
    await cluster.produce(Topic.AlertsRaised, [{ ...alert, revision: 2, level: 'urgent' as const }]);
    await waitFor(
      () => c.offU2!.of<Alert>('alert:upserted').some((a) => a.alertId === alert.alertId && a.revision === 2),
      {
        message: 'the upgrade reaches the officer',
      },
    );
    const answer = await c.offU2!.socket.emitWithAck('outcome:record', {
      alertId: alert.alertId,
      outcome: 'dissuaded',
      amountSaved: 48_000,
    });
    expect(answer.ok).toBe(true);
    const [record] = await consumeMessages(cluster.kafka, {
      topic: `${cluster.prefix}${Topic.OutcomesLabelled}`,
      count: 1,
    });
    expect(JSON.parse(record!.value!)).toMatchObject({
      alertId: alert.alertId,
      subjectId: alert.subjectId,
      outcome: 'dissuaded',
      amountSaved: 48_000,
      labelledBy: 'off-u2',
    });
    // Another officer, not sent to it, cannot.
    const refused = await c.offU3!.socket.emitWithAck('outcome:record', {
      alertId: alert.alertId,
      outcome: 'false_alarm',
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('forbidden');
  });
});

describe('nothing missed', () => {
  it('a client that drops and comes back to the other instance gets exactly what it missed, without a snapshot', async () => {
    const token = await cluster.token(1, 'op-s1');
    const first = await cluster.connect(1, { token });
    await receivedCount(first, 'snapshot', 1);
    const live = alertAt(`al-${randomUUID()}`, at1);
    await cluster.produce(Topic.AlertsRaised, [live]);
    await waitFor(() => first.of<Alert>('alert:upserted').some((a) => a.alertId === live.alertId));
    const { _pid: pid, _lastOffset: offset } = first.socket as unknown as {
      _pid: string;
      _lastOffset: string;
    };
    expect(pid).toBeTruthy();
    first.socket.io.engine.close(); // the network drops: no goodbye, the session is kept

    const missed = [1, 2, 3].map(() => alertAt(`al-${randomUUID()}`, at1));
    await cluster.produce(Topic.AlertsRaised, missed);
    // The supervisor has them all (by id: a count read after the send could already hold some).
    await waitFor(
      () => missed.every((m) => c.sup!.of<Alert>('alert:upserted').some((a) => a.alertId === m.alertId)),
      { message: 'the missed alerts at the supervisor' },
    );

    const back = await cluster.connect(0, { token }, { resume: { pid, offset } });
    expect(back.socket.recovered).toBe(true);
    await waitFor(() => back.of('alert:upserted').length >= 3, { message: 'missed alerts' });
    const barrier = alertAt(`al-${randomUUID()}`, at1);
    await cluster.produce(Topic.AlertsRaised, [barrier]);
    await waitFor(() => back.of<Alert>('alert:upserted').some((a) => a.alertId === barrier.alertId));
    // Each missed alert once (their order across partitions is Kafka's), then the live one.
    const ids = back.of<Alert>('alert:upserted').map((a) => a.alertId);
    expect(ids.slice(0, 3).sort()).toEqual(missed.map((a) => a.alertId).sort());
    expect(ids.slice(3)).toEqual([barrier.alertId]);
    expect(back.of<Snapshot>('snapshot')).toEqual([]);
  });

  it("nobody else can resume a dropped client's session, even with a valid token of their own", async () => {
    const first = await cluster.connect(1, { token: await cluster.token(1, 'op-s1') });
    await receivedCount(first, 'snapshot', 1);
    await cluster.produce(Topic.AlertsRaised, [alertAt(`al-${randomUUID()}`, at1)]);
    await receivedCount(first, 'alert:upserted', 1);
    const { _pid: pid, _lastOffset: offset } = first.socket as unknown as {
      _pid: string;
      _lastOffset: string;
    };
    first.socket.io.engine.close();
    await expect(
      cluster.connect(0, { token: await cluster.token(0, 'op-s2') }, { resume: { pid, offset } }),
    ).rejects.toThrow(/unauthorized/);
  });
});
