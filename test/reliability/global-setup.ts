/**
 * Vitest global setup for `npm run test:reliability`: the local three-broker Kafka cluster and Redis
 * (`upCluster` of infra/scripts/local-infra.ts: started, or reused when already up) handed to tests as
 * `inject('kafkaBrokers')` (all three brokers) and `inject('redisUrl')`, like the integration setup,
 * so the shared test helpers work unchanged. What this run started it stops at teardown, unless
 * FENGHUO_KEEP_INFRA=1; the run's topics are deleted from the cluster either way.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { TestProject } from 'vitest/node';
import {
  CLUSTER_SIZE,
  downCluster,
  downLocal,
  localInfraConfig,
  upCluster,
} from '../../infra/scripts/local-infra.ts';
import { runTopicPrefix } from '../setup/provided-context.ts';

function say(line: string): void {
  console.log(`[reliability-setup] ${line}`);
}

async function deleteRunTopics(brokers: string[], prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'reliability-teardown', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 60_000 });
    say(`deleted this run's ${mine.length} topics (${prefix}*)`);
  } catch (err) {
    say(`could not delete this run's topics (${prefix}*): ${(err as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = localInfraConfig(process.env, { log: (line) => say(line) });
  const began = Date.now();
  const result = await upCluster(config);
  const runTag = randomBytes(3).toString('hex');
  project.provide('runTag', runTag);
  project.provide('kafkaBrokers', result.kafkaBrokers);
  project.provide('redisUrl', result.redisUrl);
  project.provide('infraMode', 'local');
  const startedAll = result.startedNodes.length === CLUSTER_SIZE;
  say(
    `kafka cluster ${result.kafkaBrokers.join(',')}, redis ${result.redisUrl} ` +
      (result.startedNodes.length > 0
        ? `(started nodes ${result.startedNodes.join(', ')} in ${((Date.now() - began) / 1000).toFixed(1)} s)`
        : '(already running; left running)'),
  );
  return async () => {
    await deleteRunTopics(result.kafkaBrokers, runTopicPrefix(runTag));
    if (process.env.FENGHUO_KEEP_INFRA === '1') {
      say('FENGHUO_KEEP_INFRA=1: leaving the cluster running (npm run infra:down -- --brokers 3 stops it)');
      return;
    }
    // A cluster this run found running (even with a node down, which it restarted) stays; one it
    // started from cold goes.
    if (startedAll) await downCluster(config);
    if (result.started.includes('redis')) await downLocal(config, { services: ['redis'] });
  };
}
