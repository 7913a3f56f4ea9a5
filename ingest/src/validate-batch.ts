/**
 * Checks every candidate event of a request against its contract after stamping the fields ingest
 * owns (`source`, `receivedAt`), and reports every rejected event with its index, field path and
 * reason. A request is all or nothing: one bad event rejects the whole batch.
 */
import type { FieldError } from '@fenghuo/contracts';
import { codecFor, type EventKind, type KindEvent } from './kinds.ts';

/** At most this many problems are listed per event (every rejected event is still listed). */
export const MAX_ERRORS_PER_EVENT = 5;

export type BatchCheck<K extends EventKind> =
  | { readonly ok: true; readonly events: KindEvent<K>[] }
  | { readonly ok: false; readonly errors: FieldError[]; readonly rejected: number };

export interface Stamp {
  /** Authenticated source name; overwrites whatever the client sent. */
  readonly source: string;
  /** RFC 3339 time of receipt; overwrites whatever the client sent. */
  readonly receivedAt: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates `items` as events of `kind`. Stamps objects in place (they are the request's own parsed
 * JSON). `batch` decides whether errors carry an `index`.
 */
export function validateBatch<K extends EventKind>(
  kind: K,
  items: readonly unknown[],
  stamp: Stamp,
  batch: boolean,
): BatchCheck<K> {
  const codec = codecFor(kind);
  const errors: FieldError[] = [];
  let rejected = 0;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (isPlainObject(item)) {
      item.source = stamp.source;
      item.receivedAt = stamp.receivedAt;
    }
    const result = codec.validate(item, MAX_ERRORS_PER_EVENT);
    if (result.ok) continue;
    rejected += 1;
    for (const issue of result.errors) {
      errors.push(
        batch
          ? { index, path: issue.path, reason: issue.message }
          : { path: issue.path, reason: issue.message },
      );
    }
  }
  if (rejected > 0) return { ok: false, errors, rejected };
  return { ok: true, events: items as KindEvent<K>[] };
}
