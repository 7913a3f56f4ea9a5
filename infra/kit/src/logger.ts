/**
 * One pino root logger per process. Phone numbers, account numbers, secrets and free texts are
 * redacted wherever they appear in logged objects (up to three levels deep); per-message child
 * loggers add service, topic, partition, offset, key and correlation id.
 */
import { type Logger, type LoggerOptions, pino } from 'pino';
import { maskAccount, maskNumber } from './mask.ts';

export type { Logger } from 'pino';

/** Fields that hold personal data or secrets, masked wherever they appear. */
export const SENSITIVE_FIELDS = [
  'callerNumber',
  'calleeNumber',
  'senderNumber',
  'phone',
  'phoneNumber',
  'payeeAccount',
  'account',
  'accountNumber',
  'idNumber',
  'password',
  'secret',
  'apiKey',
  'token',
  'authorization',
] as const;

/** Free-text fields dropped from logs entirely (they may quote anything). */
const FREE_TEXT_FIELDS = ['text', 'description'] as const;

function paths(fields: readonly string[]): string[] {
  return fields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]);
}

function censor(value: unknown, path: string[]): unknown {
  const last = path[path.length - 1] ?? '';
  if ((FREE_TEXT_FIELDS as readonly string[]).includes(last)) return '[redacted]';
  if (typeof value !== 'string') return '[redacted]';
  if (/account/i.test(last)) return maskAccount(value);
  if (/number|phone/i.test(last)) return maskNumber(value);
  return '[redacted]';
}

export interface CreateLoggerOptions {
  /** Service name on every line. */
  readonly service: string;
  /** @defaultValue `info` */
  readonly level?: string;
  /** Destination stream; defaults to stdout. Tests pass a buffer. */
  readonly destination?: pino.DestinationStream;
}

export function createLogger(opts: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        ...paths([...SENSITIVE_FIELDS, ...FREE_TEXT_FIELDS]),
        'req.headers.authorization',
        'req.headers["x-signature"]',
      ],
      censor,
    },
    formatters: { level: (label) => ({ level: label }) },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
