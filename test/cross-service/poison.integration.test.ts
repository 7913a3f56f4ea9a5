/**
 * Poison on every input topic: each service as `npm start` runs it (its own process), then records
 * that are not events — not JSON, JSON of the wrong shape, JSON nested 20,000 deep — on every topic
 * the catalogue says some service consumes. Every consuming service's group must dead-letter each
 * one to `<topic>.dlq` with its group and reason, and every service must still be up and ready.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dlqTopic, TOPICS } from '@fenghuo/contracts';
import { DLQ_HEADERS, ensureTopics, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../setup/free-port.ts';
import { testKafka, uniquePrefix, waitFor } from '../setup/helpers.ts';
import { type ServiceProcess, sharedServiceEnv, startService, stopServices } from '../setup/services.ts';

const JWT_SECRET = 'poison-test-jwt-secret-0123456789abcdef';

const POISON: Readonly<Record<string, string>> = {
  'poison-not-json': 'not json {',
  'poison-wrong-shape': '{"version":1,"hello":"world"}',
  'poison-deep': `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
};

interface ServiceSpec {
  /** The service's name in the topic catalogue. */
  readonly name: string;
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
  readonly readyUrl: string;
}

/** Every consuming service, with the environment that runs it and where it says it is ready. */
async function serviceSpecs(prefix: string, dir: string): Promise<ServiceSpec[]> {
  const ports = {
    scorer: await freePort(),
    rules: await freePort(),
    router: await freePort(),
    interceptor: await freePort(),
    gateway: await freePort(),
    audit: await freePort(),
  };
  return [
    {
      name: 'fraud-scorer',
      entry: 'processors/fraud-scorer/src/index.ts',
      env: { SCORER_GROUP_ID: `${prefix}fraud-scorer`, SCORER_OPS_PORT: String(ports.scorer) },
      readyUrl: `http://127.0.0.1:${ports.scorer}/readyz`,
    },
    {
      name: 'rules',
      entry: 'processors/rules/src/index.ts',
      env: { RULES_GROUP_ID: `${prefix}rules`, RULES_PORT: String(ports.rules), AUTH_JWT_SECRET: JWT_SECRET },
      readyUrl: `http://127.0.0.1:${ports.rules}/readyz`,
    },
    {
      name: 'router',
      entry: 'processors/router/src/index.ts',
      env: { ROUTER_GROUP_ID: `${prefix}router`, ROUTER_OPS_PORT: String(ports.router) },
      readyUrl: `http://127.0.0.1:${ports.router}/readyz`,
    },
    {
      name: 'interceptor',
      entry: 'processors/interceptor/src/index.ts',
      env: {
        INTERCEPTOR_GROUP_ID: `${prefix}interceptor`,
        INTERCEPTOR_OPS_PORT: String(ports.interceptor),
        AUTH_JWT_SECRET: JWT_SECRET,
      },
      readyUrl: `http://127.0.0.1:${ports.interceptor}/readyz`,
    },
    {
      name: 'gateway',
      entry: 'dispatch-ui/gateway/src/index.ts',
      env: {
        GATEWAY_GROUP_ID: `${prefix}gateway`,
        GATEWAY_PORT: String(ports.gateway),
        GATEWAY_USERS_FILE: join(dir, 'users.json'),
        AUTH_JWT_SECRET: JWT_SECRET,
      },
      readyUrl: `http://127.0.0.1:${ports.gateway}/readyz`,
    },
    {
      name: 'audit-writer',
      entry: 'processors/audit-writer/src/index.ts',
      env: {
        AUDIT_GROUP_ID: `${prefix}audit-writer`,
        AUDIT_TRANSACTIONAL_ID: `${prefix}audit-writer`,
        AUDIT_OPS_PORT: String(ports.audit),
      },
      readyUrl: `http://127.0.0.1:${ports.audit}/readyz`,
    },
  ];
}

