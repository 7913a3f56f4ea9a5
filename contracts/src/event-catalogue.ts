/**
 * Renders docs/events.md, the event catalogue, from the contracts: every topic with its key,
 * partitions, cleanup policy, retention and owner; what each button a person presses produces; the
 * Socket.IO events; and every contract's fields with type, whether required, and description.
 * `npm run docs:events` writes it; a unit test keeps it current.
 */
import type { TSchema } from '@sinclair/typebox';
import { ClientEventCodecs, Codecs, type ContractName } from './catalogue.ts';
import { discriminatorOf } from './codec.ts';
import type { ClientEventName, ServerEventName } from './socket/events.ts';
import { TOPICS, topicSpec } from './topics.ts';
import { UI_ACTIONS, type UiActionVia } from './ui-actions.ts';

type Json = Record<string, unknown>;

/** Who receives each server→client event, and its payload's contract. */
export const SERVER_EVENTS: {
  readonly [E in ServerEventName]: {
    readonly payload: ContractName;
    readonly array?: true;
    readonly to: string;
  };
} = {
  'alert:upserted': {
    payload: 'Alert',
    to: "operators of the alert's region, supervisors, the officers sent to it; analysts with the resident's details redacted",
  },
  'incident:reported': { payload: 'IncidentReport', to: "operators of the incident's region, supervisors" },
  'order:upserted': {
    payload: 'DispatchOrder',
    to: "the unit's officer; operators of the region; supervisors",
  },
  'timeline:appended': {
    payload: 'TimelineEvent',
    to: "operators of the matter's region, supervisors, officers on it",
  },
  'plan:upserted': {
    payload: 'InterceptionPlan',
    to: 'operators, supervisors, officers holding a checkpoint',
  },
  'units:positions': {
    payload: 'LivePosition',
    array: true,
    to: "operators (their region's units), supervisors",
  },
  'unit:status': {
    payload: 'UnitStatus',
    to: "operators (their region's units), supervisors, the unit's officer",
  },
  'watchlist:upserted': { payload: 'WatchListEntry', to: 'operators, supervisors' },
  snapshot: { payload: 'Snapshot', to: 'the reconnecting client, cut to what it may see' },
  'figures:updated': { payload: 'Figures', to: 'operators, supervisors, analysts' },
};

/** Who may emit each client→server event, and what the acknowledgement carries. */
export const CLIENT_EVENTS: {
  readonly [E in ClientEventName]: {
    readonly ack: ContractName;
    readonly from: string;
    readonly writes: string;
  };
} = {
  'order:ack': {
    ack: 'Receipt',
    from: 'officers (their own orders)',
    writes: '`DispatchAck` → `dispatch.acks`',
  },
  'unit:set-status': {
    ack: 'Receipt',
    from: 'officers (their own unit), supervisors',
    writes: '`UnitStatus` → `units.status`',
  },
  'command:issue': {
    ack: 'Receipt',
    from: 'operators (their region), supervisors',
    writes: '`OperatorCommand` → `operator.commands`',
  },
  'outcome:record': {
    ack: 'Receipt',
    from: 'officers (alerts they were sent to)',
    writes: '`OutcomeLabel` → `outcomes.labelled`',
  },
  'snapshot:request': { ack: 'Snapshot', from: 'everyone', writes: 'nothing' },
  'auth:renew': { ack: 'TokenRenewed', from: 'everyone (the same person, a fresh token)', writes: 'nothing' },
};

const isContract = (name: unknown): name is ContractName => typeof name === 'string' && name in Codecs;
const link = (name: string) => `[${name}](#${name.toLowerCase()})`;

function typeOf(s: Json): string {
  if (isContract(s.$id)) return link(s.$id);
  if ('const' in s) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.anyOf)) {
    const discriminator = discriminatorOf(s as TSchema);
    if (discriminator) return `object, by \`${discriminator}\``;
    const parts = (s.anyOf as Json[]).map(typeOf);
    return parts.length > 6 ? `one of ${parts.length} values` : parts.join(' \\| ');
  }
  if (s.type === 'array') return `${typeOf((s.items ?? {}) as Json)}[]`;
  if (s.type === 'object' && s.properties) return 'object';
  if (s.type === 'object' && s.patternProperties) return 'map';
  if (s.type === 'string' && s.format) return `string (${String(s.format)})`;
  return String(s.type ?? 'any');
}

function constraints(s: Json): string {
  const out: string[] = [];
  if (s.minimum !== undefined) out.push(`≥ ${String(s.minimum)}`);
  if (s.exclusiveMinimum !== undefined) out.push(`> ${String(s.exclusiveMinimum)}`);
  if (s.maximum !== undefined) out.push(`≤ ${String(s.maximum)}`);
  if (s.maxLength !== undefined) out.push(`≤ ${String(s.maxLength)} chars`);
  if (s.maxItems !== undefined) out.push(`≤ ${String(s.maxItems)} items`);
  if (Array.isArray(s.anyOf) && (s.anyOf as Json[]).every((v) => 'const' in v) && s.anyOf.length > 6) {
    out.push((s.anyOf as Json[]).map((v) => `\`${String(v.const)}\``).join(', '));
  }
  return out.join('; ');
}

function fieldRows(schema: Json, prefix = ''): string[] {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  const rows: string[] = [];
  for (const [name, s] of Object.entries(props)) {
    const path = `${prefix}${name}`;
    const doc = [s.description as string | undefined, constraints(s)].filter(Boolean).join(' — ');
    rows.push(`| \`${path}\` | ${typeOf(s)} | ${required.has(name) ? 'yes' : ''} | ${doc} |`);
    if (isContract(s.$id)) continue;
    if (s.type === 'object' && s.properties) rows.push(...fieldRows(s, `${path}.`));
    const items = s.items as Json | undefined;
    if (s.type === 'array' && items?.properties && !isContract(items.$id)) {
      rows.push(...fieldRows(items, `${path}[].`));
    }
  }
  return rows;
}

