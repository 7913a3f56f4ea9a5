/**
 * Where a backtest's indicators and labels come from: `fraud.indicators` read back from Kafka for a
 * time range, or an uploaded NDJSON file of indicators; outcome labels from `outcomes.labelled`
 * (every label written since the range began: a label comes after its alert).
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Codecs, type FieldError, type FraudIndicator, type OutcomeLabel, Topic } from '@fenghuo/contracts';
import { type Logger, prefixedTopic } from '@fenghuo/kit';
import type { Kafka } from 'kafkajs';
import { invalid } from '../rules-error.ts';
import { type PackedRecords, type RangeRecord, readRange } from './kafka-range.ts';
import type { RecordedIndicator } from './runner.ts';

/** What a source feeds: the size of the run once known, then batches in recording order. */
export interface IndicatorSink {
  onPlan(total: number): void;
  onBatch(batch: readonly RecordedIndicator[]): Promise<void>;
  /**
   * Raw records of `fraud.indicators`, undecoded (a pool decodes them in its workers). When given, a
   * Kafka source hands its records here instead of decoding them for `onBatch`.
   */
  onRecords?(records: readonly RangeRecord[]): Promise<void>;
  /** As `onRecords`, one partition's records packed as fetched (preferred by a Kafka source). */
  onPacked?(batch: PackedRecords): Promise<void>;
  isCancelled(): boolean;
}

export type IndicatorSource = (sink: IndicatorSink) => Promise<void>;

export interface KafkaSourceOptions {
  readonly kafka: Kafka;
  readonly topicPrefix: string;
  readonly logger?: Logger;
}

/** Records that do not decode as indicators (they went to the dead-letter topic live) are skipped. */
export function kafkaIndicators(opts: KafkaSourceOptions, fromMs: number, toMs: number): IndicatorSource {
  return async (sink) => {
    await readRange({
      kafka: opts.kafka,
      topic: prefixedTopic(opts.topicPrefix, Topic.FraudIndicators),
      fromMs,
      toMs,
      groupPrefix: 'rules-backtest',
      ...(opts.logger === undefined ? {} : { logger: opts.logger }),
      onPlan: (n) => sink.onPlan(n),
      isCancelled: () => sink.isCancelled(),
      ...(sink.onPacked === undefined
        ? {}
        : { onPacked: (batch: PackedRecords) => sink.onPacked?.(batch) ?? Promise.resolve() }),
      onBatch: async (records) => {
        if (sink.onRecords !== undefined) {
          await sink.onRecords(records);
          return;
        }
        const batch: RecordedIndicator[] = [];
        for (const r of records) {
          if (r.value === null) continue;
          const d = Codecs.FraudIndicator.decode(r.value);
          if (d.ok) batch.push({ event: d.value, position: { stream: String(r.partition), seq: r.offset } });
        }
        await sink.onBatch(batch);
      },
    });
  };
}

/** Every outcome label written at or after `fromMs` (broker time). */
export async function kafkaLabels(opts: KafkaSourceOptions, fromMs: number): Promise<OutcomeLabel[]> {
  const labels: OutcomeLabel[] = [];
  await readRange({
    kafka: opts.kafka,
    topic: prefixedTopic(opts.topicPrefix, Topic.OutcomesLabelled),
    fromMs,
    toMs: Date.now() + 1,
    groupPrefix: 'rules-labels',
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
    onBatch: async (records) => {
      for (const r of records) {
        if (r.value === null) continue;
        const d = Codecs.OutcomeLabel.decode(r.value);
        if (d.ok) labels.push(d.value);
      }
    },
  });
  return labels;
}

const MAX_LINE_PROBLEMS = 20;
const UPLOAD_BATCH = 2_000;

/**
 * An uploaded NDJSON file, one `FraudIndicator` per line (blank lines ignored), checked whole before
 * the run: a 400 names each bad line (`line 12: amount`) and nothing runs.
 */
export function parseNdjson(body: Buffer): { events: FraudIndicator[]; firstMs: number } {
  const events: FraudIndicator[] = [];
  const problems: FieldError[] = [];
  let firstMs = Number.POSITIVE_INFINITY;
  let start = 0;
  let line = 0;
  while (start < body.length) {
    let end = body.indexOf(10, start);
    if (end < 0) end = body.length;
    line++;
    const text = body.subarray(start, end).toString('utf8').trim();
    start = end + 1;
    if (text === '') continue;
    const d = Codecs.FraudIndicator.decode(text);
    if (!d.ok) {
      for (const e of d.errors.slice(0, 3)) {
        if (problems.length < MAX_LINE_PROBLEMS)
          problems.push({ index: line, path: e.path, reason: e.message });
      }
      continue;
    }
    events.push(d.value);
    const t = Date.parse(d.value.occurredAt);
    if (t < firstMs) firstMs = t;
  }
  if (problems.length > 0) {
    throw invalid(
      `the file has lines that are not fraud indicators (index = line number, from 1; first ${problems.length} shown)`,
      problems,
    );
  }
  if (events.length === 0) throw invalid('the file holds no indicator', [{ path: '', reason: 'empty' }]);
  return { events, firstMs };
}

/** The parsed upload as a source: in file order, positions are line order. */
export function uploadedIndicators(events: readonly FraudIndicator[]): IndicatorSource {
  return async (sink) => {
    sink.onPlan(events.length);
    for (let i = 0; i < events.length; i += UPLOAD_BATCH) {
      if (sink.isCancelled()) return;
      const batch = events
        .slice(i, i + UPLOAD_BATCH)
        .map((event, j) => ({ event, position: { stream: 'upload', seq: i + j } }));
      await sink.onBatch(batch);
      await yieldToLoop(); // let the HTTP server answer between slices
    }
  };
}
