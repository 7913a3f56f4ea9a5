/** HTTP bodies shared by the services' APIs. */
import { type Static, Type } from '@sinclair/typebox';
import { Id, Timestamp, UserIdentity, Username } from './common.ts';
import { SubjectContact } from './events/fraud-indicator.ts';

/** One rejected field of a request: which event of a batch (when batched), where, and why. */
export const FieldError = Type.Object(
  {
    index: Type.Optional(Type.Integer({ minimum: 0, description: 'Position of the event in the batch.' })),
    path: Type.String({ description: 'Field path, e.g. `location.lat`; empty for the whole event.' }),
    reason: Type.String(),
  },
  { additionalProperties: false },
);
export type FieldError = Static<typeof FieldError>;

/** What went wrong: a stable machine-readable `code`, a `message` for people, the fields at fault. */
export const ErrorBody = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Array(FieldError)),
    requestId: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** Every 4xx and 5xx body. */
export const ApiError = Type.Object({ error: ErrorBody }, { additionalProperties: false, $id: 'ApiError' });
export type ApiError = Static<typeof ApiError>;

/** 202 answer of the ingest routes. */
export const IngestAccepted = Type.Object(
  {
    accepted: Type.Integer({ minimum: 0, description: 'Events written to Kafka by this request.' }),
    duplicates: Type.Integer({
      minimum: 0,
      description: 'Events already accepted within 24 h, not written again.',
    }),
  },
  { additionalProperties: false, $id: 'IngestAccepted' },
);
export type IngestAccepted = Static<typeof IngestAccepted>;

/** `POST /api/auth/login` on the gateway. */
export const LoginRequest = Type.Object(
  { username: Username, password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false, $id: 'LoginRequest' },
);
export type LoginRequest = Static<typeof LoginRequest>;

/** 200 answer of `POST /api/auth/login` and `POST /api/auth/refresh`. */
export const LoginResponse = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 4096, description: 'Short-lived signed token (JWT).' }),
    expiresAt: Timestamp,
    user: UserIdentity,
  },
  { additionalProperties: false, $id: 'LoginResponse' },
);
export type LoginResponse = Static<typeof LoginResponse>;

/** Percentiles of one response-time figure, in seconds, over the summary's window. */
export const DurationFigure = Type.Object(
  {
    count: Type.Integer({ minimum: 0, description: 'Samples in the window.' }),
    p50Sec: Type.Optional(Type.Number({ minimum: 0 })),
    p90Sec: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type DurationFigure = Static<typeof DurationFigure>;

/** The response-time figures of one priority (1 most urgent). */
export const PriorityResponseTimes = Type.Object(
  {
    priority: Type.Integer({ minimum: 1, maximum: 4 }),
    signalToDispatch: DurationFigure,
    dispatchToAck: DurationFigure,
    dispatchToOnScene: DurationFigure,
  },
  { additionalProperties: false },
);
export type PriorityResponseTimes = Static<typeof PriorityResponseTimes>;

/**
 * 200 answer of the router's `GET /v1/summary` (ops port): the figures a command centre reports,
 * per priority, over the last `windowSec` (an hour), from every router instance.
 */
export const ResponseTimeSummary = Type.Object(
  {
    at: Timestamp,
    windowSec: Type.Integer({ minimum: 1 }),
    priorities: Type.Array(PriorityResponseTimes, { maxItems: 4 }),
  },
  { additionalProperties: false, $id: 'ResponseTimeSummary' },
);
export type ResponseTimeSummary = Static<typeof ResponseTimeSummary>;

/**
 * 200 answer of the gateway's `GET /api/residents/:subjectId/contact`: the resident's contact
 * details from the encrypted contact store, shown only to the officer working as the unit of an
 * open order about the resident (every view and every refusal is audited).
 */
export const ResidentContact = Type.Object(
  {
    subjectId: Id,
    contact: SubjectContact,
    orderId: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'The open order that makes the officer allowed to see it.',
    }),
    storedAt: Timestamp,
  },
  { additionalProperties: false, $id: 'ResidentContact' },
);
export type ResidentContact = Static<typeof ResidentContact>;