function eventSection(name: string, schema: TSchema, discriminator: string | undefined): string[] {
  const json = JSON.parse(JSON.stringify(schema)) as Json;
  const lines = [`### ${name}`, ''];
  if (typeof json.description === 'string') lines.push(json.description, '');
  const variants = Array.isArray(json.anyOf) && discriminator ? (json.anyOf as Json[]) : [json];
  for (const variant of variants) {
    if (variant !== json) {
      const tag = (variant.properties as Record<string, Json>)[discriminator ?? '']?.const;
      lines.push(`#### ${name} — ${discriminator} \`${String(tag)}\``, '');
      if (typeof variant.description === 'string') lines.push(variant.description, '');
    }
    lines.push('| field | type | required | notes |', '| --- | --- | --- | --- |', ...fieldRows(variant), '');
  }
  return lines;
}

function retention(ms: number): string {
  if (ms < 0) return 'forever';
  const days = ms / 86_400_000;
  return days >= 1 ? `${days} d` : `${ms / 3_600_000} h`;
}

function via(v: UiActionVia): string {
  if ('http' in v) return `HTTP \`${v.http}\``;
  switch (v.socket) {
    case 'order:ack':
      return `\`order:ack\` \`{ status: "${v.status}" }\``;
    case 'unit:set-status':
      return `\`unit:set-status\` \`{ status: "${v.status}" }\``;
    case 'command:issue':
      return `\`command:issue\` \`{ type: "${v.command}"${v.result ? `, result: "${v.result}"` : ''} }\``;
    case 'outcome:record':
      return `\`outcome:record\` \`{ outcome }\` (${v.outcomes.map((o) => `\`${o}\``).join(', ')})`;
    default: {
      const unreachable: never = v;
      return String(unreachable);
    }
  }
}

function buttonRows(): string[] {
  return UI_ACTIONS.map((a) => {
    const event = topicSpec(a.topic)?.event ?? '?';
    const timeline = a.timeline.length ? a.timeline.map((t) => `\`${t}\``).join(' → ') : '—';
    return `| ${a.button} | ${a.who.join(', ')} | ${via(a.via)} | ${event} → \`${a.topic}\` | ${timeline} | ${a.effect} |`;
  });
}

export function renderEventCatalogue(): string {
  const lines = [
    '# Event catalogue',
    '',
    '<!-- Generated from contracts/ by `npm run docs:events`; do not edit by hand. -->',
    '',
    'Every Kafka topic Fenghuo uses, every event it carries, what each button produces, and the',
    'Socket.IO events between the gateway and its clients. The schemas in `contracts/src` are the',
    'source of truth; JSON Schema files are in `contracts/schemas/` (`npm run contracts:jsonschema`).',
    'Ingest stamps `source` and `receivedAt`. Every event has `version` (now `1`).',
    '',
    '## Topics',
    '',
    'The owner is the one service that owns the state a topic carries and writes it; another',
    "producer only appends people's inputs for the owner to apply (`units.status`, `units.positions`).",
    '',
    '| topic | key | partitions | cleanup | retention | owner | event | producers → consumers |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...TOPICS.map(
      (t) =>
        `| \`${t.name}\` | ${t.key} | ${t.partitions} | ${t.cleanupPolicy} | ${retention(t.retentionMs)} | ${t.owner} | ${t.event} | ${t.producers.join(', ')} → ${t.consumers.join(', ') || '—'} |`,
    ),
    '',
    'Dead-letter records keep the original key and value; headers `fh-error-code`, `fh-error`,',
    '`fh-error-issues` (JSON list of `{path, message}`), `fh-original-topic`, `fh-original-partition`,',
    '`fh-original-offset`, `fh-consumer-group` and `fh-failed-at` say what failed and where.',
    '',
    '## What each button produces',
    '',
    'The console emits a Socket.IO event; the gateway validates it, checks the person may do it,',
    'attaches their identity, writes one Kafka event (and an `AuditEvent` to `audit.events`) and',
    'answers `{ ok: true, data: { eventId } }`. The owner of the state then acts; the timeline',
    'column lists the `timeline.events` entries the router writes as a result.',
    '',
    '| button | who | socket event / HTTP | Kafka event → topic | timeline | then |',
    '| --- | --- | --- | --- | --- | --- |',
    ...buttonRows(),
    '',
    '## Socket.IO events',
    '',
    'Typed by `ServerToClientEvents` and `ClientToServerEvents` (`contracts/src/socket/events.ts`).',
    'A client connects with `auth: { token }` from `POST /api/auth/login`. Every client→server event',
    'takes one payload and an acknowledgement callback answered with `{ ok: true, data }` or',
    '`{ ok: false, error: { code, message, details? } }`.',
    '',
    '| server → client | payload | sent to |',
    '| --- | --- | --- |',
    ...Object.entries(SERVER_EVENTS).map(
      ([e, d]) => `| \`${e}\` | ${link(d.payload)}${d.array ? '[]' : ''} | ${d.to} |`,
    ),
    '',
    '| client → server | payload | ack data | who | writes |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(CLIENT_EVENTS).map(
      ([e, d]) =>
        `| \`${e}\` | ${link(ClientEventCodecs[e as ClientEventName].name)} | ${link(d.ack)} | ${d.from} | ${d.writes} |`,
    ),
    '',
    '## Events and payloads',
    '',
  ];
  for (const [name, codec] of Object.entries(Codecs)) {
    lines.push(...eventSection(name, codec.schema, codec.discriminator ?? discriminatorOf(codec.schema)));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
