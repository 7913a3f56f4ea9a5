/**
 * The scorer on a Redis Cluster of three masters (private redis-server processes, the shared Redis
 * untouched): the same victim timelines, for many subjects at once so that each Kafka batch's
 * states span slots on every master, give the same alerts (levels, revisions, one alert per
 * subject) as on the single Redis. The batch read and compare-and-set write are split per slot
 * there (groupBySlot); the state keys keep their names, spread over the masters.
 */
import { type Alert, type FraudIndicator, TOPICS, Topic } from '@fenghuo/contracts';
import { app, call, transfer } from '@fenghuo/engine/test-support';
import {
  closeRedis,
  createKafka,
  createLogger,
  createRedis,
  EventProducer,
  ensureTopics,
  keySlot,
} from '@fenghuo/kit';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClusterConfig } from '../../../infra/scripts/redis-topologies.ts';
import { testKafka, uniquePrefix, waitFor } from '../../../test/setup/helpers.ts';
import { type PrivateRedis, startPrivateRedisCluster } from '../../../test/setup/redis-topology.ts';
import { loadConfig } from '../src/config.ts';
import { startScorer } from '../src/service.ts';

const logger = createLogger({ service: 'fraud-scorer-cluster-test', level: 'warn' });
const SUBJECTS = Array.from({ length: 24 }, (_, i) => `victim-cl-${i}`);

/** Per subject: the (level, revision) of each alert, in order; and how many distinct alert ids. */
type Outcome = Record<string, { alerts: string[]; ids: number }>;

async function scenario(
  kafka: Kafka,
  redisEnv: Record<string, string>,
  keysOf: (prefix: string) => Promise<string[]>,
): Promise<{ outcome: Outcome; keys: string[] }> {
  const prefix = uniquePrefix('scorer-cluster');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, TOPICS, { prefix });
  } finally {
    await admin.disconnect();
  }
  const alerts: Alert[] = [];
  const reader = kafka.consumer({ groupId: `${prefix}alerts-reader` });
  await reader.connect();
  await reader.subscribe({ topic: `${prefix}${Topic.AlertsRaised}`, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      if (message.value) alerts.push(JSON.parse(message.value.toString()) as Alert);
    },
  });
  const producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
  await producer.connect();
  const config = loadConfig({
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: prefix,
    SCORER_GROUP_ID: `${prefix}fraud-scorer`,
    SCORER_OPS_PORT: '0',
    LOG_LEVEL: 'warn',
    ...redisEnv,
  });
  const redis = createRedis(config, logger);
  const scorer = await startScorer({ config, logger, kafka: createKafka(config, logger), redis });
  const of = (s: string) => alerts.filter((a) => a.subjectId === s);
  const step = async (events: FraudIndicator[], done: (s: string) => boolean, what: string) => {
    await producer.send(Topic.FraudIndicators, events);
    await waitFor(() => SUBJECTS.every(done), { timeoutMs: 60_000, message: what });
  };
  try {
    await step(
      SUBJECTS.flatMap((s) => [call(s, 0), call(s, 6), call(s, 12)]),
      (s) => of(s).length >= 1,
      'first alerts',
    );
    await step(
      SUBJECTS.map((s) => app(s, 15, { appName: 'AnyDesk' })),
      (s) => of(s).length >= 2,
      'upgrades after the app install',
    );
    await step(
      SUBJECTS.map((s) => transfer(s, 18, 48_000)),
      (s) => of(s).some((a) => a.level === 'urgent'),
      'urgent upgrades',
    );
    const outcome: Outcome = {};
    for (const s of SUBJECTS) {
      outcome[s] = {
        alerts: of(s).map((a) => `${a.level}#${a.revision}`),
        ids: new Set(of(s).map((a) => a.alertId)).size,
      };
    }
    return { outcome, keys: await keysOf(prefix) };
  } finally {
    await scorer.stop();
    await closeRedis(redis);
    await reader.disconnect();
    await producer.close();
  }
}

async function keysOn(host: string, ports: readonly number[], pattern: string): Promise<string[]> {
  const found: string[] = [];
  for (const port of ports) {
    const node = new Redis({ host, port, lazyConnect: true });
    try {
      found.push(...(await node.keys(pattern)).map((k) => `${port}|${k}`));
    } finally {
      node.disconnect();
    }
  }
  return found;
}

describe('fraud scorer on a three-master Redis Cluster', () => {
  let cluster: PrivateRedis<ClusterConfig> | undefined;
  let kafka: Kafka;

  beforeAll(async () => {
    kafka = testKafka('scorer-cluster-test');
    cluster = await startPrivateRedisCluster('scorer-cluster');
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('gives the same alerts as on the single Redis, its states spread over the masters', async () => {
    const c = cluster as PrivateRedis<ClusterConfig>;
    const redisUrl = new URL(inject('redisUrl'));
    // On the shared Redis, this run's keys are listed, then deleted (the cluster is deleted whole).
    const single = await scenario(kafka, {}, async (prefix) => {
      const keys = await keysOn(redisUrl.hostname, [Number(redisUrl.port || 6379)], `${prefix}*`);
      const raw = new Redis(inject('redisUrl'));
      try {
        const names = keys.map((k) => k.slice(k.indexOf('|') + 1));
        if (names.length > 0) await raw.unlink(...names);
      } finally {
        raw.disconnect();
      }
      return keys;
    });
    const masters = [0, 1, 2].map((i) => c.config.portBase + i);
    const onCluster = await scenario(kafka, c.env, (prefix) => keysOn(c.config.host, masters, `${prefix}*`));
    expect(Object.keys(single.outcome)).toHaveLength(SUBJECTS.length);
    for (const s of SUBJECTS) expect(single.outcome[s]?.ids).toBe(1);
    expect(onCluster.outcome).toEqual(single.outcome);
    // One state key per subject on the cluster too, and on more than one master.
    const states = onCluster.keys.filter((k) => k.includes('fs:s:'));
    expect(states).toHaveLength(SUBJECTS.length);
    expect(new Set(states.map((k) => k.split('|')[0])).size).toBeGreaterThan(1);
    expect(new Set(states.map((k) => keySlot(k.slice(k.indexOf('|') + 1)))).size).toBeGreaterThan(1);
  });
});
