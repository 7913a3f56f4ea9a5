/**
 * Residents' privacy across the services (issue 17): ingest, the fraud scorer, the router and the
 * gateway run as real processes on private topics and Redis keys. A bank posts a victim's
 * indicators with the resident's own contact details (`subjectContact`) and own account
 * (`payerAccount`); the scorer raises an alert, the router sends the cell's community officer.
 * Then:
 * - every record of every topic the run wrote (raw bytes of keys, values and headers) and the
 *   captured output of every service hold neither the phone, the address, the name nor the account
 *   in clear;
 * - the officer of the order gets the contact from the gateway, another officer gets 403, and both
 *   are on `audit.events` (who, whom, why) without the contact in them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import {
  type Alert,
  type AuditEvent,
  type DispatchOrder,
  examples,
  type FraudIndicator,
  fraudIndicatorExamples,
  type ResidentContact,
  TOPICS,
  Topic,
} from '@fenghuo/contracts';
import { ensureTopics, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UserStore } from '../../dispatch-ui/gateway/src/users/user-store.ts';
import { KeyStore } from '../../ingest/src/key-store.ts';
import { freePort } from '../setup/free-port.ts';
import { testKafka, uniquePrefix, waitFor } from '../setup/helpers.ts';
import { type ServiceProcess, sharedServiceEnv, startService, stopServices } from '../setup/services.ts';

const PASSWORD = 'privacy-test-password-1';

interface RawRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Buffer[];
}

/**
 * Every record of every topic under `prefix` a read_committed consumer reads, as bytes: the topics'
 * high watermarks are taken first, then one consumer reads from the beginning until its position
 * passed each of them (not until it holds that many records: ingest writes in transactions, whose
 * commit markers take offsets but are never handed over).
 */
