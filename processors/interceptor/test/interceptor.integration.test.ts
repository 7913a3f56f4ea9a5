/**
 * The interceptor through the real broker and Redis: an operator puts a plate on the watch list
 * (the entry lands on the compacted topic), a camera sees the plate (a plan with checkpoints, the
 * sighting's correlation id on it), the pursuit ends on the operator's word (a closing plan), every
 * command is audited; new settings on rules.sets are live without a restart; the dry run answers
 * analysts with the gateway's tokens (recorded pursuit read back from Kafka, a scenario) and
 * refuses everyone else, audited.
 */
import type { AddressInfo } from 'node:net';
import { City, generateCity } from '@fenghuo/city';
import {
  type AuditEvent,
  Codecs,
  type InterceptionDryRunResponse,
  type InterceptionPlan,
  interceptionSettingsExample,
  type OperatorCommand,
  TOPICS,
  Topic,
  type VehicleSighting,
  type WatchListEntry,
} from '@fenghuo/contracts';
import { CORRELATION_HEADER, createLogger, EventProducer, ensureTopics } from '@fenghuo/kit';
import { AuthTokens } from '@fenghuo/kit/auth';
import { Redis } from 'ioredis';
import type { Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testKafka, uniquePrefix, waitFor } from '../../../test/setup/helpers.ts';
import { loadConfig } from '../src/config.ts';
import { type RunningInterceptor, startInterceptor } from '../src/service.ts';

const logger = createLogger({ service: 'interceptor-test', level: 'warn' });
const SECRET = 'test-secret-of-the-gateway-0123456789';
const PLATE = '苏E7X915';

interface Collected<T> {
  readonly items: { value: T; headers: Record<string, string> }[];
  readonly consumer: Consumer;
}

