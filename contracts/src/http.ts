/** HTTP bodies shared by the services' APIs. */
import { type Static, Type } from '@sinclair/typebox';

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

/** Every 4xx and 5xx body. `code` is stable and machine-readable; `message` is for people. */
export const ApiError = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String(),
        message: Type.String(),
        details: Type.Optional(Type.Array(FieldError)),
        requestId: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, $id: 'ApiError' },
);
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
