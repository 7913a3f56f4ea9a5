/**
 * Residents' privacy at the door: before a fraud indicator is written, its `subjectContact` (the
 * resident's own phone, address, name) is taken out for the encrypted contact store, and a
 * transfer's `payerAccount` (the resident's own account) is replaced by its keyed pseudonym. What
 * reaches Kafka therefore never holds either in clear. Payee accounts stay as sent: deny lists
 * match them, and logs and explanations mask them.
 */
import type { FraudIndicator, SubjectContact } from '@fenghuo/contracts';
import { type ContactStore, pseudonymiseAccount, type SecretKey } from '@fenghuo/kit';

export interface ResidentPrivacy {
  /** Where the contacts go (Redis, sealed). */
  readonly contacts: Pick<ContactStore, 'putMany'>;
  /** The HMAC key of account pseudonyms. */
  readonly accountKey: SecretKey;
}

export interface ProtectedIndicators {
  /** The events as they may be written. */
  readonly events: FraudIndicator[];
  /** The contacts to store, in the order they came (the last of a resident wins). */
  readonly contacts: { subjectId: string; contact: SubjectContact }[];
}

/** Strips contacts and pseudonymises own accounts; pure (the inputs are not changed). */
export function protectIndicators(
  events: readonly FraudIndicator[],
  accountKey: SecretKey,
): ProtectedIndicators {
  const contacts: ProtectedIndicators['contacts'] = [];
  const out = events.map((e): FraudIndicator => {
    if (e.subjectContact === undefined && (e.kind !== 'transfer' || e.payerAccount === undefined)) return e;
    const { subjectContact, ...rest } = e;
    if (subjectContact !== undefined) contacts.push({ subjectId: e.subjectId, contact: subjectContact });
    if (rest.kind === 'transfer' && rest.payerAccount !== undefined) {
      return { ...rest, payerAccount: pseudonymiseAccount(accountKey, rest.payerAccount) };
    }
    return rest;
  });
  return { events: out, contacts };
}
