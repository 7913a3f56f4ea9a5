/**
 * Turns flat records (CSV rows, or NDJSON objects) into candidate events of a kind, driven by the
 * contract schema: `--map field=Column` picks columns (dotted paths for nested fields; `lat`/`lon`
 * stand for `location.lat`/`location.lon`), `--set field=value` fixes constants, `--values
 * field=from:to,…` translates codes (`*:x` for any other value), and each value is coerced to the
 * type the contract declares (numbers, integers, booleans, RFC 3339 times).
 */
import { codecFor, type EventKind } from '../kinds.ts';

export interface RecordMapping {
  /** Event field path → source column. */
  readonly columns: ReadonlyMap<string, string>;
  /** Event field path → constant (raw text, coerced like a column value). */
  readonly constants: ReadonlyMap<string, string>;
  /** Event field path → raw value → replacement (`*` matches any other value). */
  readonly values: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Offset for times without one, e.g. `-08:00`. @defaultValue `Z` */
  readonly utcOffset: string;
}

const ALIASES: Record<string, string> = { lat: 'location.lat', lon: 'location.lon', lng: 'location.lon' };

function field(path: string): string {
  return ALIASES[path] ?? path;
}

function pairs(spec: string, what: string): [string, string][] {
  if (spec.trim() === '') return [];
  return spec.split(',').map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`${what}: expected field=value, got "${part}"`);
    return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
  });
}

export function parseMapping(opts: {
  map?: readonly string[];
  set?: readonly string[];
  values?: readonly string[];
  utcOffset?: string;
}): RecordMapping {
  const columns = new Map<string, string>();
  for (const spec of opts.map ?? []) for (const [f, col] of pairs(spec, '--map')) columns.set(field(f), col);
  const constants = new Map<string, string>();
  for (const spec of opts.set ?? []) for (const [f, v] of pairs(spec, '--set')) constants.set(field(f), v);
  const values = new Map<string, Map<string, string>>();
  for (const spec of opts.values ?? []) {
    // `priority=0:1,1:1,9:4` — the field comes once, then from:to pairs separated by commas.
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new Error(`--values: expected field=from:to,…, got "${spec}"`);
    const f = field(spec.slice(0, eq).trim());
    const table = values.get(f) ?? new Map<string, string>();
    for (const pair of spec.slice(eq + 1).split(',')) {
      const colon = pair.lastIndexOf(':');
      if (colon < 0) throw new Error(`--values ${f}: expected from:to, got "${pair}"`);
      table.set(pair.slice(0, colon).trim(), pair.slice(colon + 1).trim());
    }
    values.set(f, table);
  }
  const utcOffset = opts.utcOffset ?? 'Z';
  if (!/^(Z|[+-]\d{2}:\d{2})$/.test(utcOffset))
    throw new Error(`--utc-offset must be Z or ±HH:MM, got "${utcOffset}"`);
  return { columns, constants, values, utcOffset };
}

/** The parts of a JSON Schema (TypeBox) node the mapper reads. */
interface TSchema {
  readonly type?: string;
  readonly format?: string;
  readonly anyOf?: readonly TSchema[];
  readonly properties?: Readonly<Record<string, TSchema>>;
}

type Leaf = 'number' | 'integer' | 'boolean' | 'string' | 'date-time';

function schemaAt(schema: TSchema, path: readonly string[]): TSchema | undefined {
  if (path.length === 0) return schema;
  const variants = schema.anyOf ?? [schema];
  for (const v of variants) {
    const child = v.properties?.[path[0]!];
    if (child) {
      const found = schemaAt(child, path.slice(1));
      if (found) return found;
    }
  }
  return undefined;
}

function leafType(schema: TSchema | undefined): Leaf {
  if (schema === undefined) return 'string';
  if (schema.format === 'date-time') return 'date-time';
  const t = schema.type ?? schema.anyOf?.[0]?.type;
  if (t === 'number' || t === 'integer' || t === 'boolean') return t;
  return 'string';
}

const NAIVE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/;

function coerce(raw: string, type: Leaf, utcOffset: string): unknown {
  const v = raw.trim();
  switch (type) {
    case 'number':
    case 'integer': {
      const n = Number(v);
      return v !== '' && Number.isFinite(n) ? n : raw; // leave it for validation to name
    }
    case 'boolean':
      return ['true', '1', 'yes', 'y'].includes(v.toLowerCase())
        ? true
        : ['false', '0', 'no', 'n'].includes(v.toLowerCase())
          ? false
          : raw;
    case 'date-time': {
      const naive = NAIVE_TIME.exec(v);
      if (naive) return `${naive[1]}T${naive[2]!.length === 5 ? `${naive[2]}:00` : naive[2]}${utcOffset}`;
      if (/^\d{10}$/.test(v)) return new Date(Number(v) * 1000).toISOString();
      if (/^\d{13}$/.test(v)) return new Date(Number(v)).toISOString();
      return v;
    }
    case 'string':
      return raw;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** The candidate event for a record; `fallbackId` becomes `eventId` when no column gives one. */
export type Mapper = (
  record: Readonly<Record<string, unknown>>,
  fallbackId: string,
) => Record<string, unknown>;

/**
 * A mapper for `kind`. With no `--map` at all, records are taken as events as they are (NDJSON of
 * ready events); otherwise only mapped and constant fields are set.
 */
export function createMapper(kind: EventKind, mapping: RecordMapping): Mapper {
  const schema = codecFor(kind).schema as TSchema;
  const fields = new Set([...mapping.columns.keys(), ...mapping.constants.keys()]);
  const plan = [...fields].map((f) => {
    const path = f.split('.');
    return { f, path, type: leafType(schemaAt(schema, path)) };
  });
  const passThrough = mapping.columns.size === 0;

  return (record, fallbackId) => {
    const event: Record<string, unknown> = passThrough
      ? structuredClone(record as Record<string, unknown>)
      : {};
    for (const { f, path, type } of plan) {
      const column = mapping.columns.get(f);
      let raw: unknown = column === undefined ? mapping.constants.get(f) : record[column];
      if (raw === undefined || raw === null || raw === '') {
        if (column !== undefined && mapping.constants.has(f)) raw = mapping.constants.get(f);
        else continue; // absent: optional fields stay out, required ones are named by validation
      }
      if (typeof raw !== 'string') {
        setPath(event, path, raw);
        continue;
      }
      const table = mapping.values.get(f);
      const translated = table ? (table.get(raw.trim()) ?? table.get('*') ?? raw) : raw;
      setPath(event, path, coerce(translated, type, mapping.utcOffset));
    }
    if (event.version === undefined) event.version = 1;
    if (event.eventId === undefined || event.eventId === '') event.eventId = fallbackId;
    return event;
  };
}
