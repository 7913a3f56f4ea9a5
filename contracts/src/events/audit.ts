import { type Static, Type } from '@sinclair/typebox';
import { ContractVersion, idOf, Timestamp, Username, UserRole } from '../common.ts';

export const AuditAction = Type.Union(
  [
    Type.Literal('login'),
    Type.Literal('login_failed'),
    Type.Literal('logout'),
    Type.Literal('token_refresh'),
    Type.Literal('access_denied', {
      description: 'A person tried something their role or region does not allow.',
    }),
    Type.Literal('dispatch', { description: 'An order issued, updated, superseded or cancelled.' }),
    Type.Literal('escalation'),
    Type.Literal('ack', { description: "An officer's answer to an order." }),
    Type.Literal('unit_status'),
    Type.Literal('command', { description: "An operator's command." }),
    Type.Literal('outcome', { description: 'An outcome label recorded.' }),
    Type.Literal('rule_change', {
      description: 'A rule set or setting drafted, published, shadowed or rolled back.',
    }),
    Type.Literal('contact_view', { description: "A resident's contact details shown to an officer." }),
    Type.Literal('user_change', { description: 'A user added, changed or disabled.' }),
  ],
  { description: 'What was done.' },
);
export type AuditAction = Static<typeof AuditAction>;

export const AuditResult = Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')], {
  description: '`denied`: not allowed; `failed`: allowed but it did not work.',
});
export type AuditResult = Static<typeof AuditResult>;

/** The person behind an audited action. `role` is absent when unknown (a failed login). */
export const AuditActor = Type.Object(
  {
    username: Username,
    role: Type.Optional(UserRole),
    address: Type.Optional(
      Type.String({ maxLength: 64, description: 'Network address the person came from.' }),
    ),
  },
  { additionalProperties: false },
);
export type AuditActor = Static<typeof AuditActor>;

/**
 * Something a service did or refused that must be accountable: logins, dispatches, acknowledgements,
 * commands, outcomes, rule changes, views of a resident's contact details, denied access. Every
 * service writes its own; `details` never holds personal data (no phone numbers, account numbers,
 * names, addresses: ids and masked values only). Topic `audit.events`, key `service`.
 */
export const AuditEvent = Type.Object(
  {
    version: ContractVersion,
    eventId: idOf('Unique; the audit writer appends a repeated id once.'),
    at: Timestamp,
    service: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[a-z][a-z0-9-]*$',
      description: 'Writer.',
    }),
    actor: Type.Optional(AuditActor),
    action: AuditAction,
    target: Type.Optional(
      Type.Object(
        {
          kind: Type.String({
            minLength: 1,
            maxLength: 32,
            description: 'e.g. order, alert, incident, rule_set, user.',
          }),
          id: Type.String({ minLength: 1, maxLength: 128 }),
        },
        { additionalProperties: false },
      ),
    ),
    result: AuditResult,
    details: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 64 }),
        Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]),
        {
          maxProperties: 32,
          description: 'Ids, codes and masked values; never personal data.',
        },
      ),
    ),
    correlationId: Type.Optional(
      Type.String({ maxLength: 128, description: 'The request id that led to it.' }),
    ),
  },
  { additionalProperties: false, $id: 'AuditEvent' },
);
export type AuditEvent = Static<typeof AuditEvent>;

const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lower-case hex.' });

/**
 * One link of the hash-chained audit log, appended by the single audit writer in the order it
 * consumed `audit.events`:
 *
 *     hash = hex(SHA-256(UTF-8(`${seq}\n${prevHash}\n${canonicalJson(event)}`)))
 *
 * where `prevHash` is the previous entry's `hash` (64 zeros for `seq` 0, {@link AUDIT_GENESIS_HASH})
 * and `canonicalJson` is the RFC 8785 form (keys sorted, no whitespace; `canonicalJson` in
 * `audit-chain.ts`). `verifyAuditChain` checks a run of entries. Topic `audit.log` (one partition,
 * kept forever), key `seq`.
 */
export const AuditLogEntry = Type.Object(
  {
    version: ContractVersion,
    seq: Type.Integer({ minimum: 0, description: '0, 1, 2, … without gaps.' }),
    prevHash: Sha256Hex,
    hash: Sha256Hex,
    appendedAt: Timestamp,
    event: AuditEvent,
  },
  { additionalProperties: false, $id: 'AuditLogEntry' },
);
export type AuditLogEntry = Static<typeof AuditLogEntry>;

/** `prevHash` of the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);