async function collect<T>(kafka: Kafka, prefix: string, topic: string): Promise<Collected<T>> {
  const items: Collected<T>['items'] = [];
  const consumer = kafka.consumer({ groupId: `${prefix}reader-${topic}`, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}${topic}`, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {}))
        if (v !== undefined) headers[k] = v.toString();
      items.push({ value: JSON.parse(message.value.toString()) as T, headers });
    },
  });
  return { items, consumer };
}

describe('interceptor on the real broker and Redis', () => {
  const prefix = uniquePrefix('interceptor');
  const pack = generateCity({ name: 'interceptor-it', targetNodes: 2500, units: 30, seed: 3 });
  const city = new City(pack);
  const camera = pack.cameras[Math.floor(pack.cameras.length / 2)] as (typeof pack.cameras)[number];
  const T0 = Date.now();
  let kafka: Kafka;
  let producer: EventProducer;
  let redis: Redis;
  let interceptor: RunningInterceptor | undefined;
  let plans: Collected<InterceptionPlan>;
  let watch: Collected<WatchListEntry>;
  let audits: Collected<AuditEvent>;
  let baseUrl = '';

  const command = (commandId: string, body: OperatorCommand['command']): OperatorCommand => ({
    version: 1,
    commandId,
    issuedAt: new Date().toISOString(),
    user: { username: 'li.na', role: 'operator' },
    command: body,
  });

  beforeAll(async () => {
    kafka = testKafka('interceptor-test');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, TOPICS, { prefix });
    } finally {
      await admin.disconnect();
    }
    producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
    await producer.connect();
    redis = new Redis(inject('redisUrl'), { keyPrefix: prefix });
    plans = await collect(kafka, prefix, Topic.InterceptionsPlans);
    watch = await collect(kafka, prefix, Topic.VehiclesWatchlist);
    audits = await collect(kafka, prefix, Topic.AuditEvents);
    const config = loadConfig({
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: prefix,
      INTERCEPTOR_GROUP_ID: `${prefix}interceptor`,
      INTERCEPTOR_OPS_PORT: '0',
      INTERCEPTOR_TICK_MS: '600000',
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'warn',
    });
    interceptor = await startInterceptor({
      config,
      logger,
      kafka,
      redis,
      city,
    });
    const address = interceptor.server?.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await interceptor?.stop();
    await Promise.all([plans, watch, audits].map((c) => c?.consumer.disconnect()));
    await producer?.close();
    redis?.disconnect();
    const plain = new Redis(inject('redisUrl'));
    try {
      const keys = await plain.keys(`${prefix}*`);
      if (keys.length > 0) await plain.del(...keys);
    } finally {
      plain.disconnect();
    }
  });

  it('keeps the watch list, plans on a sighting of a listed plate, and closes the pursuit on command', async () => {
    await producer.send(Topic.OperatorCommands, [
      command('cmd-watch-1', { type: 'watchlist_add', plate: PLATE, reason: 'Robbery of 26 Nov' }),
    ]);
    const entry = await waitFor(() => watch.items.find((e) => e.value.plate === PLATE)?.value, {
      timeoutMs: 30_000,
      message: 'watch-list entry',
    });
    expect(entry).toMatchObject({ status: 'active', addedBy: 'li.na', commandId: 'cmd-watch-1' });
    await waitFor(() => interceptor?.watchList.isWatched(PLATE, Date.now()), {
      message: 'plate on the watch list',
    });

    const sighting: VehicleSighting = {
      version: 1,
      eventId: 'cam-sight-1',
      occurredAt: new Date().toISOString(),
      plate: PLATE,
      cameraId: camera.id,
      location: { lon: camera.position[0], lat: camera.position[1] },
      nodeId: String(camera.nodeId),
      confidence: 0.98,
    };
    await producer.send(Topic.VehiclesSighted, [sighting], { [CORRELATION_HEADER]: 'req-sight-1' });
    const first = await waitFor(() => plans.items.find((p) => p.value.plate === PLATE), {
      timeoutMs: 30_000,
      message: 'first plan',
    });
    expect(Codecs.InterceptionPlan.validate(first.value).ok).toBe(true);
    expect(first.value).toMatchObject({ revision: 1, status: 'active', basedOnSightingId: 'cam-sight-1' });
    expect(first.value.checkpoints.length).toBeGreaterThan(0);
    expect(first.headers[CORRELATION_HEADER]).toBe('req-sight-1');

    await producer.send(Topic.OperatorCommands, [
      command('cmd-stop-1', {
        type: 'stop_pursuit',
        pursuitId: first.value.pursuitId,
        plate: PLATE,
        result: 'captured',
      }),
    ]);
    const last = await waitFor(
      () =>
        plans.items.find((p) => p.value.pursuitId === first.value.pursuitId && p.value.status === 'captured'),
      { timeoutMs: 30_000, message: 'closing plan' },
    );
    expect(last.value).toMatchObject({ revision: 2, checkpoints: [] });
    await waitFor(() => audits.items.filter((a) => a.value.service === 'interceptor').length >= 2, {
      message: 'audit events',
    });
    expect(audits.items.map((a) => a.value.details?.type).sort()).toEqual(['stop_pursuit', 'watchlist_add']);
  });

  it('takes new interception settings from rules.sets without a restart', async () => {
    await producer.send(Topic.RulesSets, [
      { ...interceptionSettingsExample, ruleSetId: 'interception', ruleSetVersion: 7, maxCheckpoints: 3 },
    ]);
    await waitFor(() => interceptor?.settings.current().ruleSetVersion === 7, {
      timeoutMs: 30_000,
      message: 'settings v7 live',
    });
    expect(interceptor?.settings.current().maxCheckpoints).toBe(3);
  });

  it('runs the dry run for analysts on a recorded pursuit and a scenario, and refuses others', async () => {
    const url = `${baseUrl}/api/interception/dry-run`;
    // Tokens as the gateway issues them, with the shared key.
    const issuer = new AuthTokens({ secret: new TextEncoder().encode(SECRET) });
    const token = async (role: 'analyst' | 'officer') =>
      (await issuer.issue({ username: `x.${role}`, role })).token;
    const nodes = pack.graph.nodeId;
    const body = {
      draft: {
        ...interceptionSettingsExample,
        ruleSetVersion: 8,
        routeModel: { ...interceptionSettingsExample.routeModel, samples: 300 },
      },
      pursuits: [{ plate: PLATE, from: new Date(T0 - 60_000).toISOString(), to: new Date().toISOString() }],
      scenarios: [
        {
          id: 'it-1',
          fugitiveStart: String(camera.nodeId),
          reportDelayS: 30,
          horizonS: 600,
          units: [
            { id: 'a', start: String(nodes[10]) },
            { id: 'b', start: String(nodes[nodes.length - 10]) },
          ],
        },
      ],
    };
    const post = (auth: string | undefined, payload: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        body: JSON.stringify(payload),
      });

    expect((await post(undefined, body)).status).toBe(401);
    expect((await post('not.a.token', body)).status).toBe(401);
    const forbidden = await post(await token('officer'), body);
    expect(forbidden.status).toBe(403);
    expect(Codecs.ApiError.validate(await forbidden.json()).ok).toBe(true);
    await waitFor(() => audits.items.some((a) => a.value.action === 'access_denied'), {
      message: 'refusals audited',
    });
    const bad = await post(await token('analyst'), { ...body, draft: { ...body.draft, horizonSec: -1 } });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: { details: { path: string }[] } };
    expect(badBody.error.details.map((d) => d.path)).toContain('draft.horizonSec');

    const ok = await post(await token('analyst'), body);
    expect(ok.status).toBe(200);
    const answer = (await ok.json()) as InterceptionDryRunResponse;
    expect(Codecs.InterceptionDryRunResponse.validate(answer).ok).toBe(true);
    expect(answer.draft.ruleSetVersion).toBe(8);
    const scenario = answer.results.find((r) => r.source === 'scenario');
    expect(scenario?.live.plans).toBe(1);
    expect(scenario?.draft.plans).toBe(1);
    const pursuit = answer.results.find((r) => r.source === 'pursuit');
    // The one recorded sighting of the plate, read back from vehicles.sighted, planned by both.
    expect(pursuit?.note).toBeUndefined();
    expect(pursuit?.live.plans).toBe(1);
    expect(pursuit?.draft.plans).toBe(1);
  });
});
