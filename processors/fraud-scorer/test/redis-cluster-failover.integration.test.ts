/**
 * The scorer on a Redis Cluster of three masters with a replica each (private redis-server
 * processes): victims stream in while one master is killed with SIGKILL. Its replica takes over the
 * master's slots after `cluster-node-timeout`; the scorer's batches that touched those slots wait
 * or fail as transient and are retried (a dead-lettered event would leave its victim without an
 * alert), and every victim gets exactly one alert. How long alerts stalled is measured and printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Alert, type CallIndicator, TOPICS, Topic } from '@fenghuo/contracts';
import {
  closeRedis,
  createKafka,
  createLogger,
  createRedis,
  EventProducer,
  ensureTopics,
} from '@fenghuo/kit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ClusterConfig, roleOf, stopPid } from '../../../infra/scripts/redis-topologies.ts';
import {
  groupCommittedToEnd,
  readAll,
  testKafka,
  uniquePrefix,
  waitFor,
} from '../../../test/setup/helpers.ts';
import { type PrivateRedis, startPrivateRedisCluster } from '../../../test/setup/redis-topology.ts';
import { loadConfig } from '../src/config.ts';
import { type RunningScorer, startScorer } from '../src/service.ts';

const logger = createLogger({ service: 'scorer-cluster-failover-test', level: 'error' });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function victim(prefix: string, startedAt: number, i: number): CallIndicator[] {
  const first = startedAt - 30 * 60_000 + i * 1_000;
  return [0, 1, 2].map((k) => ({
    version: 1,
    eventId: `${prefix}v${i}-c${k}`,
    occurredAt: new Date(first + k * 4 * 60_000).toISOString(),
    subjectId: `${prefix}v${i}`,
    kind: 'call',
    callerNumber: `170${String(i).padStart(8, '0')}`,
    direction: 'inbound',
    durationSec: 300,
    callerListed: true,
  }));
}

describe('fraud scorer through a Redis Cluster master failover', () => {
  let cluster: PrivateRedis<ClusterConfig> | undefined;
  let scorer: RunningScorer | undefined;
  let redis: ReturnType<typeof createRedis> | undefined;
  let producer: EventProducer | undefined;
  const prefix = uniquePrefix('scorer-cluster-failover');
  const alerts: { alert: Alert; at: number }[] = [];
  const kafka = testKafka('scorer-cluster-failover-test');
  const reader = kafka.consumer({ groupId: `${prefix}alerts-reader`, maxWaitTimeInMs: 100 });

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster('scorer-cluster-failover', {
      replicas: 1,
      nodeTimeoutMs: 2_000,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, TOPICS, { prefix });
    } finally {
      await admin.disconnect();
    }
    await reader.connect();
    await reader.subscribe({ topic: `${prefix}${Topic.AlertsRaised}`, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        if (message.value)
          alerts.push({ alert: JSON.parse(message.value.toString()) as Alert, at: Date.now() });
      },
    });
    producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
    await producer.connect();
    const config = loadConfig({
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: prefix,
      SCORER_GROUP_ID: `${prefix}fraud-scorer`,
      SCORER_OPS_PORT: '0',
      LOG_LEVEL: 'error',
      ...cluster.env,
    });
    redis = createRedis(config, logger);
    scorer = await startScorer({ config, logger, kafka: createKafka(config, logger), redis });
  });

  afterAll(async () => {
    await scorer?.stop();
    if (redis) await closeRedis(redis);
    await reader.disconnect().catch(() => undefined);
    await producer?.close();
    await cluster?.stop();
  });

  it('alerts every victim exactly once across the failover', async () => {
    const c = cluster as PrivateRedis<ClusterConfig>;
    const p = producer as EventProducer;
    const startedAt = Date.now();
    let sent = 0;
    let streaming = true;
    const stream = (async () => {
      while (streaming) {
        await p.send(Topic.FraudIndicators, [
          ...victim(prefix, startedAt, sent),
          ...victim(prefix, startedAt, sent + 1),
        ]);
        sent += 2;
        await sleep(100);
      }
    })();
    let promotedAt = 0;
    let killedAt = 0;
    try {
      await waitFor(() => alerts.length >= 20, { timeoutMs: 60_000, message: '20 alerts before the kill' });
      const port = c.config.portBase;
      const pid = Number(readFileSync(join(c.config.dir, `node-${port}`, 'redis.pid'), 'utf8').trim());
      killedAt = Date.now();
      await stopPid(pid, 'SIGKILL');
      // Its replica (one of the last three nodes) becomes a master.
      promotedAt = await waitFor(
        () => {
          const masters = [3, 4, 5].filter((i) => roleOf(c.config.host, c.config.portBase + i) === 'master');
          return masters.length > 0 ? Date.now() : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100, message: 'a replica promoted' },
      );
      await sleep(5_000);
    } finally {
      streaming = false;
      await stream;
    }
    const victims = Array.from({ length: sent }, (_, i) => `${prefix}v${i}`);
    await waitFor(() => victims.every((v) => alerts.some((a) => a.alert.subjectId === v)), {
      timeoutMs: 90_000,
      message: `an alert for each of ${sent} victims`,
    });
    // No second alert still to come: the scorer has committed every indicator, so all it wrote for
    // them is in the log; count ids over the whole topic, not what the live reader has so far (a
    // fixed sleep here could end before a late repeat on a slow machine).
    await groupCommittedToEnd(kafka, `${prefix}fraud-scorer`, `${prefix}${Topic.FraudIndicators}`, {
      timeoutMs: 90_000,
    });
    const all = (await readAll(kafka, `${prefix}${Topic.AlertsRaised}`)).map(
      (m) => JSON.parse(m.value ?? 'null') as Alert,
    );
    const idsPer = new Map<string, Set<string>>();
    for (const alert of all)
      idsPer.set(alert.subjectId, (idsPer.get(alert.subjectId) ?? new Set()).add(alert.alertId));
    const gaps = alerts
      .map((a) => a.at)
      .filter((at) => at >= killedAt)
      .sort((a, b) => a - b);
    let maxGap = 0;
    let prev = killedAt;
    for (const at of gaps) {
      maxGap = Math.max(maxGap, at - prev);
      prev = at;
    }
    const lastBefore = Math.max(...alerts.filter((a) => a.at < killedAt).map((a) => a.at));
    console.log(
      [
        'redis cluster master failover under the scorer (SIGKILL, cluster-node-timeout 2 s):',
        `  victims ${sent}, alerts ${all.length}, victims with more than one alert id ${[...idsPer.values()].filter((s) => s.size > 1).length}`,
        `  kill → replica promoted: ${promotedAt - killedAt} ms; longest pause between alerts after the kill: ${maxGap} ms (last alert before the kill ${killedAt - lastBefore} ms before it)`,
      ].join('\n'),
    );
    expect([...idsPer.values()].every((s) => s.size === 1)).toBe(true);
    expect(idsPer.size).toBe(sent);
  });
});
