import type { TopicSpec } from '@fenghuo/contracts';
import type { Admin, ITopicConfig } from 'kafkajs';
import { isRetriable } from '../errors.ts';

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
}

export interface EnsureTopicsResult {
  /** Topics (with prefix) this call created. */
  readonly created: string[];
  /** Topics (with prefix) that already existed; their configuration is left untouched. */
  readonly existing: string[];
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
 * retention, and waits until the new partitions have leaders. Idempotent: existing topics are reported
 * in `existing`, not treated as errors, and concurrent callers racing to create the same topic are fine.
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  opts: EnsureTopicsOptions = {},
): Promise<EnsureTopicsResult> {
  const prefix = opts.prefix ?? '';
  const replicationFactor = opts.replicationFactor ?? -1;
  const wanted = specs.map((s) => toTopicConfig(s, prefix, replicationFactor));
  assertUniqueNames(wanted);

  const present = new Set(await admin.listTopics());
  const existing = wanted.filter((t) => present.has(t.topic)).map((t) => t.topic);
  const missing = wanted.filter((t) => !present.has(t.topic));
  if (missing.length === 0) return { created: [], existing };

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
          const didCreate = await admin.createTopics({ topics: [topic], waitForLeaders: true });
          return didCreate || attempted;
        },
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
  return { created, existing };
}

const RETRY_FOR_MS = 30_000;

async function retryRetriable<T>(fn: () => Promise<T>, onRetry: () => void): Promise<T> {
  const deadline = Date.now() + RETRY_FOR_MS;
  let delay = 100;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriable(err) || Date.now() + delay > deadline) throw err;
      onRetry();
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
