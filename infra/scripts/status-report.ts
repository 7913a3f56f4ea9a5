/**
 * The pure parts of `npm run status`: consumer lag from committed offsets and high watermarks,
 * events/s from two snapshots, and the one-screen text. status.ts gathers the figures (HTTP and
 * the Kafka admin client) and prints what this module renders.
 */

/** A partition's committed offset of one group (`-1`: nothing committed yet). */
export interface CommittedOffset {
  readonly partition: number;
  readonly offset: string;
}

/** A partition's low and high watermarks (`high` is the offset the next record gets). */
export interface PartitionWatermarks {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/** Lag of one group on one topic. */
export interface TopicLag {
  readonly group: string;
  readonly topic: string;
  /** Records not yet consumed by the group, summed over partitions. */
  readonly lag: number;
  /** Partitions the group has committed on. */
  readonly committedPartitions: number;
  readonly partitions: number;
  /** Sum of the committed offsets (to compute events/s out between two snapshots). */
  readonly consumed: number;
}

/**
 * Lag per partition is `high - committed` (a committed offset below the low watermark counts from
 * the low watermark: retention deleted the rest). A partition with nothing committed yet adds no
 * lag (where the group will start depends on its setting) and shows in `committedPartitions`.
 */
export function topicLag(
  group: string,
  topic: string,
  committed: readonly CommittedOffset[],
  watermarks: readonly PartitionWatermarks[],
): TopicLag {
  const byPartition = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  let lag = 0;
  let consumed = 0;
  let committedPartitions = 0;
  for (const w of watermarks) {
    const high = Number(w.high);
    const low = Number(w.low);
    const offset = byPartition.get(w.partition);
    if (offset !== undefined && offset >= 0) {
      committedPartitions++;
      consumed += offset;
      lag += Math.max(0, high - Math.max(offset, low));
    }
  }
  return { group, topic, lag, committedPartitions, partitions: watermarks.length, consumed };
}

/** Total records ever written to a topic (sum of high watermarks), for events/s in. */
export function topicEnd(watermarks: readonly PartitionWatermarks[]): number {
  return watermarks.reduce((n, w) => n + Number(w.high), 0);
}

/** A per-second rate between two counters `seconds` apart; undefined without both. */
export function ratePerSec(
  before: number | undefined,
  after: number | undefined,
  seconds: number,
): number | undefined {
  if (before === undefined || after === undefined || seconds <= 0) return undefined;
  return Math.max(0, after - before) / seconds;
}

export interface ServiceHealth {
  readonly name: string;
  readonly url: string;
  /** `ready`, `not ready (kafka failing)`, `down` (no answer). */
  readonly state: 'ready' | 'not_ready' | 'down';
  /** Failing readiness checks when not ready. */
  readonly failing: readonly string[];
  readonly uptimeSec?: number;
  /** The last ERROR line `npm start` saw from it, with its time. */
  readonly lastError?: { readonly at: string; readonly line: string };
}

export interface LagRow extends TopicLag {
  /** Events/s written to the topic during the sample. */
  readonly inPerSec?: number;
  /** Events/s the group committed during the sample. */
  readonly outPerSec?: number;
}

export interface StatusReport {
  readonly at: string;
  readonly brokers: readonly string[];
  readonly services: readonly ServiceHealth[];
  /** Undefined when Kafka did not answer; `kafkaError` says why. */
  readonly lags?: readonly LagRow[];
  readonly kafkaError?: string;
  readonly sampleSec: number;
  /** Groups left out (inactive, or filtered), for the footer. */
  readonly hiddenGroups: number;
}

function formatUptime(sec: number | undefined): string {
  if (sec === undefined) return '';
  if (sec < 120) return `up ${sec} s`;
  if (sec < 7_200) return `up ${Math.round(sec / 60)} min`;
  return `up ${(sec / 3600).toFixed(1)} h`;
}

function formatRate(rate: number | undefined): string {
  if (rate === undefined) return '-';
  return rate >= 100 ? rate.toFixed(0) : rate.toFixed(1);
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** The report as one screen of text (no colours, fits 100 columns). */
export function formatStatus(report: StatusReport): string {
  const lines: string[] = [`Fenghuo status at ${report.at}`, '', 'Services'];
  const nameWidth = Math.max(12, ...report.services.map((s) => s.name.length));
  for (const s of report.services) {
    const state =
      s.state === 'ready'
        ? 'ready'
        : s.state === 'not_ready'
          ? `NOT READY${s.failing.length > 0 ? ` (${s.failing.join(', ')} failing)` : ''}`
          : 'DOWN (no answer)';
    lines.push(
      `  ${s.name.padEnd(nameWidth)} ${state.padEnd(22)} ${formatUptime(s.uptimeSec).padEnd(11)} ${s.url}`,
    );
    if (s.lastError)
      lines.push(`  ${''.padEnd(nameWidth)} last error ${s.lastError.at}: ${truncate(s.lastError.line, 70)}`);
  }
  lines.push('');
  if (report.lags === undefined) {
    lines.push(
      `Kafka (${report.brokers.join(',')}) is not answering: ${report.kafkaError ?? 'no answer'}`,
      '  `npm run infra:status` shows the local broker; `npm start` or `npm run infra:up` brings it up.',
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push(`Consumer lag (events/s over ${report.sampleSec} s)`);
  if (report.lags.length === 0) {
    lines.push('  no active consumer group');
  } else {
    const g = Math.max(5, ...report.lags.map((l) => l.group.length));
    const t = Math.max(5, ...report.lags.map((l) => l.topic.length));
    lines.push(
      `  ${'group'.padEnd(g)}  ${'topic'.padEnd(t)}  ${'lag'.padStart(9)}  ${'in/s'.padStart(8)}  ${'out/s'.padStart(8)}`,
    );
    for (const l of report.lags) {
      const partial =
        l.committedPartitions === 0
          ? ' (nothing committed yet)'
          : l.committedPartitions < l.partitions
            ? ` (${l.committedPartitions}/${l.partitions} partitions committed)`
            : '';
      lines.push(
        `  ${l.group.padEnd(g)}  ${l.topic.padEnd(t)}  ${String(l.lag).padStart(9)}  ${formatRate(l.inPerSec).padStart(8)}  ${formatRate(l.outPerSec).padStart(8)}${partial}`,
      );
    }
  }
  if (report.hiddenGroups > 0)
    lines.push(`  (${report.hiddenGroups} group(s) without members not shown; --all shows them)`);
  return `${lines.join('\n')}\n`;
}
