/** Every error answer of ingest is an `ApiError` body naming the field and the reason. */
import type { ApiError } from '@fenghuo/contracts';
import type { NextFunction, Request, Response } from 'express';
import { IngestError } from './ingest-error.ts';

/** Maps body-parser errors (they carry `status` and `type`) to ingest errors. */
export function toIngestError(err: unknown, bodyLimitBytes: number): IngestError {
  if (err instanceof IngestError) return err;
  const e = err as { status?: number; type?: string; message?: string };
  if (e?.type === 'entity.too.large') {
    return new IngestError(413, 'body_too_large', `body exceeds the limit of ${bodyLimitBytes} bytes`);
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new IngestError(415, 'unsupported_encoding', e.message ?? 'unsupported encoding');
  }
  if (e?.status === 404) return new IngestError(404, 'not_found', e.message ?? 'no such route');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new IngestError(e.status, 'bad_request', e.message ?? 'bad request');
  }
  return new IngestError(500, 'internal', 'internal error', { cause: err });
}

export function sendError(req: Request, res: Response, err: IngestError): void {
  const body: ApiError = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: [...err.details] } : {}),
      ...(req.id === undefined ? {} : { requestId: String(req.id) }),
    },
  };
  if (err.retryAfterSec !== undefined) res.setHeader('Retry-After', String(err.retryAfterSec));
  if (err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="fenghuo-ingest"');
  res.status(err.status).json(body);
}

export function errorHandler(bodyLimitBytes: number, onError: (err: IngestError, req: Request) => void) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const mapped = toIngestError(err, bodyLimitBytes);
    onError(mapped, req);
    if (res.headersSent) {
      res.end();
      return;
    }
    // An unread body on an early refusal (401, 403, 413) is drained by closing the connection.
    if (!req.readableEnded) res.setHeader('Connection', 'close');
    sendError(req, res, mapped);
  };
}
