/**
 * The kinds of event a source may send, each with its route, topic and contract codec. A key grants
 * kinds by these names (`npm run keys -- add --kinds fraud-indicators,incidents`).
 */
import { type Codec, Codecs, Topic, type TopicEventMap } from '@fenghuo/contracts';

export const EVENT_KINDS = ['fraud-indicators', 'incidents', 'sightings', 'positions'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The topic each kind is written to. */
export const KIND_TOPIC = {
  'fraud-indicators': Topic.FraudIndicators,
  incidents: Topic.IncidentsReported,
  sightings: Topic.VehiclesSighted,
  positions: Topic.UnitsPositions,
} as const satisfies Record<EventKind, keyof TopicEventMap>;

/** The HTTP route of each kind. */
export const KIND_PATH: Readonly<Record<EventKind, string>> = {
  'fraud-indicators': '/v1/fraud-indicators',
  incidents: '/v1/incidents',
  sightings: '/v1/sightings',
  positions: '/v1/positions',
};

export type KindTopic<K extends EventKind> = (typeof KIND_TOPIC)[K];
export type KindEvent<K extends EventKind> = TopicEventMap[KindTopic<K>];

const KIND_CODEC: { readonly [K in EventKind]: Codec<KindEvent<K>> } = {
  'fraud-indicators': Codecs.FraudIndicator,
  incidents: Codecs.IncidentReport,
  sightings: Codecs.VehicleSighting,
  positions: Codecs.UnitPosition,
};

export function codecFor<K extends EventKind>(kind: K): Codec<KindEvent<K>> {
  return KIND_CODEC[kind];
}

export function isEventKind(value: string): value is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(value);
}

/** `"fraud-indicators, incidents"` → kinds; throws naming the first unknown one. */
export function parseKinds(list: string): EventKind[] {
  const kinds = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (kinds.length === 0) throw new Error(`no kinds given; choose from ${EVENT_KINDS.join(', ')}`);
  for (const k of kinds) {
    if (!isEventKind(k)) throw new Error(`unknown kind "${k}"; choose from ${EVENT_KINDS.join(', ')}`);
  }
  return [...new Set(kinds as EventKind[])];
}
