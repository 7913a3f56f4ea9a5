/**
 * Configuration from the environment, parsed once at start. A service declares a spec (field
 * name → environment variable, type, default, doc); {@link parseConfig} coerces and validates every
 * variable and throws one {@link ConfigError} naming each bad variable, so a service fails fast.
 * The same spec renders the `--help` text and the README's configuration table.
 */
import { ConfigError, FenghuoError } from './errors.ts';

interface FieldBase<T> {
  readonly env: string;
  readonly doc: string;
  /** Used when the variable is unset or empty; no default makes the variable required. */
  readonly default?: T;
  /** Shown in docs instead of the default (e.g. for secrets). */
  readonly defaultDoc?: string;
  parse(raw: string): T;
  readonly kind: string;
}

export type Field<T> = FieldBase<T>;
export interface HostPort {
  readonly host: string;
  readonly port: number;
}
export type ConfigSpec = Readonly<Record<string, Field<unknown>>>;
export type ConfigOf<S extends ConfigSpec> = {
  readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never;
};

/** One variable's value is malformed; {@link parseConfig} collects these into one ConfigError. */
class ParseError extends FenghuoError {
  constructor(reason: string) {
    super(reason, { code: 'CONFIG_VALUE_INVALID' });
  }
}

function fieldOf<T>(
  kind: string,
  opts: { env: string; doc: string; default?: T; defaultDoc?: string },
  parse: (raw: string) => T,
): Field<T> {
  return { ...opts, kind, parse };
}

