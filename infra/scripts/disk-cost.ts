/**
 * `npm run disk:cost`: what 1,000 events/s cost on the broker's disk, per topic, under each topic's
 * retention (the catalogue's, or TOPIC_RETENTION_DAYS). Writes 20,000 typical events of each
 * ingested kind to private topics of the local broker the way ingest does (JSON, key, the
 * `correlation-id` header, batches of 100 from one request, no compression), measures the bytes
 * the broker stored in its log directory, and deletes the topics again.
 *
 * Needs a broker on this machine (`npm run infra:up`): it reads the broker's `log.dirs`.
 * Ends with one JSON line: `{"bench":"disk-cost","bytesPerEvent":{…},"gbPer1000PerSec":{…}}`.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { examples, fraudIndicatorExamples, TOPICS, Topic, type TopicName } from '@fenghuo/contracts';
import {
  CORRELATION_HEADER,
  createKafka,
  createLogger,
  EventProducer,
  ensureTopics,
  topicsFromEnv,
  withAdmin,
} from '@fenghuo/kit';
import kafkajs from 'kafkajs';
import { kafkaBrokers, localInfraConfig } from './local-infra.ts';

const { ConfigResourceTypes } = kafkajs;
const EVENTS = 20_000;
const BATCH = 100;
const RATE = 1_000;
const DAY_S = 86_400;

/** Typical events of each kind ingest writes, as ingest stamps them (source, receivedAt). */
const samples: { readonly [T in TopicName]?: (i: number) => unknown } = {
  [Topic.FraudIndicators]: (i) => ({
    ...fraudIndicatorExamples[i % fraudIndicatorExamples.length]!,
    eventId: `tel-20261127-${String(i).padStart(8, '0')}`,
    subjectId: `res-${String(i % 50_000).padStart(6, '0')}`,
  }),
  [Topic.UnitsPositions]: (i) => ({
    ...examples[Topic.UnitsPositions],
    eventId: `pos-u${i % 500}-${1_764_232_200 + i}`,
    unitId: `u${i % 500}`,
  }),
  [Topic.VehiclesSighted]: (i) => ({
    ...examples[Topic.VehiclesSighted],
    eventId: `cam-${String(i % 900).padStart(4, '0')}-${i}`,
  }),
  [Topic.IncidentsReported]: (i) => ({
    ...examples[Topic.IncidentsReported],
    eventId: `110-20261127-${i}`,
    incidentId: `inc-20261127-${i}`,
  }),
};

function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

async function main(): Promise<void> {
  const specs = topicsFromEnv(TOPICS);
  const brokers = kafkaBrokers(localInfraConfig());
  const logger = createLogger({ service: 'disk-cost', level: 'warn' });
  const kafka = createKafka(
    { kafkaBrokers: brokers, kafkaClientId: 'fenghuo-disk-cost', kafkaTopicPrefix: '' },
    logger,
  );
  const prefix = `t-disk-cost-${Date.now()}.`;
  const topics = Object.keys(samples) as TopicName[];
  const chosen = specs.filter((s) => topics.includes(s.name as TopicName));

  const logDirs = await withAdmin(kafka, async (admin) => {
    const cluster = await admin.describeCluster();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: String(cluster.brokers[0]!.nodeId),
          configNames: ['log.dirs'],
        },
      ],
    });
    const value = resources[0]?.configEntries.find((e) => e.configName === 'log.dirs')?.configValue ?? '';
    await ensureTopics(admin, chosen, { prefix });
    return value.split(',').filter((d) => existsSync(d));
  });
  if (logDirs.length === 0)
    throw new Error("the broker's log.dirs are not on this machine: run it with npm run infra:up");

  const producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
  const rows: { topic: string; bytesPerEvent: number; retentionDays: number; gb: number }[] = [];
  try {
    await producer.warmUp(topics);
    for (const topic of topics) {
      const make = samples[topic]!;
      for (let i = 0; i < EVENTS; i += BATCH) {
        const headers = { [CORRELATION_HEADER]: randomUUID() };
        const events = Array.from({ length: BATCH }, (_, j) => ({
          ...(make(i + j) as object),
          source: 'bank-a',
          receivedAt: new Date().toISOString(),
        }));
        await producer.sendBatches([{ topic, events: events as never, headers }]);
      }
      const spec = chosen.find((s) => s.name === topic)!;
      const partitions = Array.from({ length: spec.partitions }, (_, p) => `${prefix}${topic}-${p}`);
      const bytes = logDirs.reduce(
        (sum, d) => sum + partitions.reduce((s, p) => s + dirBytes(join(d, p)), 0),
        0,
      );
      const bytesPerEvent = bytes / EVENTS;
      const retentionDays = spec.retentionMs < 0 ? Number.POSITIVE_INFINITY : spec.retentionMs / 86_400_000;
      rows.push({
        topic,
        bytesPerEvent,
        retentionDays,
        gb: (bytesPerEvent * RATE * DAY_S * retentionDays) / 1e9,
      });
    }
  } finally {
    await producer.close();
    await withAdmin(kafka, (admin) =>
      admin.deleteTopics({ topics: chosen.map((s) => `${prefix}${s.name}`) }),
    );
  }

  console.log(
    `disk per 1,000 events/s, one replica, no compression (${EVENTS.toLocaleString()} events per topic, batches of ${BATCH}):`,
  );
  console.log('topic                 bytes/event   GB/day   retention   GB held');
  for (const r of rows) {
    const perDay = (r.bytesPerEvent * RATE * DAY_S) / 1e9;
    console.log(
      `${r.topic.padEnd(21)} ${r.bytesPerEvent.toFixed(0).padStart(11)} ${perDay.toFixed(1).padStart(8)} ${`${r.retentionDays} d`.padStart(11)} ${r.gb.toFixed(0).padStart(9)}`,
    );
  }
  console.log('multiply by the replication factor (3 in production)');
  console.log(
    JSON.stringify({
      bench: 'disk-cost',
      bytesPerEvent: Object.fromEntries(rows.map((r) => [r.topic, Math.round(r.bytesPerEvent)])),
      gbPer1000PerSec: Object.fromEntries(rows.map((r) => [r.topic, Math.round(r.gb)])),
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
