/**
 * Publishing alert revisions on `alerts.raised`. Each record carries the `correlation-id` of the
 * indicator or outcome label that caused it (the latest one, when several did), so one grep follows a
 * resident's indicator from the ingest request to the alert.
 *
 * Revisions are sent in chunks: a busy batch can raise hundreds of alerts of a few kB each, and the
 * broker refuses a record batch over `message.max.bytes` (1 MiB by default), so alerts go in chunks
 * of at most `maxChunkBytes` of encoded records, one after the other, in order. Each alert is checked
 * against its contract and encoded once (the producer's `messages`), and the chunks are cut on the
 * encoded bytes: measuring a chunk by stringifying every alert a second time cost the scorer about 2%
 * of its CPU in bench:scorer.
 */
import { Topic } from '@fenghuo/contracts';
import type { AlertRevision } from '@fenghuo/engine';
import { correlationHeaders, type EventProducer, prefixedTopic } from '@fenghuo/kit';
import type { Message } from 'kafkajs';

/** @defaultValue 512 KiB */
export const DEFAULT_MAX_CHUNK_BYTES = 512 * 1024;

/** Cuts records, in order, into chunks of at most `maxChunkBytes` of values (a bigger record alone). */
export function chunkBySize(
  messages: readonly Message[],
  maxChunkBytes = DEFAULT_MAX_CHUNK_BYTES,
): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const bytes = m.value === null ? 0 : Buffer.byteLength(m.value);
    if (current.length > 0 && size + bytes > maxChunkBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface AlertPublisherOptions {
  /**
   * `alerts.raised`, or `alerts.shadow` for a shadow version's revisions.
   * @defaultValue `alerts.raised`
   */
  readonly topic?: typeof Topic.AlertsRaised | typeof Topic.AlertsShadow;
  /**
   * The prefix of the producer's topics (the records go out already encoded, by real topic name).
   * @defaultValue `''`
   */
  readonly topicPrefix?: string;
  /** @defaultValue {@link DEFAULT_MAX_CHUNK_BYTES} */
  readonly maxChunkBytes?: number;
}

/** Sends revisions in chunks, each record with its cause's correlation id; resolves when acknowledged. */
export function createAlertPublisher(
  producer: Pick<EventProducer, 'messages' | 'sendRaw'>,
  opts: AlertPublisherOptions = {},
): (revisions: readonly AlertRevision[]) => Promise<void> {
  const topic = opts.topic ?? Topic.AlertsRaised;
  const realTopic = prefixedTopic(opts.topicPrefix ?? '', topic);
  return async (revisions) => {
    const messages = producer.messages(
      topic,
      revisions.map((r) => r.alert),
      undefined,
      (_alert, i) => correlationHeaders(revisions[i]?.correlationId),
    );
    for (const chunk of chunkBySize(messages, opts.maxChunkBytes)) {
      await producer.sendRaw([{ topic: realTopic, messages: chunk }]);
    }
  };
}
