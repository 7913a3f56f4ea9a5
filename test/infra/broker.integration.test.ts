/**
 * Proves kafkajs 2.2.4 works against the pinned broker (Kafka 3.9, KRaft) and ioredis against Redis:
 * topic creation with configs, idempotent produce with acks=all, consumer groups and partition
 * sharing. Every test uses its own topic prefix; topics are deleted afterwards.
 */
import { TOPICS, Topic } from '@fenghuo/contracts';
import { Redis } from 'ioredis';
import {
  type Admin,
  ConfigResourceTypes,
  ConfigSource,
  type Consumer,
  logLevel,
  Partitioners,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTopics, topicsFromEnv } from '../../infra/kit/src/kafka/topics.ts';
import { consumeMessages, testKafka, testRedisUrl, uniquePrefix, waitFor } from '../setup/helpers.ts';

const kafka = testKafka('broker-integration-test');
const quietKafka = testKafka('broker-integration-test-group', { logLevel: logLevel.NOTHING });
let admin: Admin;
const createdTopics: string[] = [];

async function ensurePrefixed(prefix: string, specs = TOPICS) {
  const result = await ensureTopics(admin, specs, { prefix });
  createdTopics.push(...result.created);
  return result;
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  try {
    if (createdTopics.length > 0) await admin.deleteTopics({ topics: createdTopics });
  } finally {
    await admin.disconnect();
  }
});