export const field = {
  string(opts: {
    env: string;
    doc: string;
    default?: string;
    defaultDoc?: string;
    pattern?: RegExp;
  }): Field<string> {
    return fieldOf('string', opts, (raw) => {
      if (opts.pattern && !opts.pattern.test(raw)) throw new ParseError(`must match ${opts.pattern}`);
      return raw;
    });
  },
  int(opts: { env: string; doc: string; default?: number; min?: number; max?: number }): Field<number> {
    return fieldOf('integer', opts, (raw) => {
      if (!/^-?\d+$/.test(raw.trim())) throw new ParseError(`must be an integer, got "${raw}"`);
      const n = Number(raw);
      if (opts.min !== undefined && n < opts.min) throw new ParseError(`must be >= ${opts.min}, got ${n}`);
      if (opts.max !== undefined && n > opts.max) throw new ParseError(`must be <= ${opts.max}, got ${n}`);
      return n;
    });
  },
  number(opts: { env: string; doc: string; default?: number; min?: number; max?: number }): Field<number> {
    return fieldOf('number', opts, (raw) => {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new ParseError(`must be a number, got "${raw}"`);
      if (opts.min !== undefined && n < opts.min) throw new ParseError(`must be >= ${opts.min}, got ${n}`);
      if (opts.max !== undefined && n > opts.max) throw new ParseError(`must be <= ${opts.max}, got ${n}`);
      return n;
    });
  },
  bool(opts: { env: string; doc: string; default?: boolean }): Field<boolean> {
    return fieldOf('boolean', opts, (raw) => {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new ParseError(`must be true or false, got "${raw}"`);
    });
  },
  list(opts: { env: string; doc: string; default?: readonly string[] }): Field<readonly string[]> {
    return fieldOf('comma-separated list', opts, (raw) => {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (items.length === 0) throw new ParseError('must list at least one value');
      return items;
    });
  },
  /** `host:port,host:port,...` (an empty default allowed: the feature is off). */
  hostPorts(opts: {
    env: string;
    doc: string;
    default?: readonly HostPort[];
    defaultDoc?: string;
  }): Field<readonly HostPort[]> {
    return fieldOf('comma-separated host:port list', opts, (raw) => {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (items.length === 0) throw new ParseError('must list at least one host:port');
      return items.map((item) => {
        const m = /^([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(item);
        const port = Number(m?.[2]);
        if (!m || port < 1 || port > 65_535) throw new ParseError(`must be host:port, got "${item}"`);
        return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
      });
    });
  },
  oneOf<const V extends string>(opts: {
    env: string;
    doc: string;
    values: readonly V[];
    default?: NoInfer<V>;
  }): Field<V> {
    return fieldOf(`one of ${opts.values.join(', ')}`, opts, (raw) => {
      if (!(opts.values as readonly string[]).includes(raw)) {
        throw new ParseError(`must be one of ${opts.values.join(', ')}, got "${raw}"`);
      }
      return raw as V;
    });
  },
  url(opts: { env: string; doc: string; default?: string; protocols?: readonly string[] }): Field<string> {
    return fieldOf('URL', opts, (raw) => {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new ParseError(`must be a URL, got "${raw}"`);
      }
      if (opts.protocols && !opts.protocols.includes(u.protocol.replace(/:$/, ''))) {
        throw new ParseError(`must use ${opts.protocols.join(' or ')}, got ${u.protocol}`);
      }
      return raw;
    });
  },
};

/** Parses `env` against `spec`, collecting every problem before throwing. */
export function parseConfig<S extends ConfigSpec>(
  spec: S,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: { variable: string; reason: string }[] = [];
  for (const [key, f] of Object.entries(spec)) {
    const raw = env[f.env];
    if (raw === undefined || raw === '') {
      if (f.default === undefined) problems.push({ variable: f.env, reason: `required (${f.doc})` });
      else out[key] = f.default;
      continue;
    }
    try {
      out[key] = f.parse(raw);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      problems.push({ variable: f.env, reason: err.message });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

function showDefault(f: Field<unknown>): string {
  if (f.defaultDoc !== undefined) return f.defaultDoc;
  if (f.default === undefined) return '(required)';
  if (Array.isArray(f.default)) {
    return f.default
      .map((v) => (typeof v === 'object' && v !== null ? `${v.host}:${v.port}` : String(v)))
      .join(',');
  }
  return String(f.default);
}

/** Rows for `--help` and docs: variable, type, default, description. */
export function describeConfig(
  spec: ConfigSpec,
): { env: string; kind: string; default: string; doc: string }[] {
  return Object.values(spec).map((f) => ({ env: f.env, kind: f.kind, default: showDefault(f), doc: f.doc }));
}

/** The environment section of a service's `--help`. */
export function configHelp(spec: ConfigSpec): string {
  const rows = describeConfig(spec);
  const width = Math.max(...rows.map((r) => r.env.length));
  return rows.map((r) => `  ${r.env.padEnd(width)}  ${r.doc} (default: ${r.default})`).join('\n');
}

// Shared fragments, composed by each service's own spec.

export const kafkaConfig = {
  kafkaBrokers: field.list({
    env: 'KAFKA_BROKERS',
    doc: 'Kafka bootstrap brokers',
    default: ['127.0.0.1:9092'],
  }),
  kafkaClientId: field.string({ env: 'KAFKA_CLIENT_ID', doc: 'Kafka client id', default: 'fenghuo' }),
  kafkaTopicPrefix: field.string({
    env: 'KAFKA_TOPIC_PREFIX',
    doc: 'Prefix for every topic name (isolates tests and tenants)',
    default: '',
    defaultDoc: '(none)',
    pattern: /^[A-Za-z0-9._-]*$/,
  }),
} as const;

/** For services with consumer groups (composed by each such service's spec, not by producers). */
export const kafkaConsumerConfig = {
  kafkaSessionTimeoutMs: field.int({
    env: 'KAFKA_SESSION_TIMEOUT_MS',
    doc: 'How long a consumer group waits for a silent instance (crashed, killed) before its partitions move to the others or to its replacement; heartbeats go every third of it, at most every 3 s',
    default: 10_000,
    min: 6_000,
    max: 300_000,
  }),
} as const;

export const redisConfig = {
  redisUrl: field.url({
    env: 'REDIS_URL',
    doc: 'Redis URL',
    default: 'redis://127.0.0.1:6379',
    protocols: ['redis', 'rediss'],
  }),
  redisKeyPrefix: field.string({
    env: 'REDIS_KEY_PREFIX',
    doc: 'Prefix for every Redis key',
    default: 'fh:',
    pattern: /^[A-Za-z0-9:._-]*$/,
  }),
  redisSentinels: field.hostPorts({
    env: 'REDIS_SENTINELS',
    doc: 'Sentinels (host:port,...) to ask for the primary instead of REDIS_URL (needs REDIS_SENTINEL_MASTER; REDIS_URL then gives only the password and database)',
    default: [],
    defaultDoc: '(none: REDIS_URL)',
  }),
  redisSentinelMaster: field.string({
    env: 'REDIS_SENTINEL_MASTER',
    doc: 'Name of the primary the sentinels watch (with REDIS_SENTINELS)',
    default: '',
    defaultDoc: '(none)',
    pattern: /^[A-Za-z0-9._-]*$/,
  }),
  redisClusterNodes: field.hostPorts({
    env: 'REDIS_CLUSTER_NODES',
    doc: 'Redis Cluster seed nodes (host:port,...) instead of REDIS_URL (REDIS_URL then gives only the password); not with REDIS_SENTINELS',
    default: [],
    defaultDoc: '(none: REDIS_URL)',
  }),
} as const;

export const logConfig = {
  logLevel: field.oneOf({
    env: 'LOG_LEVEL',
    doc: 'Log level',
    values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    default: 'info',
  }),
} as const;

/** The `--help` text of a service: what it is, how to run it, and every variable it reads. */
export function serviceHelp(opts: { service: string; summary: string; spec: ConfigSpec }): string {
  return `${opts.service}: ${opts.summary}

Configuration comes from the environment only (a bad value stops the service, naming the variable):
${configHelp(opts.spec)}`;
}

/** Prints {@link serviceHelp} and exits when `--help` or `-h` is among `argv`. */
export function exitWithHelpIfAsked(
  opts: { service: string; summary: string; spec: ConfigSpec },
  argv: readonly string[] = process.argv.slice(2),
): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  console.log(serviceHelp(opts));
  process.exit(0);
}
