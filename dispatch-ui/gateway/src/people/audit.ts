/**
 * Audit events the gateway writes to `audit.events`: every login and failed login, token refresh,
 * acknowledgement, status change, command, outcome and refused action, with who (username, role,
 * address) and what (target kind and id). `details` holds ids and codes only, never personal data.
 */
import { randomUUID } from 'node:crypto';
import type { AuditAction, AuditEvent, AuditResult, UserIdentity } from '@fenghuo/contracts';

export const AUDIT_SERVICE = 'gateway';

export interface AuditInput {
  readonly action: AuditAction;
  readonly result: AuditResult;
  /** Who: a known user, or a username that failed to log in. */
  readonly user?: UserIdentity | { readonly username: string };
  readonly address?: string;
  readonly target?: { readonly kind: string; readonly id: string };
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  readonly correlationId?: string;
}

/** A username as it may be audited: the contract's username shape, else a marker (no free text). */
function auditableName(name: string): string {
  return /^[^\s]{1,64}$/.test(name) ? name : '(malformed)';
}

export function auditEvent(input: AuditInput, nowMs: number): AuditEvent {
  const role = input.user && 'role' in input.user ? input.user.role : undefined;
  return {
    version: 1,
    eventId: `aud-gw-${randomUUID()}`,
    at: new Date(nowMs).toISOString(),
    service: AUDIT_SERVICE,
    ...(input.user
      ? {
          actor: {
            username: auditableName(input.user.username),
            ...(role ? { role } : {}),
            ...(input.address ? { address: input.address.slice(0, 64) } : {}),
          },
        }
      : {}),
    action: input.action,
    ...(input.target ? { target: { kind: input.target.kind, id: input.target.id.slice(0, 128) } } : {}),
    result: input.result,
    ...(input.details ? { details: { ...input.details } } : {}),
    ...(input.correlationId ? { correlationId: input.correlationId.slice(0, 128) } : {}),
  };
}
