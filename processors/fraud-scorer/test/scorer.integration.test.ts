/**
 * The scorer through the real broker and Redis: a scripted victim timeline yields exactly one alert
 * that upgrades as evidence arrives; a scorer killed with SIGKILL mid-stream and restarted loses no
 * alert and creates no second alert for any subject.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Alert, type FraudIndicator, TOPICS, Topic } from '@fenghuo/contracts';
import { app, call, transfer } from '@fenghuo/engine/test-support';
import {
  correlationHeaders,
  correlationIdOf,
  createKafka,
  createLogger,
  createRedis,
  EventProducer,
  ensureTopics,
  type RedisClient,
} from '@fenghuo/kit';
import { Redis } from 'ioredis';
import type { Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  groupCommittedToEnd,
  readAll,
  testKafka,
  uniquePrefix,
  waitFor,
} from '../../../test/setup/helpers.ts';
import { loadConfig } from '../src/config.ts';
import { type RunningScorer, startScorer } from '../src/service.ts';

const logger = createLogger({ service: 'fraud-scorer-test', level: 'warn' });

async function setupTopics(kafka: Kafka, prefix: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, TOPICS, { prefix });
  } finally {
    await admin.disconnect();
  }
}

interface AlertReader {
  readonly alerts: Alert[];
  /** `correlationIds[i]`: the `correlation-id` header of `alerts[i]`'s record. */
  readonly correlationIds: (string | undefined)[];
  readonly consumer: Consumer;
}

