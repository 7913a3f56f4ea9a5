/**
 * `npm run dlq -- TOPIC`: lists the dead letters of a topic (`TOPIC.dlq`) with why and where each
 * failed, oldest first, then exits. Reads without joining a consumer group, so it moves no offsets.
 */
import { parseArgs } from 'node:util';
import { topicSpec } from '@fenghuo/contracts';
import { deadLetterTopicFor, readDeadLetterHeaders, withAdmin } from '@fenghuo/kit';
import { Kafka, logLevel } from 'kafkajs';

const USAGE = `Usage: npm run dlq -- TOPIC [--limit N] [--prefix P] [--json]

Lists the dead letters of TOPIC (read from TOPIC.dlq), oldest first: when and where each record
failed, the error code and reason, the field problems, and the start of the original value.

  TOPIC        a catalogue topic, e.g. fraud.indicators
  --limit N    show at most N records (default 50; the newest N)
  --prefix P   topic prefix (KAFKA_TOPIC_PREFIX), default none
  --json       one JSON object per record instead of text
Environment: KAFKA_BROKERS (default 127.0.0.1:9092)`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      limit: { type: 'string', default: '50' },
      prefix: { type: 'string', default: '' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const topic = positionals[0];
  const limit = Number(values.limit);
  if (topic === undefined || !Number.isInteger(limit) || limit < 1) {
    console.error(USAGE);
    return 2;
  }
  if (topicSpec(topic) === undefined || topic.endsWith('.dlq')) {
    console.error(`unknown topic "${topic}": name a catalogue topic (see docs/events.md), without .dlq`);
    return 2;
  }
  const dlq = deadLetterTopicFor(`${values.prefix}${topic}`);
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = new Kafka({
    clientId: 'fenghuo-dlq',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
  });
  const offsets = await withAdmin(kafka, async (admin) =>
    (await admin.listTopics()).includes(dlq) ? admin.fetchTopicOffsets(dlq) : undefined,
  );
  if (offsets === undefined) {
    console.error(`${dlq} does not exist (run npm run infra:topics)`);
    return 1;
  }
  const total = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  if (!values.json)
    console.log(`${dlq}: ${total} dead letter(s)${total > limit ? `, showing the newest ${limit}` : ''}`);
  if (total === 0) return 0;
  await readAll(kafka, dlq, offsets, limit, values.json);
  return 0;
}

async function readAll(
  kafka: Kafka,
  dlq: string,
  offsets: { partition: number; low: string; high: string }[],
  limit: number,
  json: boolean,
): Promise<void> {
  // A throwaway group that never commits: the operator's reading moves nothing.
  const consumer = kafka.consumer({
    groupId: `fenghuo-dlq-reader-${process.pid}-${Date.now()}`,
    maxWaitTimeInMs: 200,
  });
  const remaining = new Map(
    offsets.filter((o) => o.high !== o.low).map((o) => [o.partition, BigInt(o.high) - 1n]),
  );
  const records: { line: string; time: string }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const info = readDeadLetterHeaders(message.headers);
            const value = message.value?.toString('utf8') ?? '';
            const entry = {
              failedAt: info?.failedAt ?? new Date(Number(message.timestamp)).toISOString(),
              code: info?.code ?? '(no fh-error-code header)',
              message: info?.message ?? '',
              issues: info?.issues ?? [],
              original: info ? `${info.topic}[${info.partition}]@${info.offset}` : '',
              group: info?.groupId ?? '',
              key: message.key?.toString('utf8') ?? null,
              value: value.length > 300 ? `${value.slice(0, 300)}…` : value,
            };
            const line = json
              ? JSON.stringify(entry)
              : [
                  `${entry.failedAt}  ${entry.code}  ${entry.original}  group ${entry.group}  key ${entry.key ?? '(none)'}`,
                  `  ${entry.message}`,
                  ...entry.issues.map((i) => `  - ${i.path || '(event)'}: ${i.message}`),
                  `  value: ${entry.value}`,
                ].join('\n');
            records.push({ line, time: entry.failedAt });
            const last = remaining.get(partition);
            if (last !== undefined && BigInt(message.offset) >= last) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  records.sort((a, b) => a.time.localeCompare(b.time));
  for (const r of records.slice(-limit)) console.log(r.line);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`dlq: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
