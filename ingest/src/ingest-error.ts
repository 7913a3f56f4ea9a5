/**
 * An error the HTTP layer turns into an `ApiError` body: status, stable code, message for people,
 * the rejected fields, and `Retry-After` for the 429 and 503 answers.
 */
import type { FieldError } from '@fenghuo/contracts';

export interface IngestErrorOptions {
  readonly details?: readonly FieldError[];
  /** Seconds, sent as `Retry-After`. */
  readonly retryAfterSec?: number;
  readonly cause?: unknown;
}

export class IngestError extends Error {
  readonly details: readonly FieldError[] | undefined;
  readonly retryAfterSec: number | undefined;
  /** A retry of the same request may succeed (429, 503). */
  readonly retriable: boolean;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    opts: IngestErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'IngestError';
    this.details = opts.details;
    this.retryAfterSec = opts.retryAfterSec;
    this.retriable = status === 429 || status === 503;
  }
}

/** Kafka or Redis cannot take the request now; the client should retry after `retryAfterSec`. */
export function unavailable(code: string, message: string, retryAfterSec = 1, cause?: unknown): IngestError {
  return new IngestError(503, code, message, { retryAfterSec, cause });
}
