/**
 * The baseline of `bench:router`: a bare kafkajs consume-and-produce loop on the router's topics,
 * none of our code on the hot path. It consumes the same inputs (alerts, incidents, the simulated
 * units' acknowledgements) in one group with the same concurrency, and for every input writes as
 * many records to `dispatch.orders`, `timeline.events`, `units.status` and `audit.events` as the
 * router wrote per input of that kind in the same bench (pre-encoded examples of each contract),
 * waits for the broker's acknowledgement (acks -1) and then commits the batch's offsets:
 * what the router does minus deciding, Redis and validation.
 *
 * With RAW_ORDER_REF=1 (the bench's latency baseline) the first order written for an alert or an
 * incident names it as the router's would (`refId` the alert's or incident's id, `revision` the
 * alert's revision, 1 for an incident; every alert and incident then writes at least that one order),
 * so the bench times input → order for the loop as for the router; that costs the loop one JSON
 * parse per input.
 *
 * Environment: KAFKA_BROKERS, RAW_PREFIX, RAW_GROUP, RAW_CONCURRENCY, RAW_PER_INPUT (JSON:
 * {"alerts.raised":{"dispatch.orders":1,…},…}), RAW_ORDER_REF.
 */
import { Codecs, examples, Topic } from '@fenghuo/contracts';
import { noDelaySocketFactory } from '@fenghuo/kit';
import { Kafka, logLevel, type Message, Partitioners } from 'kafkajs';

const prefix = process.env.RAW_PREFIX ?? '';
const perInput = JSON.parse(process.env.RAW_PER_INPUT ?? '{}') as Record<string, Record<string, number>>;
const kafka = new Kafka({
  clientId: 'bench-router-raw',
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.WARN,
  socketFactory: noDelaySocketFactory,
});

const outputs = [Topic.DispatchOrders, Topic.TimelineEvents, Topic.UnitsStatus, Topic.AuditEvents] as const;
const inputs = [Topic.AlertsRaised, Topic.IncidentsReported, Topic.DispatchAcks] as const;

/** One pre-encoded record per output topic; orders for incidents are of kind incident (the units answer them). */
const payload: Record<string, Buffer> = {
  [Topic.TimelineEvents]: Codecs.TimelineEvent.encode(examples[Topic.TimelineEvents]),
  [Topic.UnitsStatus]: Codecs.UnitStatus.encode(examples[Topic.UnitsStatus]),
  [Topic.AuditEvents]: Codecs.AuditEvent.encode(examples[Topic.AuditEvents]),
};
const orderOf = (kind: 'incident' | 'alert', refId: string, n: string, revision?: number) =>
  Codecs.DispatchOrder.encode({
    ...examples[Topic.DispatchOrders],
    kind,
    orderId: `raw-${refId}-${n}`,
    refId,
    ...(revision === undefined ? {} : { revision }),
  });

const orderRef = process.env.RAW_ORDER_REF === '1';
/** The alert or incident an input names, for RAW_ORDER_REF (undefined for other inputs). */
function refOf(input: string, value: Buffer | null): { refId: string; revision: number } | undefined {
  if (!orderRef || value === null) return undefined;
  if (input === Topic.AlertsRaised) {
    const v = JSON.parse(value.toString()) as { alertId: string; revision: number };
    return { refId: v.alertId, revision: v.revision };
  }
  if (input === Topic.IncidentsReported) {
    return { refId: (JSON.parse(value.toString()) as { incidentId: string }).incidentId, revision: 1 };
  }
  return undefined;
}

async function main() {
  // Not idempotent: kafkajs's idempotent producer answers concurrent sends from several partitions'
  // batches with out-of-order sequence errors at this volume; acks -1 all the same.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: process.env.RAW_GROUP ?? 'raw' });
  await consumer.connect();
  await consumer.subscribe({ topics: inputs.map((t) => `${prefix}${t}`), fromBeginning: true });
  // Fractional counts per input are spread evenly: the k-th input of a topic writes
  // floor((k+1)·r) − floor(k·r) records of a topic with ratio r.
  const seen = new Map<string, number>();
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: Number(process.env.RAW_CONCURRENCY ?? 3),
    eachBatch: async ({ batch }) => {
      if (batch.messages.length === 0) return;
      const input = batch.topic.slice(prefix.length);
      const ratios = perInput[input] ?? {};
      const out = new Map<string, Message[]>();
      for (const m of batch.messages) {
        const k = seen.get(input) ?? 0;
        seen.set(input, k + 1);
        const key = m.key?.toString() ?? '';
        const ref = refOf(input, m.value);
        for (const topic of outputs) {
          const r = ratios[topic] ?? 0;
          let n = Math.floor((k + 1) * r) - Math.floor(k * r);
          // Timed inputs get their order even where the spread ratio gives them none.
          if (topic === Topic.DispatchOrders && ref !== undefined) n = Math.max(n, 1);
          for (let i = 0; i < n; i++) {
            const value =
              topic === Topic.DispatchOrders
                ? orderOf(
                    input === Topic.IncidentsReported ? 'incident' : 'alert',
                    i === 0 && ref !== undefined ? ref.refId : key,
                    `${k}-${i}`,
                    i === 0 ? ref?.revision : undefined,
                  )
                : (payload[topic] as Buffer);
            const list = out.get(topic) ?? [];
            list.push({ key, value });
            out.set(topic, list);
          }
        }
      }
      // Requests of at most 500 records per topic, under the broker's largest batch.
      for (let i = 0; ; i += 500) {
        const topicMessages = [...out]
          .map(([topic, messages]) => ({ topic: `${prefix}${topic}`, messages: messages.slice(i, i + 500) }))
          .filter((t) => t.messages.length > 0);
        if (topicMessages.length === 0) break;
        await producer.sendBatch({ acks: -1, topicMessages });
      }
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    },
  });
  const stop = async () => {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
