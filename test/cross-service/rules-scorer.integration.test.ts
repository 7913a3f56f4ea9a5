/**
 * The rules service with two fraud scorers through the real broker and Redis: a published version
 * reaches both scorers (the time it took is printed); a shadow version is scored beside the live
 * one into alerts.shadow only; a backtest of the live version over the recorded indicators gives
 * what the live scorer raised; a stricter draft's dropped alerts are listed with why; roll back
 * publishes the old content as a new version that both scorers apply.
 */
import {
  type Alert,
  type AuditEvent,
  type Backtest,
  type FraudIndicator,
  type FraudRuleSet,
  TOPICS,
  Topic,
} from '@fenghuo/contracts';
import { builtinRuleSet } from '@fenghuo/engine';
import { app, call, transfer } from '@fenghuo/engine/test-support';
import {
  AuthTokens,
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
import { loadConfig as loadScorerConfig } from '../../processors/fraud-scorer/src/config.ts';
import { type RunningScorer, startScorer } from '../../processors/fraud-scorer/src/service.ts';
import { loadConfig } from '../../processors/rules/src/config.ts';
import { type RunningRules, startRules } from '../../processors/rules/src/service.ts';
import { testKafka, uniquePrefix, waitFor } from '../setup/helpers.ts';

const logger = createLogger({ service: 'rules-test', level: 'warn' });
const SECRET = 'rules-integration-test-key-32-characters-long';
const SET = builtinRuleSet.ruleSetId;

function env(prefix: string): NodeJS.ProcessEnv {
  return {
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: prefix,
    AUTH_JWT_SECRET: SECRET,
    RULES_PORT: '0',
    RULES_GROUP_ID: `${prefix}rules`,
    SCORER_GROUP_ID: `${prefix}fraud-scorer`,
    SCORER_OPS_PORT: '0',
    LOG_LEVEL: 'warn',
  };
}

interface Collected {
  readonly raised: Alert[];
  readonly shadow: Alert[];
  readonly audit: AuditEvent[];
  readonly consumer: Consumer;
}

async function collect(kafka: Kafka, prefix: string): Promise<Collected> {
  const out: Collected = {
    raised: [],
    shadow: [],
    audit: [],
    consumer: kafka.consumer({ groupId: `${prefix}reader` }),
  };
  const topics = {
    [`${prefix}${Topic.AlertsRaised}`]: out.raised,
    [`${prefix}${Topic.AlertsShadow}`]: out.shadow,
    [`${prefix}${Topic.AuditEvents}`]: out.audit,
  } as Record<string, unknown[]>;
  await out.consumer.connect();
  await out.consumer.subscribe({ topics: Object.keys(topics), fromBeginning: true });
  await out.consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (message.value) topics[topic]?.push(JSON.parse(message.value.toString()));
    },
  });
  return out;
}

