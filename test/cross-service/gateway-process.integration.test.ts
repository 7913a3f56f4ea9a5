/**
 * The gateway as `npm start` runs it: its own entry point as a process (NODE_ENV=production, so the
 * token key must come from AUTH_JWT_SECRET), configured only through the environment, with demo
 * users. A demo operator logs in with the password from demo-users.json, connects over Socket.IO,
 * and an alert written to Kafka in the operator's station reaches them; the gateway's audit entry
 * of the login carries the request id as correlation id.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import { type Alert, type AuditEvent, examples, TOPICS, Topic, type UserIdentity } from '@fenghuo/contracts';
import { CORRELATION_HEADER, EventProducer, ensureTopics, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../setup/free-port.ts';
import { consumeMessages, testKafka, testLogger, uniquePrefix, waitFor } from '../setup/helpers.ts';
import { type ServiceProcess, sharedServiceEnv, startService, stopServices } from '../setup/services.ts';

describe('the gateway as a process, with demo users', () => {
  const prefix = uniquePrefix('gateway-process');
  const dir = mkdtempSync(join(tmpdir(), 'fh-gateway-'));
  let gateway: ServiceProcess | undefined;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const kafka = testKafka('gateway-process-test');
    await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = await startService({
      name: 'gateway',
      entry: 'dispatch-ui/gateway/src/index.ts',
      env: {
        ...sharedServiceEnv(prefix),
        KAFKA_CLIENT_ID: `${prefix}gateway`,
        GATEWAY_PORT: String(port),
        GATEWAY_GROUP_ID: `${prefix}gateway`,
        GATEWAY_USERS_FILE: join(dir, 'users.json'),
        GATEWAY_DEMO: '1',
        AUTH_JWT_SECRET: 'cross-service-gateway-test-key-0123456789',
      },
      readyUrl: `${url}/readyz`,
    });
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await stopServices([gateway]);
    const redis = new Redis(inject('redisUrl'));
    try {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a demo operator logs in, connects, and receives an alert of their station', async () => {
    const demo = JSON.parse(readFileSync(join(dir, 'demo-users.json'), 'utf8')) as {
      users: (UserIdentity & { password: string })[];
    };
    expect(demo.users.map((u) => u.role).sort()).toEqual(
      [
        'admin',
        'analyst',
        'grid_worker',
        'officer',
        'officer',
        'officer',
        'operator',
        'operator',
        'supervisor',
      ].sort(),
    );
    const operator = demo.users.find((u) => u.role === 'operator' && u.region?.kind === 'station')!;
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `${prefix}login-1` },
      body: JSON.stringify({ username: operator.username, password: operator.password }),
    });
    expect(res.status).toBe(200);
    const { token, user } = (await res.json()) as { token: string; user: UserIdentity };
    expect(user.region).toEqual(operator.region);

    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const alerts: Alert[] = [];
    socket.on('alert:upserted', (a: Alert) => alerts.push(a));
    const snapshot = new Promise((resolve) => socket.once('snapshot', resolve));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await snapshot;

    const pack = loadOrGenerateDefaultPack().pack;
    const cell = pack.cells.find((c) => c.stationId === operator.region!.id)!;
    const ring = cell.polygon[0]!.slice(0, -1);
    const location = {
      lon: ring.reduce((a, v) => a + v[0], 0) / ring.length,
      lat: ring.reduce((a, v) => a + v[1], 0) / ring.length,
    };
    const alert: Alert = {
      ...examples[Topic.AlertsRaised],
      alertId: `${prefix}al-1`,
      gridCellId: cell.id,
      location,
    };
    const producer = new EventProducer(testKafka('gateway-process-producer'), testLogger, {
      topicPrefix: prefix,
    });
    try {
      await producer.send(Topic.AlertsRaised, [alert]);
    } finally {
      await producer.close();
    }
    await waitFor(() => alerts.some((a) => a.alertId === alert.alertId), {
      timeoutMs: 30_000,
      message: 'the alert reaches the operator',
    });

    const audit = await consumeMessages(testKafka('gateway-process-audit'), {
      topic: `${prefix}${Topic.AuditEvents}`,
      count: 1,
    });
    const entry = JSON.parse(audit[0]!.value!) as AuditEvent;
    expect(entry).toMatchObject({
      service: 'gateway',
      action: 'login',
      result: 'ok',
      actor: { username: operator.username },
    });
    expect(audit[0]!.headers[CORRELATION_HEADER]?.toString()).toBe(`${prefix}login-1`);
  });
});
