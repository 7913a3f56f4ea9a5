/**
 * Schema fragments shared by the event contracts. Each exported schema has a same-named type.
 */
import { Kind, type SchemaOptions, type Static, type TSchema, type TUnion, Type } from '@sinclair/typebox';

/**
 * `Type.Union` that stays a union (`anyOf`) even with one member, so a union of one kind today
 * (`RuleSet`) is a union in its type, its codec and its JSON Schema, and a new kind is an addition.
 */
export function variantsOf<T extends TSchema[]>(types: [...T], options: SchemaOptions = {}): TUnion<T> {
  if (types.length > 1) return Type.Union(types, options) as TUnion<T>;
  return { ...options, [Kind]: 'Union', anyOf: types } as unknown as TUnion<T>;
}

/** Contract version carried by every event; bump it (and keep a decoder for the old one) on breaking change. */
export const ContractVersion = Type.Literal(1, { description: 'Contract version of this event.' });
export type ContractVersion = Static<typeof ContractVersion>;

/** An identifier: printable, no whitespace, up to 128 characters. */
export const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s]+$' });
export type Id = Static<typeof Id>;

/** {@link Id} with a description, for the docs. */
export function idOf(description: string) {
  return Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s]+$', description });
}

/** An RFC 3339 timestamp with a time zone, e.g. `2026-11-27T08:46:16.123Z`. */
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });
export type Timestamp = Static<typeof Timestamp>;

/** Urgency of an incident or order: 1 is the most urgent, 4 the least. */
export const Priority = Type.Integer({ minimum: 1, maximum: 4, description: '1 is the most urgent.' });
export type Priority = Static<typeof Priority>;

/** An amount of money in CNY (yuan). */
export const AmountCny = Type.Number({ minimum: 0, maximum: 1e12 });
export type AmountCny = Static<typeof AmountCny>;

/** A vehicle plate as the cameras normalise it. */
export const Plate = Type.String({
  minLength: 2,
  maxLength: 16,
  description: 'Normalised plate, e.g. 粤B12345.',
});
export type Plate = Static<typeof Plate>;

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

/**
 * The fraud types the rule pack knows, with the Chinese names operators use: the common telecom-fraud
 * types that China's public-security anti-fraud centres publish, and `other`.
 */
export const FraudType = Type.Union(
  [
    Type.Literal('impersonation_authority', { description: '冒充公检法及政府机关' }),
    Type.Literal('pig_butchering', { description: '网络婚恋交友 / 杀猪盘' }),
    Type.Literal('task_scam', { description: '刷单返利' }),
    Type.Literal('fake_customer_service', { description: '冒充电商物流客服' }),
    Type.Literal('loan_scam', { description: '虚假网络贷款 / 代办信用卡' }),
    Type.Literal('impersonation_acquaintance', { description: '冒充领导、熟人' }),
    Type.Literal('other', { description: '其他' }),
    Type.Literal('fake_investment', { description: '虚假网络投资理财' }),
    Type.Literal('credit_repair', { description: '虚假征信（注销校园贷、修复征信）' }),
    Type.Literal('fake_shopping', { description: '虚假购物、服务（低价商品、代购、门票）' }),
    Type.Literal('game_trading', { description: '网络游戏产品虚假交易' }),
    Type.Literal('prize_lottery', { description: '冒充中奖、虚假抽奖' }),
    Type.Literal('fake_kidnapping', { description: '虚构绑架、亲友出事' }),
    Type.Literal('phishing_link', { description: '银行积分、ETC 等钓鱼链接' }),
    Type.Literal('fake_refund', { description: '虚假退款、退改签理赔、退税补贴发放' }),
  ],
  { description: 'Fraud type.' },
);
export type FraudType = Static<typeof FraudType>;
export const FRAUD_TYPES: readonly FraudType[] = FraudType.anyOf.map((s) => s.const);

/** What a person may do: the gateway's roles. */
export const UserRole = Type.Union(
  [
    Type.Literal('operator', { description: 'Command-centre operator: watches a region, dispatches.' }),
    Type.Literal('supervisor', { description: 'Watches the whole city, handles escalations.' }),
    Type.Literal('officer', { description: 'Patrol or community officer, bound to a unit.' }),
    Type.Literal('grid_worker', { description: 'Grid worker (网格员), bound to a grid cell.' }),
    Type.Literal('analyst', { description: 'Tunes rules and settings; cannot dispatch.' }),
    Type.Literal('admin', { description: 'Manages users and settings.' }),
  ],
  { description: 'Role of a person.' },
);
export type UserRole = Static<typeof UserRole>;
export const USER_ROLES: readonly UserRole[] = UserRole.anyOf.map((s) => s.const);

/** A login name: printable, no whitespace, up to 64 characters. */
export const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\s]+$' });
export type Username = Static<typeof Username>;

/**
 * Part of the city a person watches: a police station's area (the grid cells with its
 * `stationId` in the city pack) or a district (a group of stations). No region means the whole city.
 */
export const Region = Type.Object(
  {
    kind: Type.Union([Type.Literal('station'), Type.Literal('district')]),
    id: Id,
  },
  { additionalProperties: false },
);
export type Region = Static<typeof Region>;

/** Who did something, when a person did it: shown on timelines. */
export const Actor = Type.Object(
  { username: Username, role: UserRole },
  { additionalProperties: false, description: 'The person who did it.' },
);
export type Actor = Static<typeof Actor>;

/**
 * A signed-in person as the gateway knows them (from the token it issued). The gateway attaches it
 * to what people send; clients never send it themselves.
 */
export const UserIdentity = Type.Object(
  {
    ...Actor.properties,
    region: Type.Optional(Region),
    unitId: Type.Optional(idOf('The unit an officer works as.')),
    gridCellId: Type.Optional(idOf("A grid worker's cell.")),
  },
  { additionalProperties: false, description: "The signed-in person's identity, attached by the gateway." },
);
export type UserIdentity = Static<typeof UserIdentity>;
