/**
 * Publishing alert revisions on `alerts.raised`. Each record carries the `correlation-id` of the
 * indicator or outcome label that caused it (the latest one, when several did), so one grep follows a
 * resident's indicator from the ingest request to the alert.
 *
 * Revisions are sent in chunks: a busy batch can raise hundreds of alerts of a few kB each, and the
 * broker refuses a record batch over `message.max.bytes` (1 MiB by default), so alerts go in chunks
 * of at most `maxChunkBytes` of JSON, one after the other, in order.
 */
import { Topic } from '@fenghuo/contracts';
import type { AlertRevision } from '@fenghuo/engine';
import { correlationHeaders, type EventProducer } from '@fenghuo/kit';

/** @defaultValue 512 KiB */
export const DEFAULT_MAX_CHUNK_BYTES = 512 * 1024;

export function chunkBySize(
  revisions: readonly AlertRevision[],
  maxChunkBytes = DEFAULT_MAX_CHUNK_BYTES,
): AlertRevision[][] {
  const chunks: AlertRevision[][] = [];
  let current: AlertRevision[] = [];
  let size = 0;
  for (const r of revisions) {
    const bytes = Buffer.byteLength(JSON.stringify(r.alert));
    if (current.length > 0 && size + bytes > maxChunkBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Sends revisions in chunks, each record with its cause's correlation id; resolves when acknowledged.
 * `topic` is `alerts.raised`, or `alerts.shadow` for a shadow version's revisions.
 */
export function createAlertPublisher(
  producer: Pick<EventProducer, 'sendBatches'>,
  maxChunkBytes = DEFAULT_MAX_CHUNK_BYTES,
  topic: typeof Topic.AlertsRaised | typeof Topic.AlertsShadow = Topic.AlertsRaised,
): (revisions: readonly AlertRevision[]) => Promise<void> {
  return async (revisions) => {
    for (const chunk of chunkBySize(revisions, maxChunkBytes)) {
      await producer.sendBatches([
        {
          topic,
          events: chunk.map((r) => r.alert),
          headersOf: (_alert, i) => correlationHeaders(chunk[i]?.correlationId),
        },
      ]);
    }
  };
}
