import { type Static, Type } from '@sinclair/typebox';
import { GeoPoint, Id, IngestedFields, PhoneNumber, Plate, Priority } from '../common.ts';

export const IncidentCategory = Type.Union([
  Type.Literal('violence'),
  Type.Literal('theft'),
  Type.Literal('robbery'),
  Type.Literal('fraud'),
  Type.Literal('traffic'),
  Type.Literal('fire'),
  Type.Literal('medical'),
  Type.Literal('disturbance'),
  Type.Literal('suspicious'),
  Type.Literal('missing_person'),
  Type.Literal('alarm'),
  Type.Literal('neighbour_dispute', { description: 'A dispute between neighbours.' }),
  Type.Literal('family_dispute', { description: 'A dispute within a family or household.' }),
  Type.Literal('protection_order', {
    description:
      'An application for a personal-safety protection order: a statutory deadline of 72 h, 24 h when urgent (priority 1).',
  }),
  Type.Literal('fleeing_vehicle', { description: 'A vehicle fleeing the police: opens a pursuit.' }),
  Type.Literal('other'),
]);
export type IncidentCategory = Static<typeof IncidentCategory>;

/** An incident reported by a 110 call, a grid worker, a patrol or a camera. Topic `incidents.reported`, key `incidentId`. */
export const IncidentReport = Type.Object(
  {
    ...IngestedFields,
    incidentId: Id,
    channel: Type.Union([
      Type.Literal('110'),
      Type.Literal('grid_worker'),
      Type.Literal('patrol'),
      Type.Literal('app'),
      Type.Literal('camera'),
      Type.Literal('replay'),
    ]),
    category: IncidentCategory,
    priority: Priority,
    location: GeoPoint,
    address: Type.Optional(Type.String({ maxLength: 256 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    callerNumber: Type.Optional(PhoneNumber),
    gridCellId: Type.Optional(Id),
    plate: Type.Optional(Plate),
    attachments: Type.Optional(
      Type.Array(Id, {
        maxItems: 8,
        description: 'Ids of photos kept by the gateway (never the bytes themselves).',
      }),
    ),
    externalRef: Type.Optional(
      Type.String({ maxLength: 128, description: 'Id in the originating system (CAD number).' }),
    ),
  },
  { additionalProperties: false, $id: 'IncidentReport' },
);
export type IncidentReport = Static<typeof IncidentReport>;
