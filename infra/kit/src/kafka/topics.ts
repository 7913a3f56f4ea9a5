/**
 * Topic bootstrap: create the catalogue's topics with their partitions, cleanup policy and
 * retention; wait until every partition can really be written and read; let an operator override
 * retention (`TOPIC_RETENTION_DAYS`) and apply it to topics that already exist.
 */
import type { TopicSpec } from '@fenghuo/contracts';
import kafkajs, { type Admin, type ITopicConfig } from 'kafkajs';

import { ConfigError, FenghuoError, isRetriable } from '../errors.ts';

// Named imports of these two fail under Node's ESM loader (kafkajs is CommonJS and Node cannot
// see them among its exports); the default import is the whole module.
const { ConfigResourceTypes, ConfigSource } = kafkajs;

export interface EnsureTopicsOptions {
  /**
   * Prepended to every topic name, so tests get their own topics (`t-fraud-ab12.fraud.indicators`).
   * @defaultValue `''`
   */
  readonly prefix?: string;
  /**
   * Replication factor for created topics; `-1` lets the broker use `default.replication.factor`.
   * @defaultValue `-1`
   */
  readonly replicationFactor?: number;
  /**
   * Also bring existing topics' `retention.ms` and `cleanup.policy` in line with `specs` (e.g. after
   * an operator override or a catalogue change), keeping their other settings. `infra:topics` and
   * `npm start` do; tests need not.
   * @defaultValue `false`
   */
  readonly alignExisting?: boolean;
  /**
   * How long to wait for new topics to be writable, and to retry a broker still starting.
   * @defaultValue `60000`
   */
  readonly timeoutMs?: number;
}

/** An existing topic whose configuration ensureTopics changed to match its spec. */
export interface TopicConfigChange {
  readonly topic: string;
  readonly name: 'retention.ms' | 'cleanup.policy';
  readonly from: string | undefined;
  readonly to: string;
}

export interface EnsureTopicsResult {
  /** Topics (with prefix) this call created. */
  readonly created: string[];
  /** Topics (with prefix) that already existed. */
  readonly existing: string[];
  /** Settings of existing topics changed to match the specs (only with `alignExisting`). */
  readonly changed: TopicConfigChange[];
}

/** The broker-side configuration of a topic from its catalogue entry. */
export function topicConfigEntries(spec: TopicSpec): { name: string; value: string }[] {
  return [
    { name: 'cleanup.policy', value: spec.cleanupPolicy },
    { name: 'retention.ms', value: String(spec.retentionMs) },
  ];
}

function toTopicConfig(spec: TopicSpec, prefix: string, replicationFactor: number): ITopicConfig {
  return {
    topic: `${prefix}${spec.name}`,
    numPartitions: spec.partitions,
    replicationFactor,
    configEntries: topicConfigEntries(spec),
  };
}

