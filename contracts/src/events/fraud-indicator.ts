import { type Static, Type } from '@sinclair/typebox';
import { GeoPoint, Id, IngestedFields, PhoneNumber } from '../common.ts';

/**
 * The resident's own contact details, as a bank or telecom operator may send them with an
 * indicator so the officer can reach the resident. Ingest strips them before anything is written:
 * they go to the encrypted contact store (Redis, keyed by `subjectId`) and NEVER travel on Kafka;
 * the gateway shows them only to the officer of an open order about the resident, audited.
 */
export const SubjectContact = Type.Object(
  {
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: "The resident's phone." })),
    address: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, description: "The resident's home address." }),
    ),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "The resident's name." })),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      "The resident's own contact details; ingest strips it (into the encrypted contact store), never on Kafka.",
  },
);
export type SubjectContact = Static<typeof SubjectContact>;

/** Fields every fraud indicator carries, whatever its kind. */
const indicatorFields = {
  ...IngestedFields,
  subjectId: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[^\\s]+$',
    description: 'The resident the indicator is about (a pseudonymous id, never the ID-card number).',
  }),
  location: Type.Optional(GeoPoint),
  gridCellId: Type.Optional(Id),
  subjectContact: Type.Optional(SubjectContact),
};

export const CallIndicator = Type.Object(
  {
    ...indicatorFields,
    kind: Type.Literal('call'),
    callerNumber: PhoneNumber,
    direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
    durationSec: Type.Integer({ minimum: 0, maximum: 86_400 }),
    callerListed: Type.Optional(
      Type.Boolean({ description: "The operator's fraud-number list holds the caller." }),
    ),
    callerTags: Type.Optional(
      Type.Array(Type.String({ maxLength: 32 }), {
        maxItems: 16,
        description: 'Operator tags such as overseas, voip, spoofed, virtual_operator.',
      }),
    ),
    transcript: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 10_000,
        description:
          "What the caller said: a transcript of the call, or the operator's speech-to-text of the caller's side. Scored like an SMS text, with rules of its own (a call is long, an SMS short).",
      }),
    ),
  },
  { additionalProperties: false, $id: 'CallIndicator' },
);
export type CallIndicator = Static<typeof CallIndicator>;

export const SmsIndicator = Type.Object(
  {
    ...indicatorFields,
    kind: Type.Literal('sms'),
    senderNumber: Type.String({ minLength: 1, maxLength: 32 }),
    text: Type.String({ minLength: 1, maxLength: 2000 }),
    urls: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 16 })),
  },
  { additionalProperties: false, $id: 'SmsIndicator' },
);
export type SmsIndicator = Static<typeof SmsIndicator>;

export const AppCategory = Type.Union([
  Type.Literal('remote_control'),
  Type.Literal('screen_share'),
  Type.Literal('meeting'),
  Type.Literal('investment'),
  Type.Literal('loan'),
  Type.Literal('chat'),
  Type.Literal('other'),
]);
export type AppCategory = Static<typeof AppCategory>;

export const AppInstallIndicator = Type.Object(
  {
    ...indicatorFields,
    kind: Type.Literal('app_install'),
    appId: Type.String({ minLength: 1, maxLength: 256, description: 'Package name or bundle id.' }),
    appName: Type.String({ minLength: 1, maxLength: 128 }),
    category: Type.Optional(AppCategory),
  },
  { additionalProperties: false, $id: 'AppInstallIndicator' },
);
export type AppInstallIndicator = Static<typeof AppInstallIndicator>;

export const TransferIndicator = Type.Object(
  {
    ...indicatorFields,
    kind: Type.Literal('transfer'),
    amount: Type.Number({ exclusiveMinimum: 0, maximum: 1e12 }),
    currency: Type.Literal('CNY'),
    payerAccount: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          "The resident's OWN account, the one the money leaves. Personal data: ingest replaces it with a keyed pseudonym (`acct:` and 32 hex characters, HMAC-SHA-256, stable per account) before anything is written, so on Kafka it is never in clear.",
      }),
    ),
    payeeAccount: Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        "The payee's account, the one the money goes to: kept in clear (deny lists match it), masked (`****1234`) in logs and explanations.",
    }),
    payeeName: Type.Optional(Type.String({ maxLength: 128 })),
    payeeBank: Type.Optional(Type.String({ maxLength: 128 })),
    payeeNew: Type.Boolean({ description: 'First transfer from this resident to this payee.' }),
    channel: Type.Union([
      Type.Literal('bank_app'),
      Type.Literal('online_banking'),
      Type.Literal('atm'),
      Type.Literal('counter'),
      Type.Literal('third_party'),
    ]),
    status: Type.Optional(
      Type.Union([Type.Literal('initiated'), Type.Literal('pending'), Type.Literal('completed')]),
    ),
  },
  { additionalProperties: false, $id: 'TransferIndicator' },
);
export type TransferIndicator = Static<typeof TransferIndicator>;

export const ReportIndicator = Type.Object(
  {
    ...indicatorFields,
    kind: Type.Literal('report'),
    reportedBy: Type.Union([
      Type.Literal('resident'),
      Type.Literal('family'),
      Type.Literal('bank'),
      Type.Literal('grid_worker'),
      Type.Literal('app'),
    ]),
    text: Type.String({ minLength: 1, maxLength: 4000 }),
  },
  { additionalProperties: false, $id: 'ReportIndicator' },
);
export type ReportIndicator = Static<typeof ReportIndicator>;

/** A fraud indicator about one resident; `kind` selects the attributes. Topic `fraud.indicators`, key `subjectId`. */
export const FraudIndicator = Type.Union(
  [CallIndicator, SmsIndicator, AppInstallIndicator, TransferIndicator, ReportIndicator],
  { $id: 'FraudIndicator' },
);
export type FraudIndicator = Static<typeof FraudIndicator>;
export type FraudIndicatorKind = FraudIndicator['kind'];
