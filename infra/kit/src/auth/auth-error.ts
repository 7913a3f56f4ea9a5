/**
 * Why a request or a socket was not let in: no token, a bad or expired one (401), or a valid one
 * whose role may not do this (403). `code` is the API's (`unauthorized`, `token_expired`,
 * `forbidden`), `status` the HTTP status; never retriable with the same token.
 */
import { FenghuoError } from '../errors.ts';

export type AuthErrorCode = 'unauthorized' | 'token_expired' | 'forbidden';

export class AuthError extends FenghuoError {
  readonly status: 401 | 403;

  constructor(code: AuthErrorCode, message: string, cause?: unknown) {
    super(message, { code, retriable: false, cause });
    this.status = code === 'forbidden' ? 403 : 401;
  }

  /** The `ApiError` body for this refusal. */
  toBody(requestId?: string): { error: { code: string; message: string; requestId?: string } } {
    return {
      error: { code: this.code, message: this.message, ...(requestId === undefined ? {} : { requestId }) },
    };
  }
}
