/**
 * Grid-worker reports: the body of the gateway's public QR form (`POST /r/<cellId>`) and of a
 * signed-in grid worker's report (`POST /api/grid-reports`), the answer to both, and a cell's daily
 * summary for its officer (`GET /api/cells/<cellId>/summary`). The report itself travels as an
 * `IncidentReport` with `channel: grid_worker`; the photo stays in the gateway's store.
 */
import { type Static, Type } from '@sinclair/typebox';
import { GeoPoint, Id, idOf } from './common.ts';
import { IncidentCategory } from './events/incident-report.ts';

/** What a grid worker or a resident reports about a cell. */
export const GridReportRequest = Type.Object(
  {
    category: IncidentCategory,
    text: Type.String({ minLength: 1, maxLength: 2000, description: 'What happened, where exactly.' }),
    location: Type.Optional({ ...GeoPoint, description: "The reporter's position; else the cell's centre." }),
    photo: Type.Optional(
      Type.String({
        minLength: 1,
        // 2 MiB of bytes in base64 (4 characters per 3 bytes), the store's cap.
        maxLength: 2_796_204,
        pattern: '^[A-Za-z0-9+/]+={0,2}$',
        description:
          'One photo, base64 (JPEG, PNG or WebP, up to 2 MiB); kept by the gateway, never sent on Kafka.',
      }),
    ),
    formToken: Type.Optional(
      Type.String({
        maxLength: 512,
        description:
          'The signed, time-stamped token the form page was served with (required on the public form).',
      }),
    ),
    website: Type.Optional(
      Type.String({ maxLength: 512, description: 'A field people never see (a honeypot): must stay empty.' }),
    ),
  },
  { additionalProperties: false, $id: 'GridReportRequest' },
);
export type GridReportRequest = Static<typeof GridReportRequest>;

/** 202 answer to a report: the incident it became and the photo's attachment id. */
export const GridReportAccepted = Type.Object(
  {
    incidentId: Id,
    attachmentId: Type.Optional(
      idOf('The photo, at `GET /api/attachments/<id>` for who may see the report.'),
    ),
  },
  { additionalProperties: false, $id: 'GridReportAccepted' },
);
export type GridReportAccepted = Static<typeof GridReportAccepted>;

/** A cell's reports of one day (UTC), counted by category as the gateway accepted them. */
export const CellReportSummary = Type.Object(
  {
    cellId: Id,
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'The UTC day, YYYY-MM-DD.' }),
    total: Type.Integer({ minimum: 0 }),
    byCategory: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
      description: 'Reports per incident category; categories with none are left out.',
    }),
    byChannel: Type.Object(
      {
        qr: Type.Integer({ minimum: 0, description: "Through the cell's public QR form." }),
        grid_worker: Type.Integer({ minimum: 0, description: "From the cell's signed-in grid worker." }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, $id: 'CellReportSummary' },
);
export type CellReportSummary = Static<typeof CellReportSummary>;
