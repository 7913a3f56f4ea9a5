/**
 * One id follows one event: ingest stamps every accepted event with the request id as the
 * `correlation-id` Kafka header; every consumer logs with it, and every event a processor derives
 * from a consumed one carries the same header on. `grep <id>` then follows a resident's indicator
 * from the HTTP request to the alert and the officer's order.
 */
import type { IHeaders } from 'kafkajs';

/** The Kafka header that carries the correlation id. */
export const CORRELATION_HEADER = 'correlation-id';

/** The correlation id in a record's headers, if any. */
export function correlationIdOf(headers: IHeaders | undefined): string | undefined {
  const v = headers?.[CORRELATION_HEADER];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}

/** Headers carrying `id` on (none when there is no id to carry). */
export function correlationHeaders(id: string | undefined): IHeaders | undefined {
  return id === undefined || id === '' ? undefined : { [CORRELATION_HEADER]: id };
}
