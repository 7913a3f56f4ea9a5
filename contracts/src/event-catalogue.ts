/**
 * Renders docs/events.md, the event catalogue, from the contracts: every topic with its key,
 * partitions, cleanup policy and retention, and every event's fields with type, whether required,
 * and description. `npm run docs:events` writes it; a unit test keeps it current.
 */
import type { TSchema } from '@sinclair/typebox';
import { Codecs } from './catalogue.ts';
import { TOPICS } from './topics.ts';

type Json = Record<string, unknown>;

function typeOf(s: Json): string {
  if ('const' in s) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.anyOf)) {
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
    if (s.type === 'object' && s.properties) rows.push(...fieldRows(s, `${path}.`));
    if (s.type === 'array' && (s.items as Json | undefined)?.properties) {
      rows.push(...fieldRows(s.items as Json, `${path}[].`));
    }
  }
  return rows;
}

function eventSection(name: string, schema: TSchema): string[] {
  const json = JSON.parse(JSON.stringify(schema)) as Json;
  const lines = [`### ${name}`, ''];
  const variants = Array.isArray(json.anyOf) ? (json.anyOf as Json[]) : [json];
  for (const variant of variants) {
    if (variants.length > 1) {
      const props = variant.properties as Record<string, Json>;
      const [field, tag] =
        props.kind?.const !== undefined ? ['kind', props.kind.const] : ['type', props.type?.const];
      lines.push(`#### ${name} — ${field} \`${String(tag)}\``, '');
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

export function renderEventCatalogue(): string {
  const lines = [
    '# Event catalogue',
    '',
    '<!-- Generated from contracts/ by `npm run docs:events`; do not edit by hand. -->',
    '',
    'Every Kafka topic Fenghuo uses and every event it carries. The schemas in `contracts/src` are the',
    'source of truth; JSON Schema files are in `contracts/schemas/` (`npm run contracts:jsonschema`).',
    'Ingest stamps `source` and `receivedAt`. Every event has `version` (now `1`).',
    '',
    '## Topics',
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
    '## Events',
    '',
  ];
  for (const [name, codec] of Object.entries(Codecs)) lines.push(...eventSection(name, codec.schema));
  return `${lines.join('\n').trimEnd()}\n`;
}
