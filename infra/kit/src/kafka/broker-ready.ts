/**
 * Waiting until a broker can do what services ask of it first. A broker that answers a metadata
 * request may still be unable to coordinate a consumer group (`__consumer_offsets` is created on
 * the first group request and then loaded) or to hand out producer ids; clients retry those
 * answers, and kafkajs logs every one of them. Asking once, quietly, before the services start turns
 * a noisy start into a quiet one.
 */
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { FenghuoError } from '../errors.ts';
import { withAdmin } from './admin.ts';

export interface BrokerReadyOptions {
  /** @defaultValue `90000` */
  readonly timeoutMs?: number;
  /** Extra kafkajs client settings (ssl, sasl). */
  readonly client?: Partial<KafkaConfig>;
  /** Called with each step once it is done, e.g. `group coordinator ready`. */
  readonly onStep?: (step: string) => void;
}

/** The broker did not get ready in time. */
export class BrokerNotReadyError extends FenghuoError {
  constructor(message: string, cause: unknown) {
    super(message, { code: 'BROKER_NOT_READY', retriable: true, cause });
  }
}

/** The consumer group the readiness probe asks about; it never has members. */
export const READINESS_PROBE_GROUP = 'fenghuo-readiness-probe';

/**
 * Resolves once the broker answers metadata requests, has a group coordinator (creating and
 * loading `__consumer_offsets` on a fresh broker) and hands out producer ids. Uses its own client
 * with kafkajs logging off, so the retried answers of a starting broker print nothing.
 */
export async function waitForBrokerReady(
  brokers: readonly string[],
  opts: BrokerReadyOptions = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({
    clientId: 'fenghuo-readiness',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 0 },
    ...opts.client,
  });
  const steps: readonly [string, () => Promise<unknown>][] = [
    ['metadata', () => withAdmin(kafka, (admin) => admin.describeCluster())],
    [
      'group coordinator',
      // describeCluster first: it fills the client's broker pool, which describeGroups does not.
      () =>
        withAdmin(kafka, async (admin) => {
          await admin.describeCluster();
          await admin.describeGroups([READINESS_PROBE_GROUP]);
        }),
    ],
    [
      'producer ids',
      async () => {
        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
        try {
          await producer.connect(); // InitProducerId
        } finally {
          await producer.disconnect().catch(() => undefined);
        }
      },
    ],
  ];
  for (const [name, step] of steps) {
    let delay = 100;
    for (;;) {
      try {
        await step();
        opts.onStep?.(`${name} ready`);
        break;
      } catch (err) {
        // Everything is retried until the deadline: a starting broker answers with errors kafkajs
        // calls final ("Failed to find group coordinator" while __consumer_offsets is created).
        if (Date.now() + delay > deadline) {
          throw new BrokerNotReadyError(
            `Kafka at ${brokers.join(',')}: ${name} not ready within ${timeoutMs} ms: ${(err as Error).message}`,
            err,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 1_000);
      }
    }
  }
}
