/**
 * The first cross-service tests: ingest and the fraud scorer run as real processes (their own
 * entry points, configured only through the environment) on private topics, groups and Redis keys.
 * What a source posts with an `X-Request-Id` reaches the next service with that id as its
 * `correlation-id` header: a victim's indicators become an alert on `alerts.raised`, an incident
 * lands on `incidents.reported`.
 *
 * Later issues add their flows here; `test/setup/services.ts` starts and stops the processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Alert,
  examples,
  type FraudIndicator,
  type IncidentReport,
  TOPICS,
  Topic,
} from '@fenghuo/contracts';
import { CORRELATION_HEADER, ensureTopics, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import type { Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KeyStore } from '../../ingest/src/key-store.ts';
import { freePort } from '../setup/free-port.ts';
import { testKafka, uniquePrefix, waitFor } from '../setup/helpers.ts';
import { type ServiceProcess, sharedServiceEnv, startService, stopServices } from '../setup/services.ts';

interface Received<E> {
  readonly event: E;
  readonly correlationId: string | undefined;
}

/** Every record of a prefixed topic, from the start, with its correlation id. */
async function readTopic<E>(kafka: Kafka, topic: string, groupId: string) {
  const received: Received<E>[] = [];
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value === null) return;
      received.push({
        event: JSON.parse(message.value.toString('utf8')) as E,
        correlationId: message.headers?.[CORRELATION_HEADER]?.toString(),
      });
    },
  });
  return { received, consumer };
}

describe('from an HTTP request to the next service, one correlation id', () => {
  const prefix = uniquePrefix('cross-service');
  const dir = mkdtempSync(join(tmpdir(), 'fh-cross-'));
  let kafka: Kafka;
  let ingestUrl: string;
  let bankKey: string;
  let cc110Key: string;
  let services: ServiceProcess[] = [];
  const readers: Consumer[] = [];
  let alerts: Received<Alert>[];
  let incidents: Received<IncidentReport>[];

  beforeAll(async () => {
    kafka = testKafka('cross-service-test');
    await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));
    const keysFile = join(dir, 'keys.json');
    const keys = new KeyStore(keysFile);
    bankKey = keys.addKey('bank-e2e', { kinds: ['fraud-indicators'] }).key;
    cc110Key = keys.addKey('cc-110-e2e', { kinds: ['incidents'] }).key;

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
          INGEST_KEYS_FILE: keysFile,
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

    const alertReader = await readTopic<Alert>(
      kafka,
      `${prefix}${Topic.AlertsRaised}`,
      `${prefix}alerts-reader`,
    );
    const incidentReader = await readTopic<IncidentReport>(
      kafka,
      `${prefix}${Topic.IncidentsReported}`,
      `${prefix}incidents-reader`,
    );
    readers.push(alertReader.consumer, incidentReader.consumer);
    alerts = alertReader.received;
    incidents = incidentReader.received;
  }, 180_000);

  afterAll(async () => {
    // Passed or failed: no process and no consumer outlives the test.
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

  const post = (path: string, key: string, requestId: string, body: unknown) =>
    fetch(`${ingestUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'x-request-id': requestId,
      },
      body: JSON.stringify(body),
    });

  it("turns a victim's indicators posted to ingest into an alert that carries the request id", async () => {
    const subjectId = `${prefix}victim-1`;
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    // Three calls from a listed number within 12 minutes: the built-in pack raises a notice.
    const calls: FraudIndicator[] = [10, 6, 2].map((m, i) => ({
      ...examples[Topic.FraudIndicators],
      eventId: `${prefix}call-${i}`,
      subjectId,
      occurredAt: minutesAgo(m),
    }));
    const res = await post('/v1/fraud-indicators', bankKey, 'req-e2e-fraud-1', calls);
    expect(res.status).toBe(202);
    expect(res.headers.get('x-request-id')).toBe('req-e2e-fraud-1');

    const alert = await waitFor(() => alerts.find((a) => a.event.subjectId === subjectId), {
      timeoutMs: 60_000,
      message: `an alert for ${subjectId} on alerts.raised`,
    });
    expect(alert.event.fraudType).toBe('impersonation_authority');
    expect(alert.correlationId).toBe('req-e2e-fraud-1');
  });

  it('puts a posted incident on incidents.reported with its id and the request id', async () => {
    const incident: IncidentReport = {
      ...examples[Topic.IncidentsReported],
      eventId: `${prefix}110-1`,
      incidentId: `${prefix}inc-1`,
      occurredAt: new Date().toISOString(),
    };
    const res = await post('/v1/incidents', cc110Key, 'req-e2e-incident-1', incident);
    expect(res.status).toBe(202);
    const record = await waitFor(() => incidents.find((r) => r.event.incidentId === incident.incidentId), {
      timeoutMs: 30_000,
      message: `incident ${incident.incidentId} on incidents.reported`,
    });
    expect(record.event).toMatchObject({ eventId: incident.eventId, source: 'cc-110-e2e' });
    expect(record.correlationId).toBe('req-e2e-incident-1');
  });
});