describe('poison records on every input topic', () => {
  const prefix = uniquePrefix('poison');
  const dir = mkdtempSync(join(tmpdir(), 'fh-poison-'));
  const kafka = testKafka('poison-test');
  let services: ServiceProcess[] = [];
  let specs: ServiceSpec[] = [];
  const consumed = TOPICS.filter((t) => !t.name.endsWith('.dlq') && t.consumers.length > 0);

  beforeAll(async () => {
    await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));
    specs = await serviceSpecs(prefix, dir);
    const started = await Promise.allSettled(
      specs.map((s) =>
        startService({
          name: s.name,
          entry: s.entry,
          env: { ...sharedServiceEnv(prefix), KAFKA_CLIENT_ID: `${prefix}${s.name}`, ...s.env },
          readyUrl: s.readyUrl,
          readyTimeoutMs: 240_000,
        }),
      ),
    );
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

  it('every consuming service dead-letters each of them with its reason, and stays up and ready', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      for (const topic of consumed) {
        await producer.send({
          topic: `${prefix}${topic.name}`,
          acks: -1,
          messages: Object.entries(POISON).map(([key, value]) => ({ key, value })),
        });
      }
    } finally {
      await producer.disconnect();
    }

    // Which services dead-lettered which poison record of which topic. The rules service reads
    // fraud.indicators, alerts.raised, alerts.shadow and outcomes.labelled only on demand, for
    // backtests (no consumer group), so it has nothing to dead-letter there.
    const onDemandOnly = new Set(['fraud.indicators', 'alerts.raised', 'alerts.shadow', 'outcomes.labelled']);
    const expected = consumed.flatMap((topic) =>
      topic.consumers
        .filter((service) => !(service === 'rules' && onDemandOnly.has(topic.name)))
        .flatMap((service) => Object.keys(POISON).map((key) => ({ topic: topic.name, service, key }))),
    );
    const found = new Set<string>();
    const seen = new Map<string, string[]>();
    const reader = kafka.consumer({ groupId: `${prefix}dlq-reader`, maxWaitTimeInMs: 250 });
    await reader.connect();
    try {
      for (const topic of consumed)
        await reader.subscribe({ topic: dlqTopic(`${prefix}${topic.name}`), fromBeginning: true });
      await reader.run({
        eachMessage: async ({ topic, message }) => {
          const original = topic.slice(prefix.length, -'.dlq'.length);
          const group = message.headers?.[DLQ_HEADERS.group]?.toString() ?? '';
          const code = message.headers?.[DLQ_HEADERS.code]?.toString() ?? '';
          const key = message.key?.toString() ?? '';
          seen.set(original, [
            ...(seen.get(original) ?? []),
            `${key} by ${group.slice(prefix.length)} (${code})`,
          ]);
          if (code !== '') found.add(`${original}|${group}|${key}`);
        },
      });
      const missing = () =>
        expected.filter(
          (e) =>
            ![...found].some((f) => {
              const [topic, group, key] = f.split('|');
              return topic === e.topic && key === e.key && group!.startsWith(`${prefix}${e.service}`);
            }),
        );
      // Generous: pinned to one core beside the rest of the suite, six services join their groups
      // slowly (one pinned run saw none of the scorer's dead letters within 3 minutes).
      await waitFor(() => missing().length === 0, { timeoutMs: 360_000, intervalMs: 500 }).catch(
        () => undefined,
      );
      const left = missing().map((m) => `${m.topic}: ${m.service} did not dead-letter ${m.key}`);
      const silent = new Set(missing().map((m) => m.service));
      const tails = services
        .filter((s) => silent.has(s.name))
        .map(
          (s) =>
            `--- ${s.name} (${s.child.exitCode === null ? 'running' : `exited ${s.child.exitCode}`}) ---\n${s.output().split('\n').slice(-30).join('\n')}`,
        )
        .join('\n');
      expect(
        left,
        `dead letters seen:\n${[...seen].map(([t, l]) => `${t}: ${l.join(', ')}`).join('\n')}\n${tails}`,
      ).toEqual([]);
    } finally {
      await reader.disconnect();
    }

    for (const s of services) {
      expect(s.child.exitCode, `${s.name} exited:\n${s.output()}`).toBeNull();
    }
    for (const spec of specs) {
      await waitFor(async () => (await fetch(spec.readyUrl)).status === 200, {
        timeoutMs: 30_000,
        message: `${spec.name} ready after the poison`,
      });
    }
  }, 900_000);
});