describe(`Kafka broker (${inject('infraMode')} mode)`, () => {
  it('ensureTopics creates the catalogue once, with partitions and cleanup policies', async () => {
    const prefix = uniquePrefix('topics');
    const names = TOPICS.map((t) => `${prefix}${t.name}`);

    const first = await ensurePrefixed(prefix);
    expect(first.created.sort()).toEqual([...names].sort());
    expect(first.existing).toEqual([]);

    const second = await ensurePrefixed(prefix);
    expect(second.created).toEqual([]);
    expect(second.existing.sort()).toEqual([...names].sort());

    const rules = `${prefix}${Topic.RulesSets}`;
    const fraud = `${prefix}${Topic.FraudIndicators}`;
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [rules, fraud].map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['cleanup.policy', 'retention.ms'],
      })),
    });
    const config = (topic: string, key: string) =>
      resources.find((r) => r.resourceName === topic)?.configEntries.find((e) => e.configName === key)
        ?.configValue;
    const fraudSpec = TOPICS.find((t) => t.name === Topic.FraudIndicators)!;
    expect(config(rules, 'cleanup.policy')).toBe('compact');
    expect(config(fraud, 'cleanup.policy')).toBe('delete');
    expect(config(fraud, 'retention.ms')).toBe(String(fraudSpec.retentionMs));

    const metadata = await admin.fetchTopicMetadata({ topics: [fraud] });
    expect(metadata.topics[0]?.partitions).toHaveLength(fraudSpec.partitions);
  });

  it('ensureTopics applies changed retention to existing topics, keeping their other settings', async () => {
    const prefix = uniquePrefix('retention');
    const only = TOPICS.filter((t) => t.name === Topic.UnitsPositions || t.name === Topic.FraudIndicators);
    await ensurePrefixed(prefix, only);
    const positions = `${prefix}${Topic.UnitsPositions}`;
    const configOf = async () => {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: positions }],
      });
      return resources[0]!.configEntries;
    };
    const settingOf = async (key: string) =>
      (await configOf()).find((e) => e.configName === key)?.configValue;
    // An operator's own setting on the topic, which must survive the change.
    const entries = (await configOf()).filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG);
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: positions,
          configEntries: [
            ...entries.map((e) => ({ name: e.configName, value: e.configValue })),
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });
    // A change reaches the broker's config cache a moment after the controller took it (KRaft).
    await waitFor(async () => (await settingOf('max.message.bytes')) === '2000000', {
      message: "the operator's setting visible",
    });

    const overridden = topicsFromEnv(only, { TOPIC_RETENTION_DAYS: `${Topic.UnitsPositions}=3` });
    const again = await ensureTopics(admin, overridden, { prefix, alignExisting: true });
    expect(again.created).toEqual([]);
    expect(again.changed).toEqual([
      { topic: positions, name: 'retention.ms', from: expect.any(String), to: String(3 * 86_400_000) },
    ]);
    // ensureTopics returns once the broker shows the change.
    expect(await settingOf('retention.ms')).toBe(String(3 * 86_400_000));
    expect(await settingOf('max.message.bytes')).toBe('2000000');
    expect(await settingOf('cleanup.policy')).toBe('delete');
    // Nothing left to change the second time.
    expect((await ensureTopics(admin, overridden, { prefix, alignExisting: true })).changed).toEqual([]);
  });

  it('an idempotent producer with acks=-1 writes, a consumer group reads back every message', async () => {
    const prefix = uniquePrefix('produce');
    await ensurePrefixed(prefix);
    const topic = `${prefix}${Topic.FraudIndicators}`;
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const sent = Array.from({ length: 30 }, (_, i) => ({
      key: `subject-${i}`,
      value: JSON.stringify({ i }),
    }));
    try {
      await producer.connect();
      const acks = await producer.send({ topic, acks: -1, messages: sent });
      expect(acks.every((a) => a.errorCode === 0)).toBe(true);
    } finally {
      await producer.disconnect();
    }

    const groupId = `${prefix}group`;
    const received = await consumeMessages(kafka, { topic, count: sent.length, groupId });
    expect(received.map((m) => m.key).sort()).toEqual(sent.map((m) => m.key).sort());
    // Same key → same partition, always.
    const partitionOf = new Map(received.map((m) => [m.key, m.partition]));
    expect(partitionOf.size).toBe(sent.length);

    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committed).toBe(sent.length);
  });

  it('two consumers in one group split the partitions between them', async () => {
    const prefix = uniquePrefix('group');
    await ensurePrefixed(prefix);
    const topic = `${prefix}${Topic.AlertsRaised}`;
    const partitions = TOPICS.find((t) => t.name === Topic.AlertsRaised)!.partitions;
    const groupId = `${prefix}group`;
    const assigned = new Map<string, number[]>();
    const consumers: Consumer[] = [];
    try {
      for (const member of ['a', 'b']) {
        // Quiet client: kafkajs logs every "group is rebalancing" heartbeat answer as an ERROR, and
        // rebalancing is exactly what this test provokes. kafkajs heartbeats between fetches, so short
        // fetch waits and heartbeats make the first member notice the rebalance within a second.
        const consumer = quietKafka.consumer({
          groupId,
          allowAutoTopicCreation: false,
          heartbeatInterval: 500,
          maxWaitTimeInMs: 500,
        });
        consumers.push(consumer);
        consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
          assigned.set(member, payload.memberAssignment[topic] ?? []);
        });
        await consumer.connect();
        await consumer.subscribe({ topic });
        await consumer.run({ eachMessage: async () => {} });
      }
      await waitFor(
        () => {
          const a = assigned.get('a') ?? [];
          const b = assigned.get('b') ?? [];
          const union = new Set([...a, ...b]);
          return (
            a.length > 0 && b.length > 0 && a.length + b.length === partitions && union.size === partitions
          );
        },
        { timeoutMs: 30_000, message: `both members own disjoint partitions covering all ${partitions}` },
      );
      expect(assigned.get('a')!.length + assigned.get('b')!.length).toBe(partitions);
    } finally {
      await Promise.allSettled(consumers.map((c) => c.disconnect()));
    }
  });
});

describe('Redis', () => {
  it('answers PING, SET and GET through ioredis', async () => {
    const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
    const key = `${uniquePrefix('redis')}key`;
    try {
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.set(key, 'beacon', 'PX', 60_000)).toBe('OK');
      expect(await redis.get(key)).toBe('beacon');
    } finally {
      await redis.del(key).catch(() => {});
      redis.disconnect();
    }
  });
});