/** Collects every alert on the prefixed alerts topic, with its correlation id. */
async function collectAlerts(kafka: Kafka, prefix: string): Promise<AlertReader> {
  const alerts: Alert[] = [];
  const correlationIds: (string | undefined)[] = [];
  const consumer = kafka.consumer({ groupId: `${prefix}alerts-reader` });
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}${Topic.AlertsRaised}`, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      alerts.push(JSON.parse(message.value.toString()) as Alert);
      correlationIds.push(correlationIdOf(message.headers));
    },
  });
  return { alerts, correlationIds, consumer };
}

function env(prefix: string): NodeJS.ProcessEnv {
  return {
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: prefix,
    SCORER_GROUP_ID: `${prefix}fraud-scorer`,
    SCORER_OPS_PORT: '0',
    LOG_LEVEL: 'warn',
  };
}

async function cleanRedis(prefix: string) {
  const redis = new Redis(inject('redisUrl'));
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

describe('fraud scorer on the real broker and Redis', () => {
  const prefix = uniquePrefix('fraud-scorer');
  let kafka: Kafka;
  let producer: EventProducer;
  let scorer: RunningScorer | undefined;
  let scorerRedis: RedisClient | undefined;
  let reader: AlertReader;

  beforeAll(async () => {
    kafka = testKafka('fraud-scorer-test');
    await setupTopics(kafka, prefix);
    producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
    await producer.connect();
    reader = await collectAlerts(kafka, prefix);
    // The scorer gets its Kafka and Redis clients from the caller, as from index.ts.
    const config = loadConfig(env(prefix));
    const redis = createRedis(config, logger);
    scorerRedis = redis;
    scorer = await startScorer({ config, logger, kafka: createKafka(config, logger), redis });
  });

  afterAll(async () => {
    await scorer?.stop();
    await scorerRedis?.quit();
    await reader?.consumer.disconnect();
    await producer?.close();
    await cleanRedis(prefix);
  });

  it('turns a victim timeline into one alert that upgrades as evidence arrives', async () => {
    // Each send is one ingest request: its id travels as the correlation-id header.
    const send = (events: FraudIndicator[], requestId: string) =>
      producer.send(Topic.FraudIndicators, events, correlationHeaders(requestId));
    const mine = () => reader.alerts.filter((a) => a.subjectId === 'victim-1');

    await send([call('victim-1', 0), call('victim-1', 6), call('victim-1', 12)], 'req-calls');
    await waitFor(() => mine().length >= 1, { timeoutMs: 30_000, message: 'first alert' });
    await send([app('victim-1', 15, { appName: 'AnyDesk' })], 'req-app');
    await waitFor(() => mine().length >= 2, { timeoutMs: 20_000, message: 'upgrade after app install' });
    await send([transfer('victim-1', 18, 48_000)], 'req-transfer');
    await waitFor(() => mine().some((a) => a.level === 'urgent'), {
      timeoutMs: 20_000,
      message: 'urgent upgrade',
    });

    const alerts = mine();
    expect(new Set(alerts.map((a) => a.alertId)).size).toBe(1);
    expect(alerts.map((a) => a.revision)).toEqual(alerts.map((_, i) => i + 1));
    expect(alerts[0]?.level).toBe('notice'); // 3 listed calls: 15 + 30
    const last = alerts.at(-1) as Alert;
    expect(last.level).toBe('urgent');
    expect(last.fraudType).toBe('impersonation_authority');
    expect(last.reason.en).toContain('3 calls from listed number 170****1234 within 12 min');
    expect(last.reason.en).toContain('transfer of 48,000 CNY to a new payee ****3445');
    expect(last.rulesFired.map((r) => r.ruleId)).toContain('call-app-transfer-30m');
    expect(JSON.stringify(alerts)).not.toContain('17012341234');
    // Every revision carries the correlation id of the request whose indicator caused it.
    const correlation = reader.alerts
      .map((a, i) => [a, reader.correlationIds[i]] as const)
      .filter(([a]) => a.subjectId === 'victim-1')
      .map(([a, id]) => [a.revision, id]);
    expect(correlation).toEqual([
      [1, 'req-calls'],
      [2, 'req-app'],
      [alerts.length, 'req-transfer'],
    ]);
  });

  it('stops idempotently and leaves the Redis client it was given open', async () => {
    const running = scorer as RunningScorer;
    await Promise.all([running.stop(), running.stop()]);
    await running.stop();
    expect(await scorerRedis?.ping()).toBe('PONG');
  });
});

describe('fraud scorer killed mid-stream', () => {
  const prefix = uniquePrefix('fraud-scorer-kill');
  const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  let kafka: Kafka;
  let producer: EventProducer;
  let reader: AlertReader;
  let child: ChildProcess | undefined;

  const startChild = () => {
    const p = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: { ...process.env, ...env(prefix) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child = p;
    return p;
  };

  beforeAll(async () => {
    kafka = testKafka('fraud-scorer-kill-test');
    await setupTopics(kafka, prefix);
    producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
    await producer.connect();
    reader = await collectAlerts(kafka, prefix);
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await reader?.consumer.disconnect();
    await producer?.close();
    await cleanRedis(prefix);
  });

  it('loses no alert and creates no second alert after SIGKILL and restart', async () => {
    const subjects = 400;
    const events: FraudIndicator[] = [];
    // Three listed calls per subject: exactly one alert (revision 1) each, its id from the first call's time.
    for (let m = 0; m < 3; m++) {
      for (let s = 0; s < subjects; s++)
        events.push(call(`k-${s}`, m * 2, { callerNumber: `1700000${String(s).padStart(4, '0')}` }));
    }
    const first = startChild();
    // Stream in slices; the kill lands once 300 subjects are complete and 100 are still to come.
    for (let i = 0; i < events.length; i += 100) {
      await producer.send(Topic.FraudIndicators, events.slice(i, i + 100));
      if (i === 1000) {
        await waitFor(() => reader.alerts.length > 0, {
          timeoutMs: 45_000,
          message: 'some alerts before the kill',
        });
        first.kill('SIGKILL');
        await new Promise((resolve) => first.once('exit', resolve));
      }
    }
    const seenBeforeRestart = reader.alerts.length;
    startChild();
    await waitFor(() => new Set(reader.alerts.map((a) => a.subjectId)).size >= subjects, {
      timeoutMs: 90_000,
      message: `alerts for all ${subjects} subjects`,
    });
    // Redeliveries settled: the restarted scorer has committed every indicator, so every alert it
    // will ever write for them is in the log; read the whole topic rather than what the live reader
    // has got so far (a fixed sleep here missed late repeats on a slow machine).
    await groupCommittedToEnd(kafka, `${prefix}fraud-scorer`, `${prefix}${Topic.FraudIndicators}`, {
      timeoutMs: 90_000,
    });
    const all = (await readAll(kafka, `${prefix}${Topic.AlertsRaised}`)).map(
      (m) => JSON.parse(m.value ?? 'null') as Alert,
    );
    const bySubject = new Map<string, Set<string>>();
    for (const a of all) {
      const ids = bySubject.get(a.subjectId) ?? new Set<string>();
      ids.add(`${a.alertId}#${a.revision}`);
      bySubject.set(a.subjectId, ids);
    }
    expect(bySubject.size).toBe(subjects);
    for (const [subject, ids] of bySubject)
      expect([...ids], subject).toEqual([`al-${subject}-${Date.parse('2026-11-27T08:00:00.000Z') / 1000}#1`]);
    expect(seenBeforeRestart).toBeLessThan(all.length);
  });
});