async function readEveryTopic(kafka: Kafka, prefix: string): Promise<RawRecord[]> {
  const ends = await withAdmin(kafka, async (admin) => {
    const names = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    const offsets = await Promise.all(
      names.map(async (t) =>
        (await admin.fetchTopicOffsets(t))
          .filter((p) => p.high !== p.low)
          .map((p) => [`${t}/${p.partition}`, BigInt(p.high)] as const),
      ),
    );
    return { names, ends: new Map(offsets.flat()) };
  });
  const positions = new Map<string, bigint>();
  const records: RawRecord[] = [];
  const consumer = kafka.consumer({ groupId: `${prefix}scan`, maxWaitTimeInMs: 250 });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = `${payload.topic}/${payload.partition}`;
    const next = BigInt(payload.lastOffset) + 1n;
    if (next > (positions.get(key) ?? 0n)) positions.set(key, next);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: ends.names, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers: Buffer[] = [];
        for (const [name, v] of Object.entries(message.headers ?? {})) {
          headers.push(Buffer.from(name));
          for (const one of Array.isArray(v) ? v : [v]) {
            if (one !== undefined) headers.push(Buffer.isBuffer(one) ? one : Buffer.from(one));
          }
        }
        records.push({ topic, key: message.key, value: message.value, headers });
      },
    });
    await waitFor(() => [...ends.ends].every(([key, high]) => (positions.get(key) ?? 0n) >= high), {
      timeoutMs: 90_000,
      message: `every record of ${ends.names.length} topics`,
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

describe("residents' contact details and own accounts", () => {
  const prefix = uniquePrefix('privacy');
  const dir = mkdtempSync(join(tmpdir(), 'fh-privacy-'));
  const pack = loadOrGenerateDefaultPack().pack;
  const cell = pack.cells[5]!;
  const otherCell = pack.cells.find((c) => c.officerId !== cell.officerId)!;
  const officerUnit = pack.units.find((u) => u.id === cell.officerId)!;
  const subjectId = `${prefix}res-1`;
  // What must never be in clear: unique to this run, so nothing else can contain them.
  const phone = `139${String(Date.now()).slice(-8)}`;
  // ASCII tokens inside the address and the name: found even where a writer escapes the Chinese.
  const addressToken = `addr${randomBytes(5).toString('hex')}`;
  const nameToken = `name${randomBytes(5).toString('hex')}`;
  const address = `幸福路 88 弄 8 号 ${addressToken} 室`;
  const name = `王秀英 ${nameToken}`;
  const ownAccount = `62170099${String(Date.now()).slice(-11)}`;
  const secrets = [phone, address, addressToken, name, nameToken, ownAccount];

  let kafka: Kafka;
  let ingestUrl: string;
  let gatewayUrl: string;
  let bankKey: string;
  let users: UserStore;
  let services: ServiceProcess[] = [];

  beforeAll(async () => {
    kafka = testKafka('privacy-test');
    await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));
    const keysFile = join(dir, 'keys.json');
    bankKey = new KeyStore(keysFile).addKey('bank-privacy', { kinds: ['fraud-indicators'] }).key;
    users = new UserStore(join(dir, 'users.json'));
    await users.put('supervisor-privacy', { role: 'supervisor', password: PASSWORD });

    const [ingestPort, scorerPort, routerPort, gatewayPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    // Every line the services write is kept and scanned; info shows each service's own lines.
    const shared = { ...sharedServiceEnv(prefix), LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'info' };
    const keepLines = 100_000;
    const started = await Promise.allSettled([
      startService({
        name: 'ingest',
        entry: 'ingest/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}ingest`,
          INGEST_PORT: String(ingestPort),
          INGEST_KEYS_FILE: keysFile,
        },
        readyUrl: `${ingestUrl}/readyz`,
        readyTimeoutMs: 180_000,
        keepLines,
      }),
      startService({
        name: 'fraud-scorer',
        entry: 'processors/fraud-scorer/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}fraud-scorer`,
          SCORER_GROUP_ID: `${prefix}fraud-scorer`,
          SCORER_OPS_PORT: String(scorerPort),
        },
        readyUrl: `http://127.0.0.1:${scorerPort}/readyz`,
        readyTimeoutMs: 180_000,
        keepLines,
      }),
      startService({
        name: 'router',
        entry: 'processors/router/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}router`,
          ROUTER_GROUP_ID: `${prefix}router`,
          ROUTER_OPS_PORT: String(routerPort),
          ROUTER_UNSEEN_UNITS: 'home',
        },
        readyUrl: `http://127.0.0.1:${routerPort}/readyz`,
        readyTimeoutMs: 180_000,
        keepLines,
      }),
      startService({
        name: 'gateway',
        entry: 'dispatch-ui/gateway/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}gateway`,
          GATEWAY_PORT: String(gatewayPort),
          GATEWAY_GROUP_ID: `${prefix}gateway`,
          GATEWAY_USERS_FILE: join(dir, 'users.json'),
          AUTH_JWT_SECRET: `privacy-${prefix}-signing-key-0123456789abcdef`,
        },
        readyUrl: `${gatewayUrl}/readyz`,
        readyTimeoutMs: 180_000,
        keepLines,
      }),
    ]);
    services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  }, 300_000);

  afterAll(async () => {
    await stopServices(services);
    const redis = new Redis(inject('redisUrl'));
    try {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const login = async (username: string): Promise<string> => {
    // The gateway looks at the users file on each login, so a user just added logs in at once.
    const r = await fetch(`${gatewayUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(r.status, `login of ${username}`).toBe(200);
    return ((await r.json()) as { token: string }).token;
  };
  const contactOf = (token: string) =>
    fetch(`${gatewayUrl}/api/residents/${encodeURIComponent(subjectId)}/contact`, {
      headers: { authorization: `Bearer ${token}` },
    });

  it('keeps them out of Kafka and logs, and shows the contact to the assigned officer only, audited', async () => {
    const contact = { phone, address, name };
    const location = { lat: officerUnit.position[1], lon: officerUnit.position[0] };
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const transfer = fraudIndicatorExamples.find((e) => e.kind === 'transfer')!;
    // Three calls from a listed number, then a large transfer to a new payee from the resident's
    // own account: an alert, routed to the community officer of the resident's cell.
    const indicators: FraudIndicator[] = [
      ...[12, 8, 4].map(
        (m, i): FraudIndicator => ({
          ...examples[Topic.FraudIndicators],
          eventId: `${prefix}call-${i}`,
          subjectId,
          occurredAt: minutesAgo(m),
          gridCellId: cell.id,
          location,
          subjectContact: contact,
        }),
      ),
      {
        ...transfer,
        eventId: `${prefix}transfer-1`,
        subjectId,
        occurredAt: minutesAgo(1),
        gridCellId: cell.id,
        location,
        payerAccount: ownAccount,
        subjectContact: contact,
      },
    ];
    const res = await fetch(`${ingestUrl}/v1/fraud-indicators`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bankKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(indicators),
    });
    expect(res.status).toBe(202);

    // The router's order about the resident's alert.
    const alertsSeen: Alert[] = [];
    const ordersSeen: DispatchOrder[] = [];
    const reader = kafka.consumer({ groupId: `${prefix}reader`, maxWaitTimeInMs: 250 });
    await reader.connect();
    await reader.subscribe({
      topics: [`${prefix}${Topic.AlertsRaised}`, `${prefix}${Topic.DispatchOrders}`],
      fromBeginning: true,
    });
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        const event = JSON.parse(message.value?.toString('utf8') ?? 'null') as unknown;
        if (topic.endsWith(Topic.AlertsRaised)) alertsSeen.push(event as Alert);
        else ordersSeen.push(event as DispatchOrder);
      },
    });
    let order: DispatchOrder;
    try {
      order = await waitFor(
        () => {
          const alert = alertsSeen.find((a) => a.subjectId === subjectId);
          return alert && ordersSeen.find((o) => o.refId === alert.alertId && o.status === 'active');
        },
        { timeoutMs: 90_000, message: `an active order about ${subjectId}'s alert` },
      );
    } finally {
      await reader.disconnect();
    }
    const otherUnit = [cell.officerId, otherCell.officerId].find((u) => u !== order.unitId)!;
    await users.put('officer-assigned', { role: 'officer', unitId: order.unitId, password: PASSWORD });
    await users.put('officer-other', { role: 'officer', unitId: otherUnit, password: PASSWORD });
    const assigned = await login('officer-assigned');
    const other = await login('officer-other');
    const supervisor = await login('supervisor-privacy');

    // The assigned officer: once the gateway has the order and the alert, the contact.
    const shown = await waitFor(
      async () => {
        const r = await contactOf(assigned);
        return r.status === 200 ? ((await r.json()) as ResidentContact) : undefined;
      },
      { timeoutMs: 60_000, message: 'the contact shown to the assigned officer' },
    );
    expect(shown).toMatchObject({ subjectId, contact, orderId: order.orderId });
    // Another officer, and a supervisor (who sees everything else): 403.
    const refused = await contactOf(other);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await refused.json())).not.toContain(phone);
    expect((await contactOf(supervisor)).status).toBe(403);

    // Both on audit.events: who, whom, why; never the contact.
    const audits: AuditEvent[] = [];
    const auditReader = kafka.consumer({ groupId: `${prefix}audit-reader`, maxWaitTimeInMs: 250 });
    await auditReader.connect();
    await auditReader.subscribe({ topic: `${prefix}${Topic.AuditEvents}`, fromBeginning: true });
    await auditReader.run({
      eachMessage: async ({ message }) => {
        audits.push(JSON.parse(message.value?.toString('utf8') ?? 'null') as AuditEvent);
      },
    });
    try {
      const views = await waitFor(
        () => {
          const v = audits.filter((a) => a.action === 'contact_view' && a.target?.id === subjectId);
          const ok = v.find((a) => a.result === 'ok' && a.actor?.username === 'officer-assigned');
          const denied = v.find((a) => a.result === 'denied' && a.actor?.username === 'officer-other');
          const boss = v.find((a) => a.result === 'denied' && a.actor?.username === 'supervisor-privacy');
          return ok && denied && boss ? { ok, denied, boss } : undefined;
        },
        { timeoutMs: 30_000, message: 'contact_view audits of the view and the refusals' },
      );
      expect(views.ok).toMatchObject({
        service: 'gateway',
        actor: { role: 'officer' },
        target: { kind: 'resident', id: subjectId },
        details: { reason: 'assigned_order', orderId: order.orderId, unitId: order.unitId, found: true },
      });
      expect(views.denied.details).toEqual({ reason: 'no_open_order' });
      expect(views.boss.details).toEqual({ reason: 'not_an_officer' });
    } finally {
      await auditReader.disconnect();
    }

    // On Kafka the resident's own account is a pseudonym and the contact is gone.
    const records = await readEveryTopic(kafka, prefix);
    const written = records
      .filter((r) => r.topic === `${prefix}${Topic.FraudIndicators}`)
      .map((r) => JSON.parse(r.value!.toString('utf8')) as FraudIndicator)
      .filter((e) => e.subjectId === subjectId);
    expect(written).toHaveLength(4);
    for (const e of written) expect(e).not.toHaveProperty('subjectContact');
    const onKafka = written.find((e) => e.kind === 'transfer');
    expect(onKafka?.kind === 'transfer' && onKafka.payerAccount).toMatch(/^acct:[0-9a-f]{32}$/);
    expect(records.some((r) => r.topic.endsWith(Topic.AuditEvents))).toBe(true);
    expect(records.some((r) => r.topic.endsWith(Topic.DispatchOrders))).toBe(true);

    // The scan: no record of any topic, and no line any service wrote, holds them in clear.
    for (const secret of secrets) {
      const bytes = Buffer.from(secret, 'utf8');
      const found = records.filter(
        (r) =>
          r.key?.includes(bytes) === true ||
          r.value?.includes(bytes) === true ||
          r.headers.some((h) => h.includes(bytes)),
      );
      expect(found.map((r) => r.topic)).toEqual([]);
      for (const s of services) expect(s.output().includes(secret), `${s.name}'s output`).toBe(false);
    }
    expect(records.length).toBeGreaterThan(10);
    for (const s of services) expect(s.output().length, `${s.name} wrote lines`).toBeGreaterThan(0);

    // In Redis the contact is sealed.
    const redis = new Redis(inject('redisUrl'));
    try {
      const sealed = await redis.get(`${prefix}contact:${subjectId}`);
      expect(sealed).not.toBeNull();
      for (const secret of secrets) expect(sealed).not.toContain(secret);
    } finally {
      redis.disconnect();
    }
  }, 300_000);
});