/**
 * Creates every topic in `specs` that does not exist yet, with its partition count, cleanup policy and
 * retention, and waits until every partition of every wanted topic has a leader that serves it
 * ({@link waitForTopicsReady}). Idempotent: existing topics are reported in `existing`, not treated
 * as errors, and concurrent callers racing to create the same topic are fine.
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  opts: EnsureTopicsOptions = {},
): Promise<EnsureTopicsResult> {
  const prefix = opts.prefix ?? '';
  const replicationFactor = opts.replicationFactor ?? -1;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const wanted = specs.map((s) => toTopicConfig(s, prefix, replicationFactor));
  assertUniqueNames(wanted);

  const present = new Set(await retryRetriable(() => admin.listTopics(), timeoutMs));
  const existing = wanted.filter((t) => present.has(t.topic)).map((t) => t.topic);
  const missing = wanted.filter((t) => !present.has(t.topic));

  // One CreateTopics request per topic, in parallel: kafkajs answers `false` for a whole request when
  // any of its topics already existed, so only per-topic requests tell "we created it" from "someone
  // created it between our listTopics and now" (two test workers, two engineers running infra:topics).
  // A broker that has just started may answer "does not host this topic-partition" while it elects
  // leaders (kafkajs marks that retriable): ask again. A retry that finds the topic present after our
  // own failed attempt counts as ours.
  const outcomes = await Promise.all(
    missing.map(async (topic) => {
      let attempted = false;
      return retryRetriable(
        async () => {
          // Our failed attempt may have created it (the controller took it before the broker's
          // metadata caught up): then it is ours, and asking again would only be refused (and
          // logged) as a duplicate. Give the metadata a moment to show it first.
          if (attempted && (await listedWithin(admin, topic.topic, 3_000))) return true;
          // Not kafkajs's own wait for leaders: it gives up after a fixed 5 s with a non-retriable
          // KafkaJSTimeout (a test's topics on a pinned, busy core took longer), and
          // waitForTopicsReady below checks more, within `timeoutMs`.
          const didCreate = await admin.createTopics({ topics: [topic], waitForLeaders: false });
          return didCreate || attempted;
        },
        timeoutMs,
        () => {
          attempted = true;
        },
      );
    }),
  );
  const created: string[] = [];
  outcomes.forEach((didCreate, i) => {
    const name = missing[i]!.topic;
    (didCreate ? created : existing).push(name);
  });

  // A retried creation answers "already exists" without waiting for leaders, and a topic another
  // process has just created may not be served yet either: wait for all of them, not only ours.
  await waitForTopicsReady(
    admin,
    wanted.map((t) => t.topic),
    { timeoutMs },
  );
  const changed =
    opts.alignExisting && existing.length > 0
      ? await alignTopicConfigs(
          admin,
          specs.filter((s) => existing.includes(`${prefix}${s.name}`)),
          prefix,
          { timeoutMs },
        )
      : [];
  return { created, existing, changed };
}

export interface WaitForTopicsOptions {
  /** @defaultValue `60000` */
  readonly timeoutMs?: number;
}

/**
 * Waits until every partition of `topics` has a leader in the metadata *and* that leader answers a
 * ListOffsets request for it. The first is what kafkajs's `waitForLeaders` checks; it is not enough:
 * right after creation a broker can list a leader before its replica manager hosts the partition,
 * and a produce or fetch then fails with "This server does not host this topic-partition" (seen on a
 * machine three times slower than ours). ListOffsets is served by the same replica manager as
 * produce and fetch, so once it answers, they do.
 */