describe('rules service with two scorers on the real broker', () => {
  const prefix = uniquePrefix('rules');
  const tokens = new AuthTokens({ secret: new TextEncoder().encode(SECRET) });
  let kafka: Kafka;
  let producer: EventProducer;
  let seen: Collected;
  let rules: RunningRules | undefined;
  const scorers: RunningScorer[] = [];
  const redises: RedisClient[] = [];
  let token = '';
  let rangeFrom = 0;
  let publishStartedMs = 0;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${rules?.url}/api/rules${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as any };
  };
  /** A draft of the set from `fromVersion` with other levels, published on `channel`. */
  const publishLevels = async (
    fromVersion: number,
    levels: FraudRuleSet['levels'],
    channel: 'publish' | 'shadow',
  ) => {
    const draft = await api('POST', '/drafts', { ruleSetId: SET, fromVersion });
    expect(draft.status).toBe(201);
    const content = { ...(draft.body.content as FraudRuleSet), levels };
    expect((await api('PUT', `/drafts/${draft.body.draftId}`, { content })).status).toBe(200);
    publishStartedMs = Date.now();
    const published = await api('POST', `/drafts/${draft.body.draftId}/${channel}`, {
      comment: `levels ${JSON.stringify(levels)}`,
    });
    expect(published.status).toBe(201);
    return published.body.ruleSetVersion as number;
  };
  const send = (events: FraudIndicator[]) => producer.send(Topic.FraudIndicators, events);

  beforeAll(async () => {
    kafka = testKafka('rules-test');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, TOPICS, { prefix });
    await admin.disconnect();
    producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
    await producer.connect();
    seen = await collect(kafka, prefix);
    for (let i = 0; i < 2; i++) {
      const config = loadScorerConfig(env(prefix));
      const redis = createRedis(config, logger);
      redises.push(redis);
      scorers.push(await startScorer({ config, logger, kafka: createKafka(config, logger), redis }));
    }
    const config = loadConfig(env(prefix));
    const redis = createRedis(config, logger);
    redises.push(redis);
    rules = await startRules({ config, logger, kafka: createKafka(config, logger), redis });
    token = (await tokens.issue({ username: 'zhao.min', role: 'analyst' })).token;
  });

  afterAll(async () => {
    await rules?.stop();
    await Promise.all(scorers.map((s) => s.stop()));
    await seen?.consumer.disconnect();
    await producer?.close();
    const cleaner = new Redis(inject('redisUrl'));
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    cleaner.disconnect();
    await Promise.all(redises.map((r) => r.quit()));
    // The shared broker once ran out of file handles on test topics: leave none behind.
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: TOPICS.map((t) => `${prefix}${t.name}`) }).catch(() => undefined);
    await admin.disconnect();
  });

  it('publishes a version that both scorers apply, and prints how long it took', async () => {
    const v = await publishLevels(1, { notice: 41, warning: 70, urgent: 100 }, 'publish');
    expect(v).toBe(2);
    await waitFor(() => scorers.every((s) => s.rules.current().ruleSetVersion === 2), {
      timeoutMs: 30_000,
      message: 'both scorers on v2',
    });
    const ms = Date.now() - publishStartedMs;
    console.log(
      `publish -> both scorers on v2: ${ms} ms (the publish request, its writes, both scorers applying it)`,
    );
    expect(scorers.map((s) => s.rules.current().levels.notice)).toEqual([41, 41]);
    // The test's own reader of audit.events is not ordered with the scorers' reading of rules.sets:
    // wait for the audit record rather than expect it to be there already.
    await waitFor(
      () => seen.audit.some((a) => a.action === 'rule_change' && a.details?.change === 'published'),
      { timeoutMs: 10_000, message: 'publish audited' },
    );
  });

  it('scores a shadow version beside the live one into alerts.shadow only', async () => {
    const v = await publishLevels(2, { notice: 15, warning: 70, urgent: 100 }, 'shadow');
    expect(v).toBe(3);
    await waitFor(() => scorers.every((s) => s.shadowRules.current()?.ruleSetVersion === 3), {
      timeoutMs: 30_000,
      message: 'both scorers shadowing v3',
    });
    expect(scorers.every((s) => s.rules.current().ruleSetVersion === 2)).toBe(true);

    rangeFrom = Date.now() - 1_000;
    // One listed call: 15 points, an alert in shadow only. Three: 45, an alert in both. A timeline.
    await send([call('shadow-only', 0)]);
    await send([call('both', 0), call('both', 6), call('both', 12)]);
    await send([call('victim', 0), call('victim', 6), call('victim', 12)]);
    await send([app('victim', 15, { appName: 'AnyDesk' })]);
    await send([transfer('victim', 18, 48_000)]);

    await waitFor(() => seen.shadow.some((a) => a.subjectId === 'shadow-only'), {
      timeoutMs: 30_000,
      message: 'shadow alert for shadow-only',
    });
    // Both sides of both subjects: a scorer writes a batch's shadow alerts after its live ones, so a
    // live alert in the log does not mean its shadow is (the comparison below counts both).
    await waitFor(
      () =>
        seen.raised.some((a) => a.subjectId === 'both') &&
        seen.shadow.some((a) => a.subjectId === 'both') &&
        seen.raised.some((a) => a.subjectId === 'victim' && a.level === 'urgent') &&
        seen.shadow.some((a) => a.subjectId === 'victim' && a.level === 'urgent'),
      { timeoutMs: 30_000, message: 'live and shadow alerts of both and victim' },
    );
    expect(seen.shadow.every((a) => a.ruleSetVersion === 3)).toBe(true);
    expect(seen.raised.every((a) => a.ruleSetVersion === 2)).toBe(true);
    expect(seen.raised.some((a) => a.subjectId === 'shadow-only')).toBe(false);
    const shadowIds = new Set(seen.shadow.map((a) => a.alertId));
    expect(seen.raised.some((a) => shadowIds.has(a.alertId) && a.ruleSetVersion === 3)).toBe(false);

    const compared = await api('GET', `/sets/${SET}/shadow?hours=1`);
    expect(compared.status).toBe(200);
    expect(compared.body).toMatchObject({ liveVersion: 2, shadowVersion: 3, onlyShadow: 1, bothSubjects: 2 });
    expect(compared.body.examples).toContainEqual(
      expect.objectContaining({
        subjectId: 'shadow-only',
        shadow: expect.objectContaining({ level: 'notice' }),
      }),
    );
  });

  it('backtests the live version over the recorded indicators to what the live scorer raised', async () => {
    const liveAlerts = new Map<string, Alert>();
    for (const a of seen.raised) liveAlerts.set(a.alertId, a);
    const started = await api('POST', '/backtests', {
      candidate: { ruleSetId: SET, version: 2 },
      against: 2,
      from: new Date(rangeFrom).toISOString(),
      to: new Date(Date.now() + 1_000).toISOString(),
    });
    expect(started.status).toBe(202);
    const done = (await waitFor(
      async () => {
        const b = await api('GET', `/backtests/${started.body.backtestId}`);
        return b.body.status === 'running' ? undefined : (b.body as Backtest);
      },
      { timeoutMs: 60_000, message: 'backtest done' },
    )) as Backtest;
    expect(done.status).toBe('done');
    const report = done.report;
    expect(report?.events).toBe(9);
    expect(report?.candidate.alerts).toBe(liveAlerts.size);
    // Revisions are not compared: live publishes one per batch and resident (a batch holding the
    // victim's call, app and transfer gives one), the backtest one per indicator. The alerts and
    // their final levels are the same.
    const byLevel = { notice: 0, warning: 0, urgent: 0 };
    for (const a of liveAlerts.values()) byLevel[a.level] += 1;
    expect(report?.candidate.byLevel).toEqual(byLevel);
    expect(report?.addedTotal).toBe(0);
    expect(report?.droppedTotal).toBe(0);

    // A stricter draft (notice at 50): the 45-point alert of "both" is dropped, with why.
    const draft = await api('POST', '/drafts', { ruleSetId: SET, fromVersion: 2 });
    const content = {
      ...(draft.body.content as FraudRuleSet),
      levels: { notice: 50, warning: 70, urgent: 100 },
    };
    expect((await api('PUT', `/drafts/${draft.body.draftId}`, { content })).status).toBe(200);
    const strict = await api('POST', '/backtests', {
      candidate: { draftId: draft.body.draftId },
      from: new Date(rangeFrom).toISOString(),
      to: new Date(Date.now() + 1_000).toISOString(),
    });
    expect(strict.status).toBe(202);
    const strictDone = (await waitFor(
      async () => {
        const b = await api('GET', `/backtests/${strict.body.backtestId}`);
        return b.body.status === 'running' ? undefined : (b.body as Backtest);
      },
      { timeoutMs: 60_000, message: 'strict backtest done' },
    )) as Backtest;
    expect(strictDone.status).toBe('done');
    expect(strictDone.report?.dropped.map((d) => d.subjectId)).toEqual(['both']);
    expect(strictDone.report?.dropped[0]?.why).not.toBe('');
    expect(strictDone.report?.addedTotal).toBe(0);
    const listed = await api('GET', '/backtests');
    expect(listed.body.backtests.map((b: { backtestId: string }) => b.backtestId)).toEqual(
      expect.arrayContaining([started.body.backtestId, strict.body.backtestId]),
    );
  });

  it('rolls back: the old content as a new version, applied by both scorers', async () => {
    const back = await api('POST', `/sets/${SET}/rollback`, { toVersion: 1, comment: 'back to built-in' });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ ruleSetVersion: 4, channel: 'live' });
    await waitFor(() => scorers.every((s) => s.rules.current().ruleSetVersion === 4), {
      timeoutMs: 30_000,
      message: 'both scorers on v4',
    });
    expect(scorers.map((s) => s.rules.current().levels)).toEqual([
      builtinRuleSet.levels,
      builtinRuleSet.levels,
    ]);
    // The shadow keeps running beside it; versions 1-4 are all kept.
    expect(scorers.every((s) => s.shadowRules.current()?.ruleSetVersion === 3)).toBe(true);
    const versions = await api('GET', `/sets/${SET}/versions`);
    expect(versions.body.versions.map((v: { ruleSetVersion: number }) => v.ruleSetVersion).sort()).toEqual([
      1, 2, 3, 4,
    ]);
    await waitFor(() => seen.audit.some((a) => a.details?.change === 'rolled_back'), {
      timeoutMs: 10_000,
      message: 'roll back audited',
    });
  });
});
