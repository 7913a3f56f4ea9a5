/**
 * A grid report end to end on the real broker and Redis: a resident opens a cell's QR form on the
 * gateway and sends it; the report goes to `incidents.reported`; the real router routes it to that
 * cell's community officer (the officer-first ladder of grid-worker reports), and the order reaches
 * the officer's phone through the gateway. Meanwhile a flood of posts from one address is refused with 429 and a real report from
 * another address in the same minute is routed to its own cell's officer all the same.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DispatchOrder, GridReportAccepted, ServerToClientEvents } from '@fenghuo/contracts';
import { closeRedis, createLogger, createStandaloneRedis } from '@fenghuo/kit';
import type { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig as gatewayConfig } from '../../dispatch-ui/gateway/src/config.ts';
import { type RunningGateway, startGateway } from '../../dispatch-ui/gateway/src/service.ts';
import { UserStore } from '../../dispatch-ui/gateway/src/users/user-store.ts';
import { type RunningRouter, startRouter } from '../../processors/router/src/service.ts';
import {
  defaultCity,
  type RouterTestBed,
  routerTestBed,
  testLog,
} from '../../processors/router/test/support/harness.ts';
import { waitFor } from '../setup/helpers.ts';

const PASSWORD = 'correct horse battery';

describe('a QR report reaches the cell officer through the router', () => {
  const city = defaultCity();
  const cells = city.pack.cells;
  const A = cells[10] as (typeof cells)[number];
  const B = cells.find((c) => c.stationId !== A.stationId) as (typeof cells)[number];
  let bed: RouterTestBed;
  let router: RunningRouter | undefined;
  let gateway: RunningGateway | undefined;
  const redis: Redis[] = [];
  const sockets: Socket<ServerToClientEvents>[] = [];

  beforeAll(async () => {
    bed = await routerTestBed('grid-report');
    // Officers are at their posts (no phones in this test).
    router = await startRouter(bed.config({ ROUTER_UNSEEN_UNITS: 'home' }), testLog, { city });
    const dir = mkdtempSync(join(tmpdir(), 'fh-grid-'));
    const usersFile = join(dir, 'users.json');
    const users = new UserStore(usersFile);
    await users.put('officer-a', { role: 'officer', unitId: A.officerId, password: PASSWORD });
    const config = gatewayConfig({
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      KAFKA_TOPIC_PREFIX: bed.prefix,
      KAFKA_CLIENT_ID: `${bed.prefix}gateway`,
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: `${bed.prefix}gw:`,
      GATEWAY_PORT: '0',
      GATEWAY_GROUP_ID: `${bed.prefix}gateway`,
      GATEWAY_USERS_FILE: usersFile,
      GATEWAY_TRUST_PROXY: '1',
      GATEWAY_REPORT_ADDRESS_LIMIT: '3',
      GATEWAY_REPORT_FORM_MIN_AGE_SEC: '0',
      AUTH_JWT_SECRET: 'grid-report-cross-service-key-0123456789',
      LOG_LEVEL: 'error',
    });
    const logger = createLogger({ service: 'gateway', level: config.logLevel });
    const r = createStandaloneRedis(config, logger);
    const adapter = createStandaloneRedis({ ...config, redisKeyPrefix: '' }, logger);
    redis.push(r, adapter);
    gateway = await startGateway({
      config,
      logger,
      kafka: bed.kafka,
      redis: r,
      adapterRedis: adapter,
      city: city.pack,
    });
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await gateway?.stop();
    await router?.stop();
    for (const r of redis) await closeRedis(r);
    await bed?.close();
  }, 60_000);

  const send = async (cellId: string, address: string, requestId: string) => {
    const page = await fetch(`${gateway!.url}/r/${cellId}`);
    const formToken = /name="formToken" value="([^"]+)"/.exec(await page.text())?.[1];
    const res = await fetch(`${gateway!.url}/r/${cellId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address, 'x-request-id': requestId },
      body: JSON.stringify({ category: 'disturbance', text: '邻里纠纷 neighbours quarrelling', formToken }),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as GridReportAccepted,
    };
  };

  it("routes the report to the cell's officer, whose phone gets the order; a flood is refused without losing a real report", async () => {
    const login = await fetch(`${gateway!.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'officer-a', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const phone: Socket<ServerToClientEvents> = io(gateway!.url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(phone);
    const onPhone: DispatchOrder[] = [];
    phone.on('order:upserted', (o) => onPhone.push(o));
    await new Promise<void>((ok, fail) => {
      phone.once('connect', () => ok());
      phone.once('connect_error', fail);
    });

    const first = await send(A.id, '10.7.0.1', 'req-grid-a');
    expect(first.status).toBe(202);
    // A flood from one address, then a real report from another address about another cell.
    const flood = [];
    for (let i = 0; i < 6; i++) flood.push(await send(A.id, '10.7.0.66', `req-flood-${i}`));
    const real = await send(B.id, '10.7.0.2', 'req-grid-b');
    expect(flood.map((f) => f.status)).toEqual([202, 202, 202, 429, 429, 429]);
    expect(Number(flood[5]?.retryAfter)).toBeGreaterThan(0);
    expect(real.status).toBe(202);

    const orderOf = (incidentId: string) =>
      waitFor(() => bed.written.orders.find((o) => o.refId === incidentId), {
        timeoutMs: 60_000,
        message: `an order for ${incidentId}`,
      });
    const orderA = await orderOf(first.body.incidentId);
    expect(orderA).toMatchObject({
      unitId: A.officerId,
      rung: 'officer',
      gridCellId: A.id,
      priority: 3,
      kind: 'incident',
    });
    const orderB = await orderOf(real.body.incidentId);
    expect(orderB).toMatchObject({ unitId: B.officerId, rung: 'officer', gridCellId: B.id });
    // The flood's accepted reports are routed too, and the refused ones never reached Kafka.
    for (const f of flood.filter((x) => x.status === 202)) await orderOf(f.body.incidentId);
    expect(bed.written.orders.filter((o) => o.refId.startsWith('gr-'))).toHaveLength(5);

    const onTheirPhone = await waitFor(() => onPhone.find((o) => o.refId === first.body.incidentId), {
      timeoutMs: 30_000,
      message: "the order on the officer's phone",
    });
    expect(onTheirPhone.unitId).toBe(A.officerId);
    expect(onPhone.some((o) => o.refId === real.body.incidentId)).toBe(false);
  });
});