export async function waitForTopicsReady(
  admin: Admin,
  topics: readonly string[],
  opts: WaitForTopicsOptions = {},
): Promise<void> {
  if (topics.length === 0) return;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let pending = [...topics];
  let delay = 50;
  let lastProblem = '';
  for (;;) {
    const problems = new Map<string, string>();
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: pending });
      for (const t of metadata) {
        const leaderless = t.partitions.filter((p) => p.leader < 0 || p.partitionErrorCode !== 0);
        if (t.partitions.length === 0 || leaderless.length > 0) {
          problems.set(t.name, `${leaderless.length} of ${t.partitions.length} partitions without a leader`);
        }
      }
      await Promise.all(
        pending
          .filter((t) => !problems.has(t))
          .map((t) =>
            admin.fetchTopicOffsets(t).catch((err: unknown) => {
              problems.set(t, (err as Error).message);
            }),
          ),
      );
    } catch (err) {
      for (const t of pending) problems.set(t, (err as Error).message);
    }
    pending = pending.filter((t) => problems.has(t));
    if (pending.length === 0) return;
    lastProblem = [...problems].map(([t, why]) => `${t}: ${why}`).join('; ');
    if (Date.now() + delay > deadline) {
      throw new TopicsNotReadyError(`topics not ready within ${opts.timeoutMs ?? 60_000} ms: ${lastProblem}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 1_000);
  }
}

/** Topics did not become writable in time. Retriable: the broker may still be starting. */
export class TopicsNotReadyError extends FenghuoError {
  constructor(message: string) {
    super(message, { code: 'TOPICS_NOT_READY', retriable: true });
  }
}

export interface AlignTopicConfigsOptions {
  /**
   * How long to wait for a change to be in effect on the broker before failing with
   * {@link TopicConfigNotAppliedError}.
   * @defaultValue `60000`
   */
  readonly timeoutMs?: number;
}

/**
 * Brings existing topics' `retention.ms` and `cleanup.policy` to their specs. Kafka's AlterConfigs
 * (the only one kafkajs speaks) replaces a topic's whole dynamic configuration, so every other
 * setting an operator gave the topic is read first and sent back unchanged.
 *
 * Returns once the broker describes every changed topic with its new settings. A KRaft controller
 * answers AlterConfigs when it has recorded the change, and the broker applies it from the metadata
 * log a moment later (seconds on a loaded machine): until then DescribeConfigs still shows the old
 * values, so without this wait `infra:topics` would report a change that a look at the topic right
 * after does not show, and a second run would make it again.
 */
export async function alignTopicConfigs(
  admin: Admin,
  specs: readonly TopicSpec[],
  prefix = '',
  opts: AlignTopicConfigsOptions = {},
): Promise<TopicConfigChange[]> {
  if (specs.length === 0) return [];
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: `${prefix}${s.name}` })),
  });
  const changes: TopicConfigChange[] = [];
  const alterations = [];
  for (const spec of specs) {
    const topic = `${prefix}${spec.name}`;
    const entries = resources.find((r) => r.resourceName === topic)?.configEntries ?? [];
    const current = (name: string) => entries.find((e) => e.configName === name)?.configValue;
    const mine = changes.length;
    for (const want of topicConfigEntries(spec)) {
      const from = current(want.name);
      if (from !== want.value) {
        changes.push({ topic, name: want.name as TopicConfigChange['name'], from, to: want.value });
      }
    }
    if (changes.length === mine) continue;
    const kept = entries
      .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && !e.readOnly)
      .filter((e) => e.configName !== 'retention.ms' && e.configName !== 'cleanup.policy')
      .map((e) => ({ name: e.configName, value: e.configValue }));
    alterations.push({
      type: ConfigResourceTypes.TOPIC,
      name: topic,
      configEntries: [...kept, ...topicConfigEntries(spec)],
    });
  }
  if (alterations.length === 0) return changes;
  await admin.alterConfigs({ validateOnly: false, resources: alterations });
  await waitForTopicConfigs(admin, alterations, opts.timeoutMs ?? 60_000);
  return changes;
}

/** Polls DescribeConfigs until every topic shows every wanted setting. */
async function waitForTopicConfigs(
  admin: Admin,
  wanted: readonly { name: string; configEntries: readonly { name: string; value: string }[] }[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  for (;;) {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: wanted.map((w) => ({ type: ConfigResourceTypes.TOPIC, name: w.name })),
    });
    const stale = wanted.filter((w) => {
      const entries = resources.find((r) => r.resourceName === w.name)?.configEntries ?? [];
      return w.configEntries.some(
        (want) => entries.find((e) => e.configName === want.name)?.configValue !== want.value,
      );
    });
    if (stale.length === 0) return;
    if (Date.now() + delay > deadline) {
      throw new TopicConfigNotAppliedError(
        `the broker still shows old settings of ${stale.map((w) => w.name).join(', ')} ${timeoutMs} ms after it accepted the change`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 1_000);
  }
}

/** The broker accepted a topic's new settings but did not apply them in time. Retriable. */
export class TopicConfigNotAppliedError extends FenghuoError {
  constructor(message: string) {
    super(message, { code: 'TOPIC_CONFIG_NOT_APPLIED', retriable: true });
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `retention.ms` as people read it: `30 d`, `12 h`, `forever`. */
export function formatRetentionMs(ms: string | undefined): string {
  if (ms === undefined) return '(default)';
  const n = Number(ms);
  if (n < 0) return 'forever';
  const days = n / DAY_MS;
  return days >= 1 ? `${Number(days.toFixed(2))} d` : `${Number((n / 3_600_000).toFixed(2))} h`;
}

/** One line for a changed setting: `fraud.indicators retention.ms: 7 d → 30 d`. */
export function describeTopicChange(c: TopicConfigChange): string {
  const show = c.name === 'retention.ms' ? formatRetentionMs : (v: string | undefined) => v ?? '(default)';
  return `${c.topic} ${c.name}: ${show(c.from)} → ${show(c.to)}`;
}

/** The variable operators set to override retention per topic: `fraud.indicators=60,units.positions=3`. */
export const RETENTION_VARIABLE = 'TOPIC_RETENTION_DAYS';

/**
 * Parses `TOPIC_RETENTION_DAYS` (`topic=days,…`; days may be fractional, or `forever`) against the
 * catalogue. A bad entry throws a {@link ConfigError} naming the variable and the entry.
 */
export function parseRetentionOverrides(
  raw: string | undefined,
  specs: readonly TopicSpec[],
  variable = RETENTION_VARIABLE,
): Map<string, number> {
  const out = new Map<string, number>();
  if (raw === undefined || raw.trim() === '') return out;
  const problems: { variable: string; reason: string }[] = [];
  for (const item of raw.split(',')) {
    const entry = item.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq).trim();
    const value = eq < 0 ? '' : entry.slice(eq + 1).trim();
    const spec = specs.find((s) => s.name === name);
    if (eq < 0 || value === '') {
      problems.push({ variable, reason: `"${entry}" must be TOPIC=DAYS, e.g. fraud.indicators=60` });
    } else if (spec === undefined) {
      problems.push({ variable, reason: `"${name}" is not a topic of the catalogue (docs/events.md)` });
    } else if (spec.cleanupPolicy === 'compact') {
      problems.push({
        variable,
        reason: `${name} is compacted: it keeps the newest record per key, not days`,
      });
    } else if (value === 'forever') {
      out.set(name, -1);
    } else {
      const days = Number(value);
      if (!Number.isFinite(days) || days <= 0) {
        problems.push({
          variable,
          reason: `${name}: days must be a positive number or "forever", got "${value}"`,
        });
      } else {
        out.set(name, Math.round(days * DAY_MS));
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

/** The catalogue with retention overrides applied. */
export function withRetention(
  specs: readonly TopicSpec[],
  overrides: ReadonlyMap<string, number>,
): TopicSpec[] {
  return specs.map((s) => {
    const ms = overrides.get(s.name);
    return ms === undefined ? s : { ...s, retentionMs: ms };
  });
}

/** The catalogue as an operator configured it: `TOPIC_RETENTION_DAYS` from `env` applied. */
export function topicsFromEnv(
  specs: readonly TopicSpec[],
  env: NodeJS.ProcessEnv = process.env,
): TopicSpec[] {
  return withRetention(specs, parseRetentionOverrides(env[RETENTION_VARIABLE], specs));
}

/** Whether `topic` shows up in the broker's topic list within `ms`. */
async function listedWithin(admin: Admin, topic: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if ((await admin.listTopics()).includes(topic)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function retryRetriable<T>(fn: () => Promise<T>, timeoutMs: number, onRetry?: () => void): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriable(err) || Date.now() + delay > deadline) throw err;
      onRetry?.();
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 2_000);
    }
  }
}

function assertUniqueNames(topics: readonly ITopicConfig[]): void {
  const seen = new Set<string>();
  for (const { topic } of topics) {
    if (seen.has(topic)) throw new Error(`ensureTopics: topic ${topic} is listed twice`);
    seen.add(topic);
  }
}
