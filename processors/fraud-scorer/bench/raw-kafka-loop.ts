/**
 * The baseline for `vsRawKafka` in bench:scorer, run as its own process like a scorer instance: a
 * bare kafkajs consume-and-produce loop over the same topics and with the same consumer settings as
 * the scorer (no decoding, no state, no rules). Each partition batch from the input topic becomes one
 * small record per input on the output topic (idempotent producer, acks=all), then the batch's offset
 * is committed. Stops on SIGTERM.
 *
 * Environment: KAFKA_BROKERS, RAW_IN_TOPIC, RAW_OUT_TOPIC, RAW_GROUP_ID, RAW_PARTITIONS_CONCURRENTLY,
 * RAW_MAX_BYTES_PER_PARTITION.
 */
import { noDelaySocketFactory } from '@fenghuo/kit';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${name} is required`);
  return v;
};

const kafka = new Kafka({
  clientId: 'bench-raw-loop',
  brokers: env('KAFKA_BROKERS').split(','),
  logLevel: logLevel.WARN,
  socketFactory: noDelaySocketFactory,
});
const inTopic = env('RAW_IN_TOPIC');
const outTopic = env('RAW_OUT_TOPIC');
const consumer = kafka.consumer({
  groupId: env('RAW_GROUP_ID'),
  maxBytesPerPartition: Number(process.env.RAW_MAX_BYTES_PER_PARTITION ?? 1024 * 1024),
});
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
});
const SMALL = Buffer.from('{"ok":true}');

async function main() {
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [inTopic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: Number(process.env.RAW_PARTITIONS_CONCURRENTLY ?? 12),
    eachBatch: async ({ batch }) => {
      if (batch.isEmpty()) return;
      await producer.send({
        topic: outTopic,
        acks: -1,
        messages: batch.messages.map((m) => ({ key: m.key, value: SMALL })),
      });
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    },
  });
}

let stopping = false;
process.once('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void consumer
    .disconnect()
    .then(() => producer.disconnect())
    .finally(() => process.exit(0));
});

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
