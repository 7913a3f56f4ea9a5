/**
 * An error the HTTP layer answers as an `ApiError` body: status, stable code, message, the fields at
 * fault, `Retry-After` for 429 and 503.
 */
import type { ApiError, FieldError } from '@fenghuo/contracts';
import { AuthError, FenghuoError } from '@fenghuo/kit';
import type { NextFunction, Request, Response } from 'express';

export class GatewayError extends FenghuoError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly opts: {
      readonly details?: readonly FieldError[];
      readonly retryAfterSec?: number;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, { code, retriable: status === 429 || status === 503, cause: opts.cause });
  }
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof AuthError) return new GatewayError(err.status, err.code, err.message);
  const e = err as { status?: number; type?: string; message?: string };
  if (e?.type === 'entity.too.large') return new GatewayError(413, 'body_too_large', 'body too large');
  if (e?.type === 'entity.parse.failed') {
    return new GatewayError(400, 'invalid_json', 'body is not valid JSON', {
      details: [{ path: '', reason: e.message ?? 'not JSON' }],
    });
  }
  if (err instanceof Error && (err.name.startsWith('KafkaJS') || err.name === 'ProducerNotReadyError')) {
    return new GatewayError(503, 'unavailable', 'Kafka did not take it; try again shortly', {
      retryAfterSec: 1,
      cause: err,
    });
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new GatewayError(
      e.status,
      e.status === 404 ? 'not_found' : 'bad_request',
      e.message ?? 'bad request',
    );
  }
  return new GatewayError(500, 'internal', 'internal error', { cause: err });
}

export function sendError(req: Request, res: Response, err: GatewayError): void {
  const body: ApiError = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.opts.details ? { details: [...err.opts.details] } : {}),
      ...(req.id === undefined ? {} : { requestId: String(req.id) }),
    },
  };
  if (err.opts.retryAfterSec !== undefined) res.setHeader('Retry-After', String(err.opts.retryAfterSec));
  if (err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="fenghuo"');
  res.status(err.status).json(body);
}

export function errorHandler(onError: (err: GatewayError, req: Request) => void) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const mapped = toGatewayError(err);
    onError(mapped, req);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (!req.readableEnded) res.setHeader('Connection', 'close');
    sendError(req, res, mapped);
  };
}
