/**
 * An error the HTTP layer turns into an `ApiError` body: status, stable code, message for people,
 * the rejected fields, and `Retry-After` for the 429 and 503 answers. A {@link FenghuoError}: its
 * `code` is the API's (`validation_failed`, `kafka_unavailable`), `retriable` for 429 and 503.
 */
import type { FieldError } from '@fenghuo/contracts';
import { FenghuoError } from '@fenghuo/kit/errors';

export interface IngestErrorOptions {
  readonly details?: readonly FieldError[];
  /** Seconds, sent as `Retry-After`. */
  readonly retryAfterSec?: number;
  readonly cause?: unknown;
}

export class IngestError extends FenghuoError {
  readonly details: readonly FieldError[] | undefined;
  readonly retryAfterSec: number | undefined;

  constructor(
    readonly status: number,
    code: string,
    message: string,
    opts: IngestErrorOptions = {},
  ) {
    // A retry of the same request may succeed after a 429 or a 503, never after another status.
    super(message, { code, retriable: status === 429 || status === 503, cause: opts.cause });
    this.details = opts.details;
    this.retryAfterSec = opts.retryAfterSec;
  }
}

/** Kafka or Redis cannot take the request now; the client should retry after `retryAfterSec`. */
export function unavailable(code: string, message: string, retryAfterSec = 1, cause?: unknown): IngestError {
  return new IngestError(503, code, message, { retryAfterSec, cause });
}
