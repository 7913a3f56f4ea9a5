/**
 * An error the rules API answers as an `ApiError` body: HTTP status, a stable code, a message, and
 * the fields at fault (a draft that fails validation lists every problem with its path).
 */
import type { FieldError } from '@fenghuo/contracts';
import { FenghuoError } from '@fenghuo/kit';

export class RulesError extends FenghuoError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly details: readonly FieldError[] = [],
    options: { readonly cause?: unknown } = {},
  ) {
    super(message, { code, retriable: status === 429 || status === 503, cause: options.cause });
  }
}

export const notFound = (what: string) => new RulesError(404, 'not_found', `${what} not found`);

export function invalid(message: string, details: readonly FieldError[]): RulesError {
  return new RulesError(400, 'validation_failed', message, details);
}
