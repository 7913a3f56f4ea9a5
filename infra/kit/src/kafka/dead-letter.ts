/**
 * Dead-letter records: the original key and bytes, untouched, with why and where it failed in
 * headers, on `<topic>.dlq`. Operators read them; `readDeadLetterHeaders` decodes them.
 */
import { dlqTopic } from '@fenghuo/contracts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

export const DLQ_HEADERS = {
  code: 'fh-error-code',
  error: 'fh-error',
  issues: 'fh-error-issues',
  topic: 'fh-original-topic',
  partition: 'fh-original-partition',
  offset: 'fh-original-offset',
  group: 'fh-consumer-group',
  failedAt: 'fh-failed-at',
} as const;

export interface DeadLetterReason {
  /** Stable code, e.g. `VALIDATION_FAILED` or a handler error's code. */
  readonly code: string;
  readonly message: string;
  /** Field problems, for validation failures. */
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
}

export interface DeadLetterSource {
  /** Real (prefixed) topic the message came from. */
  readonly topic: string;
  readonly partition: number;
  readonly message: Pick<KafkaMessage, 'key' | 'value' | 'offset' | 'headers'>;
  readonly groupId: string;
}

export function deadLetterRecord(
  source: DeadLetterSource,
  reason: DeadLetterReason,
  now = new Date(),
): Message {
  const headers: IHeaders = {
    ...(source.message.headers ?? {}),
    [DLQ_HEADERS.code]: reason.code,
    [DLQ_HEADERS.error]: reason.message,
    [DLQ_HEADERS.topic]: source.topic,
    [DLQ_HEADERS.partition]: String(source.partition),
    [DLQ_HEADERS.offset]: source.message.offset,
    [DLQ_HEADERS.group]: source.groupId,
    [DLQ_HEADERS.failedAt]: now.toISOString(),
  };
  if (reason.issues) headers[DLQ_HEADERS.issues] = JSON.stringify(reason.issues);
  return { key: source.message.key, value: source.message.value, headers };
}

/** The dead-letter topic for a real (possibly prefixed) topic name. */
export function deadLetterTopicFor(realTopic: string): string {
  return dlqTopic(realTopic);
}

export interface DeadLetterInfo extends DeadLetterReason {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly groupId: string;
  readonly failedAt: string;
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}

/** Decodes the headers of a dead-letter record (undefined when they are not ours). */
export function readDeadLetterHeaders(headers: IHeaders | undefined): DeadLetterInfo | undefined {
  const code = header(headers, DLQ_HEADERS.code);
  const topic = header(headers, DLQ_HEADERS.topic);
  if (code === undefined || topic === undefined) return undefined;
  const issues = header(headers, DLQ_HEADERS.issues);
  return {
    code,
    message: header(headers, DLQ_HEADERS.error) ?? '',
    ...(issues === undefined ? {} : { issues: JSON.parse(issues) as DeadLetterReason['issues'] }),
    topic,
    partition: Number(header(headers, DLQ_HEADERS.partition)),
    offset: header(headers, DLQ_HEADERS.offset) ?? '',
    groupId: header(headers, DLQ_HEADERS.group) ?? '',
    failedAt: header(headers, DLQ_HEADERS.failedAt) ?? '',
  };
}
