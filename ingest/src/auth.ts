/**
 * `Authorization: Bearer <key>` → the source's {@link Principal}. Unknown, malformed or revoked
 * keys are 401; a key whose source may not send this kind is 403.
 */
import type { NextFunction, Request, Response } from 'express';
import { IngestError } from './ingest-error.ts';
import type { KeyStore, Principal } from './key-store.ts';
import type { EventKind } from './kinds.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by {@link authenticate}. */
    principal?: Principal;
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function authenticate(keys: Pick<KeyStore, 'authenticate'>, kind: EventKind) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) {
      throw new IngestError(401, 'unauthorized', 'missing "Authorization: Bearer <key>" header');
    }
    const principal = keys.authenticate(token);
    if (principal === undefined) throw new IngestError(401, 'unauthorized', 'unknown or revoked API key');
    if (!principal.kinds.has(kind)) {
      throw new IngestError(403, 'forbidden', `source "${principal.source}" may not send ${kind}`);
    }
    req.principal = principal;
    next();
  };
}
