/**
 * The baseline of `npm run bench:ingest`: a bare kafkajs producer, configured as ingest's (idempotent,
 * `acks: -1`, one request in flight, kafkajs's default partitioner, Nagle off), writing the same
 * records to a topic laid out like ingest's. Nothing of Fenghuo is on its path, so the ratio of
 * ingest's throughput to this one travels between machines where the absolute figures do not.
 *
 * Batching opportunity: ingest's clients keep `connections × batch` events in flight and ingest may
 * coalesce all of them into one produce request; the baseline sends exactly that many per request,
 * back to back (the next request is built while nothing else is in flight, as in ingest).
 */
import { connect } from 'node:net';
import { type ISocketFactory, Kafka, logLevel, type Message, Partitioners, type Producer } from 'kafkajs';

export interface RawProducerOptions {
  /** Bootstrap brokers. */
  readonly brokers: readonly string[];
  /** Client id (shows in the broker's logs). */
  readonly clientId: string;
  /** Real topic name (already prefixed). */
  readonly topic: string;
  /** Broker-side time-out for `acks: -1`, as ingest's producer. @defaultValue 5000 */
  readonly ackTimeoutMs?: number;
}

export interface RawRound {
  /** Records the broker acknowledged. */
  readonly acked: number;
  /** Seconds from the first send to the last acknowledgement. */
  readonly seconds: number;
}

/** kafkajs's default socket plus `setNoDelay(true)`, as ingest's client uses (no TLS here). */
const noDelaySocket: ISocketFactory = ({ host, port, onConnect }) => {
  const socket = connect({ host, port }, onConnect);
  socket.setKeepAlive(true, 60_000);
  socket.setNoDelay(true);
  return socket;
};

export class RawProducerBaseline {
  private readonly producer: Producer;
  private readonly ackTimeoutMs: number;

  constructor(private readonly opts: RawProducerOptions) {
    const kafka = new Kafka({
      clientId: opts.clientId,
      brokers: [...opts.brokers],
      logLevel: logLevel.NOTHING,
      socketFactory: noDelaySocket,
    });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 5_000;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Sends `nextBatch()` back to back for `seconds`; a failed send rejects the round. */
  async round(seconds: number, nextBatch: () => Message[]): Promise<RawRound> {
    const start = performance.now();
    const end = start + seconds * 1000;
    let acked = 0;
    while (performance.now() < end) {
      const messages = nextBatch();
      await this.producer.send({
        topic: this.opts.topic,
        acks: -1,
        timeout: this.ackTimeoutMs,
        messages,
      });
      acked += messages.length;
    }
    return { acked, seconds: (performance.now() - start) / 1000 };
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
