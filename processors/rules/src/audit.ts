/**
 * Audit events the rules service writes to `audit.events`: every change (who, what, when and the
 * diff, as a short summary; the whole diff is in the version on `rules.versions`) and every refused
 * call. `details` holds ids, version numbers and the rule-set paths that changed, never personal data.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent, RuleDiffEntry, UserIdentity } from '@fenghuo/contracts';

export const AUDIT_SERVICE = 'rules';

/** What happened to a rule set, as `details.change`. */
export type RuleChange =
  | 'draft_created'
  | 'draft_saved'
  | 'draft_discarded'
  | 'published'
  | 'shadow_published'
  | 'rolled_back'
  | 'shadow_stopped'
  | 'republished_after_restart'
  | 'backtest_started'
  | 'backtest_cancelled';

const MAX_SUMMARY = 1_000;

function short(v: unknown): string {
  if (v === undefined) return '';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** `change rules[x].weight 30 -> 40; add rules[y]; …` within 1,000 characters. */
export function diffSummary(diff: readonly RuleDiffEntry[], truncated = false): string {
  const parts = diff.map((e) => {
    if (e.op === 'change') return `change ${e.path} ${short(e.before)} -> ${short(e.after)}`;
    if (e.op === 'add') return `add ${e.path}${typeof e.after === 'object' ? '' : ` ${short(e.after)}`}`;
    return `remove ${e.path}${typeof e.before === 'object' ? '' : ` ${short(e.before)}`}`;
  });
  let out = '';
  for (const [i, p] of parts.entries()) {
    const next = out === '' ? p : `${out}; ${p}`;
    if (next.length > MAX_SUMMARY - 20) return `${out}; … (+${parts.length - i} more)`;
    out = next;
  }
  return truncated ? `${out}; … (more)`.slice(0, MAX_SUMMARY) : out;
}

export interface RuleAuditInput {
  readonly user: UserIdentity | { readonly username: string; readonly role?: UserIdentity['role'] };
  readonly ruleSetId: string;
  readonly change: RuleChange;
  readonly details?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly diff?: readonly RuleDiffEntry[];
  readonly diffTruncated?: boolean;
  readonly correlationId?: string | undefined;
  readonly address?: string | undefined;
}

export function ruleAudit(input: RuleAuditInput, nowMs: number): AuditEvent {
  const details: Record<string, string | number | boolean> = { change: input.change };
  for (const [k, v] of Object.entries(input.details ?? {})) if (v !== undefined) details[k] = v;
  if (input.diff !== undefined) {
    details.changes = input.diff.length;
    details.diff = diffSummary(input.diff, input.diffTruncated);
  }
  return {
    version: 1,
    eventId: `aud-rules-${randomUUID()}`,
    at: new Date(nowMs).toISOString(),
    service: AUDIT_SERVICE,
    actor: {
      username: input.user.username,
      ...(input.user.role === undefined ? {} : { role: input.user.role }),
      ...(input.address === undefined ? {} : { address: input.address.slice(0, 64) }),
    },
    action: 'rule_change',
    target: { kind: 'rule_set', id: input.ruleSetId.slice(0, 128) },
    result: 'ok',
    details,
    ...(input.correlationId === undefined ? {} : { correlationId: input.correlationId.slice(0, 128) }),
  };
}

/** A refused call (no or bad token, a role that may not use the rules service). */
export function deniedAudit(
  input: {
    username?: string;
    role?: UserIdentity['role'];
    address?: string;
    code: string;
    path: string;
    correlationId?: string;
  },
  nowMs: number,
): AuditEvent {
  const username =
    input.username !== undefined && /^[^\s]{1,64}$/.test(input.username) ? input.username : undefined;
  return {
    version: 1,
    eventId: `aud-rules-${randomUUID()}`,
    at: new Date(nowMs).toISOString(),
    service: AUDIT_SERVICE,
    ...(username === undefined
      ? {}
      : {
          actor: {
            username,
            ...(input.role === undefined ? {} : { role: input.role }),
            ...(input.address === undefined ? {} : { address: input.address.slice(0, 64) }),
          },
        }),
    action: 'access_denied',
    result: 'denied',
    details: { code: input.code, path: input.path.slice(0, 200) },
    ...(input.correlationId === undefined ? {} : { correlationId: input.correlationId.slice(0, 128) }),
  };
}
