/**
 * Turns a raw request body into a list of candidate events: one JSON object, a JSON array, or
 * NDJSON (`application/x-ndjson`, one object per line, blank lines ignored). Nothing here knows the
 * contracts; it only finds the events and says precisely where the bytes are not JSON.
 */
import type { FieldError } from '@fenghuo/contracts';
import { IngestError } from './ingest-error.ts';

export interface ParsedBody {
  /** Candidate events in request order. */
  readonly items: unknown[];
  /** The body was a batch (array or NDJSON): errors name each event's index. */
  readonly batch: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function isNdjson(contentType: string | undefined): boolean {
  const t = mediaType(contentType);
  return t === 'application/x-ndjson' || t === 'application/ndjson' || t === 'application/jsonl';
}

export function isJson(contentType: string | undefined): boolean {
  const t = mediaType(contentType);
  return t === 'application/json' || t.endsWith('+json');
}

function jsonMessage(err: unknown): string {
  return `not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Parses `body` by its content type. Throws an {@link IngestError}: 415 for another media type, 400
 * for bytes that are not UTF-8 JSON (naming every bad NDJSON line by index), 413 above `maxEvents`.
 */
export function parseBody(body: Buffer, contentType: string | undefined, maxEvents: number): ParsedBody {
  const ndjson = isNdjson(contentType);
  if (!ndjson && !isJson(contentType)) {
    throw new IngestError(
      415,
      'unsupported_media_type',
      `Content-Type must be application/json or application/x-ndjson, got "${contentType ?? '(none)'}"`,
    );
  }
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw new IngestError(400, 'invalid_body', 'body is not valid UTF-8', {
      details: [{ path: '', reason: 'not valid UTF-8' }],
    });
  }
  if (text.trim() === '') {
    throw new IngestError(400, 'empty_body', 'body is empty; send an event, a JSON array or NDJSON', {
      details: [{ path: '', reason: 'empty body' }],
    });
  }
  const parsed = ndjson ? parseNdjson(text, maxEvents) : parseJson(text);
  if (parsed.items.length === 0) {
    throw new IngestError(400, 'empty_batch', 'the batch holds no events', {
      details: [{ path: '', reason: 'empty batch' }],
    });
  }
  if (parsed.items.length > maxEvents) {
    throw new IngestError(
      413,
      'too_many_events',
      `a request may carry at most ${maxEvents} events, this one has ${parsed.items.length}`,
    );
  }
  return parsed;
}

function parseJson(text: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new IngestError(400, 'invalid_json', 'body is not valid JSON', {
      details: [{ path: '', reason: jsonMessage(err) }],
    });
  }
  return Array.isArray(value) ? { items: value, batch: true } : { items: [value], batch: false };
}

function parseNdjson(text: string, maxEvents: number): ParsedBody {
  const items: unknown[] = [];
  const errors: FieldError[] = [];
  let index = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (index >= maxEvents) {
      // Count the rest cheaply so the 413 message is exact without parsing megabytes of JSON.
      index += 1;
      items.push(undefined);
      continue;
    }
    try {
      items.push(JSON.parse(line));
    } catch (err) {
      items.push(undefined);
      errors.push({ index, path: '', reason: jsonMessage(err) });
    }
    index += 1;
  }
  if (errors.length > 0 && items.length <= maxEvents) {
    throw new IngestError(400, 'invalid_json', `${errors.length} NDJSON line(s) are not valid JSON`, {
      details: errors,
    });
  }
  return { items, batch: true };
}
