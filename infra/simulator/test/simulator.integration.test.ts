/**
 * The simulator against the real thing: ingest (with its demo keys) and the fraud scorer run as
 * processes on private topics, groups and Redis keys; `npm run simulate` plays an hour of a small
 * city at 3600× through ingest's HTTP API. Every indicator it planned reaches `fraud.indicators`,
 * and the scorer raises alerts about residents the ground truth names as victims.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Alert, type FraudIndicator, TOPICS, Topic } from '@fenghuo/contracts';
import { ensureTopics, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import type { Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../test/setup/free-port.ts';
import { testKafka, uniquePrefix, waitFor } from '../../../test/setup/helpers.ts';
import {
  type ServiceProcess,
  sharedServiceEnv,
  startService,
  stopServices,
} from '../../../test/setup/services.ts';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

async function collect<E>(
  kafka: Kafka,
  topic: string,
  groupId: string,
): Promise<{ received: E[]; consumer: Consumer }> {
  const received: E[] = [];
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value !== null) received.push(JSON.parse(message.value.toString('utf8')) as E);
    },
  });
  return { received, consumer };
}

function runSimulator(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/simulator/src/index.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run simulate through ingest to the scorer', () => {
  const prefix = uniquePrefix('simulator');
  const dir = mkdtempSync(join(tmpdir(), 'fh-sim-'));
  let kafka: Kafka;
  let ingestUrl: string;
  let services: ServiceProcess[] = [];
  const readers: Consumer[] = [];

  beforeAll(async () => {
    kafka = testKafka('simulator-test');
    await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));
    const [ingestPort, scorerPort] = [await freePort(), await freePort()];
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    const shared = sharedServiceEnv(prefix);
    const started = await Promise.allSettled([
      startService({
        name: 'ingest',
        entry: 'ingest/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}ingest`,
          INGEST_PORT: String(ingestPort),
          INGEST_KEYS_FILE: join(dir, 'keys.json'),
          INGEST_DEMO: '1',
        },
        readyUrl: `${ingestUrl}/readyz`,
      }),
      startService({
        name: 'fraud-scorer',
        entry: 'processors/fraud-scorer/src/index.ts',
        env: {
          ...shared,
          KAFKA_CLIENT_ID: `${prefix}fraud-scorer`,
          SCORER_GROUP_ID: `${prefix}fraud-scorer`,
          SCORER_OPS_PORT: String(scorerPort),
        },
        readyUrl: `http://127.0.0.1:${scorerPort}/readyz`,
      }),
    ]);
    services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  }, 180_000);

  afterAll(async () => {
    await stopServices(services);
    await Promise.allSettled(readers.map((r) => r.disconnect()));
    const redis = new Redis(inject('redisUrl'));
    try {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('delivers every planned indicator and incident, and victims of the ground truth get alerts', async () => {
    const truthFile = join(dir, 'truth.ndjson');
    const run = await runSimulator([
      '--ingest-url',
      ingestUrl,
      '--keys-file',
      join(dir, 'demo-keys.json'),
      '--seed',
      '11',
      '--speed',
      '3600',
      '--duration-min',
      '60',
      '--residents',
      '300',
      '--victim-share',
      '0.05',
      '--incidents-per-day',
      '480',
      '--truth-file',
      truthFile,
      '--units',
      '0',
      '--fleeing-per-day',
      '0',
    ]);
    expect(run.code, run.output).toBe(0);

    const lines = readFileSync(truthFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const header = lines[0] as { type: string; indicators: number; incidents: number; victims: number };
    expect(header.type).toBe('run');
    expect(header.victims).toBeGreaterThan(0);
    expect(header.incidents).toBeGreaterThan(0);
    const victims = new Set(lines.filter((l) => l.type === 'victim').map((l) => l.subjectId as string));

    const indicators = await collect<FraudIndicator>(
      kafka,
      `${prefix}${Topic.FraudIndicators}`,
      `${prefix}ind-reader`,
    );
    const incidents = await collect<unknown>(
      kafka,
      `${prefix}${Topic.IncidentsReported}`,
      `${prefix}inc-reader`,
    );
    const alerts = await collect<Alert>(kafka, `${prefix}${Topic.AlertsRaised}`, `${prefix}alert-reader`);
    readers.push(indicators.consumer, incidents.consumer, alerts.consumer);

    await waitFor(() => indicators.received.length >= header.indicators || undefined, {
      timeoutMs: 60_000,
      message: `${header.indicators} indicators on ${Topic.FraudIndicators}`,
    });
    expect(indicators.received.length).toBe(header.indicators);
    expect(new Set(indicators.received.map((i) => i.eventId)).size).toBe(header.indicators);
    await waitFor(() => incidents.received.length >= header.incidents || undefined, {
      timeoutMs: 60_000,
      message: `${header.incidents} incidents on ${Topic.IncidentsReported}`,
    });

    const alerted = await waitFor(
      () => {
        const subjects = new Set(alerts.received.map((a) => a.subjectId).filter((s) => victims.has(s)));
        return subjects.size > 0 ? subjects : undefined;
      },
      { timeoutMs: 90_000, message: 'an alert about a simulated victim' },
    );
    expect(alerted.size).toBeGreaterThan(0);
  });
});
