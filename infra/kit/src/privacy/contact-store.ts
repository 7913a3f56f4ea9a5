/**
 * The encrypted contact store: residents' own contact details (`SubjectContact`), which never travel
 * on Kafka. Ingest puts them here (one record per resident, the latest wins); the gateway reads
 * them for the officer of an open order about the resident. Each record is AES-256-GCM with a fresh
 * 12-byte IV, the resident's id as additional data (a record copied under another resident does not
 * open) and the key's id beside the ciphertext, in Redis at `<prefix>contact:<subjectId>`:
 *
 *     {"v":1,"kid":"<16 hex>","iv":"<b64>","tag":"<b64>","ct":"<b64>","at":"<ISO time>"}
 *
 * Records expire {@link CONTACT_TTL_SEC} after their last write. Only this module holds the cipher.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { codec, SubjectContact } from '@fenghuo/contracts';
import type { Redis } from 'ioredis';
import { FenghuoError } from '../errors.ts';
import { groupBySlot, type SlotAware } from '../redis-slots.ts';
import type { SecretKey } from './secret-key.ts';

/** How long a resident's contact is kept after the last indicator that carried it: 30 days. */
export const CONTACT_TTL_SEC = 30 * 86_400;

const IV_BYTES = 12;
const RECORD_VERSION = 1;
/** The plaintext is checked against its contract when it is opened. */
const contactCodec = codec('SubjectContact', SubjectContact);

/** A record that does not open: changed, moved to another resident, or sealed with another key. */
export class ContactRecordError extends FenghuoError {
  constructor(reason: 'tampered' | 'wrong_key' | 'malformed', subjectId: string, cause?: unknown) {
    super(
      reason === 'wrong_key'
        ? `the contact record of ${subjectId} was sealed with another key`
        : `the contact record of ${subjectId} is ${reason === 'tampered' ? 'altered (authentication failed)' : 'malformed'}`,
      { code: `CONTACT_RECORD_${reason.toUpperCase()}`, cause, context: { subjectId } },
    );
  }
}

/** A sealed record, as stored. */
export interface SealedContact {
  readonly v: number;
  readonly kid: string;
  readonly iv: string;
  readonly tag: string;
  readonly ct: string;
  /** When it was sealed (ISO time). */
  readonly at: string;
}

/** Encrypts one resident's contact with `key`: a fresh IV each time, the resident's id as AAD. */
export function sealContact(
  key: SecretKey,
  subjectId: string,
  contact: SubjectContact,
  at: Date = new Date(),
): SealedContact {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(Buffer.from(subjectId, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(contact), 'utf8'), cipher.final()]);
  return {
    v: RECORD_VERSION,
    kid: key.id,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ct: ct.toString('base64'),
    at: at.toISOString(),
  };
}

/**
 * Decrypts a record of `subjectId`. Throws {@link ContactRecordError}: `wrong_key` when its key id
 * is not `key`'s, `tampered` when authentication fails, `malformed` when it is not a record or the
 * plaintext is not a `SubjectContact`.
 */
export function openContact(key: SecretKey, subjectId: string, sealed: SealedContact): SubjectContact {
  if (sealed.v !== RECORD_VERSION || typeof sealed.iv !== 'string' || typeof sealed.ct !== 'string') {
    throw new ContactRecordError('malformed', subjectId);
  }
  if (sealed.kid !== key.id) throw new ContactRecordError('wrong_key', subjectId);
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(subjectId, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch (err) {
    throw new ContactRecordError('tampered', subjectId, err);
  }
  let value: unknown;
  try {
    value = JSON.parse(plain);
  } catch (err) {
    throw new ContactRecordError('malformed', subjectId, err);
  }
  const checked = contactCodec.validate(value);
  if (!checked.ok) throw new ContactRecordError('malformed', subjectId);
  return checked.value;
}

/** A resident's contact as read back, with when it was stored. */
export interface StoredContact {
  readonly contact: SubjectContact;
  readonly storedAt: string;
}

export interface ContactStoreOptions {
  /** @defaultValue {@link CONTACT_TTL_SEC} */
  readonly ttlSec?: number;
  /** @defaultValue `() => new Date()` */
  readonly now?: () => Date;
}

/** The contact store on a Redis connection (its key prefix applies) with one key. */
export class ContactStore {
  private readonly ttlSec: number;
  private readonly now: () => Date;

  constructor(
    private readonly redis: Pick<Redis, 'set' | 'get' | 'pipeline'> & Partial<SlotAware>,
    private readonly key: SecretKey,
    opts: ContactStoreOptions = {},
  ) {
    this.ttlSec = opts.ttlSec ?? CONTACT_TTL_SEC;
    this.now = opts.now ?? (() => new Date());
  }

  /** The Redis key (before the connection's prefix) of a resident's record. */
  static keyOf(subjectId: string): string {
    return `contact:${subjectId}`;
  }

  /**
   * Seals and stores each resident's contact (the last of a resident wins), in one round trip: one
   * pipeline, or on a Redis Cluster one per slot (a cluster pipeline stays on one node), sent together.
   */
  async putMany(entries: readonly { subjectId: string; contact: SubjectContact }[]): Promise<void> {
    if (entries.length === 0) return;
    const at = this.now();
    const keys = entries.map((e) => ContactStore.keyOf(e.subjectId));
    const client = { isCluster: this.redis.isCluster ?? false, options: this.redis.options ?? {} };
    await Promise.all(
      groupBySlot(client, keys).map(async (group) => {
        const pipe = this.redis.pipeline();
        for (const i of group) {
          const e = entries[i] as (typeof entries)[number];
          pipe.set(
            keys[i] as string,
            JSON.stringify(sealContact(this.key, e.subjectId, e.contact, at)),
            'EX',
            this.ttlSec,
          );
        }
        const results = (await pipe.exec()) ?? [];
        for (const [err] of results) if (err) throw err;
      }),
    );
  }

  /** A resident's contact, or undefined when none is stored. Throws {@link ContactRecordError}. */
  async get(subjectId: string): Promise<StoredContact | undefined> {
    const raw = await this.redis.get(ContactStore.keyOf(subjectId));
    if (raw === null) return undefined;
    let sealed: SealedContact;
    try {
      sealed = JSON.parse(raw) as SealedContact;
    } catch (err) {
      throw new ContactRecordError('malformed', subjectId, err);
    }
    return { contact: openContact(this.key, subjectId, sealed), storedAt: sealed.at };
  }
}
