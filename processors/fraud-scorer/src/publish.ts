/**
 * Alert publishing in chunks: a busy batch can raise hundreds of alerts of a few kB each, and the
 * broker refuses a record batch over `message.max.bytes` (1 MiB by default), so alerts are sent in
 * chunks of at most `maxChunkBytes` of JSON, one after the other, in order.
 */
import type { Alert } from '@fenghuo/contracts';

/** @defaultValue 512 KiB */
export const DEFAULT_MAX_CHUNK_BYTES = 512 * 1024;

export function chunkBySize(alerts: readonly Alert[], maxChunkBytes = DEFAULT_MAX_CHUNK_BYTES): Alert[][] {
  const chunks: Alert[][] = [];
  let current: Alert[] = [];
  let size = 0;
  for (const a of alerts) {
    const bytes = Buffer.byteLength(JSON.stringify(a));
    if (current.length > 0 && size + bytes > maxChunkBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(a);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
