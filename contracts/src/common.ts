/**
 * Schema fragments shared by the event contracts. Each exported schema has a same-named type.
 */
import { type Static, Type } from '@sinclair/typebox';

/** Contract version carried by every event; bump it (and keep a decoder for the old one) on breaking change. */
export const ContractVersion = Type.Literal(1, { description: 'Contract version of this event.' });
export type ContractVersion = Static<typeof ContractVersion>;

/** An identifier: printable, no whitespace, up to 128 characters. */
export const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s]+$' });
export type Id = Static<typeof Id>;

/** An RFC 3339 timestamp with a time zone, e.g. `2026-11-27T08:46:16.123Z`. */
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });
export type Timestamp = Static<typeof Timestamp>;

/** A phone number as dialled: optional `+`, digits, up to 20 characters. */
export const PhoneNumber = Type.String({ pattern: '^\\+?[0-9]{3,20}$' });
export type PhoneNumber = Static<typeof PhoneNumber>;

/** A WGS 84 position. */
export const GeoPoint = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);
export type GeoPoint = Static<typeof GeoPoint>;

/** Plain-language text in Chinese and English. */
export const BilingualText = Type.Object(
  { zh: Type.String({ maxLength: 4000 }), en: Type.String({ maxLength: 4000 }) },
  { additionalProperties: false },
);
export type BilingualText = Static<typeof BilingualText>;

/** Fields every ingested event carries. `source` and `receivedAt` are stamped by ingest. */
export const IngestedFields = {
  version: ContractVersion,
  eventId: Type.String({
    minLength: 1,
    maxLength: 128,
    pattern: '^[^\\s]+$',
    description: 'Unique per source; ingest drops a repeat of (source, eventId) within 24 h.',
  }),
  occurredAt: Timestamp,
  source: Type.Optional(
    Type.String({ maxLength: 64, description: 'Authenticated source name; set by ingest.' }),
  ),
  receivedAt: Type.Optional(Type.String({ format: 'date-time', description: 'Set by ingest.' })),
};

/** The fraud types the rule pack knows, with the Chinese names operators use. */
export const FraudType = Type.Union(
  [
    Type.Literal('impersonation_authority', { description: '冒充公检法及政府机关' }),
    Type.Literal('pig_butchering', { description: '杀猪盘 / 虚假投资理财' }),
    Type.Literal('task_scam', { description: '刷单返利' }),
    Type.Literal('fake_customer_service', { description: '冒充电商物流客服' }),
    Type.Literal('loan_scam', { description: '贷款、代办信用卡' }),
    Type.Literal('impersonation_acquaintance', { description: '冒充领导、熟人' }),
    Type.Literal('other', { description: '其他' }),
  ],
  { description: 'Fraud type.' },
);
export type FraudType = Static<typeof FraudType>;
export const FRAUD_TYPES: readonly FraudType[] = FraudType.anyOf.map((s) => s.const);
