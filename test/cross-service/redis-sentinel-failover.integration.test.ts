/**
 * Ingest and the fraud scorer on Redis behind Sentinel (a private primary, replica and three
 * sentinels; the shared Redis untouched): while a source streams requests, the primary is killed
 * with SIGKILL. The sentinels promote the replica, both services reconnect to it on their own, and
 * every acknowledged victim still gets its alert. What asynchronous replication can lose is
 * measured and printed, not assumed away:
 *
 * - the failover: kill → the sentinels name the replica; kill → ingest's first 202 again (ingest
 *   answers 503 with Retry-After meanwhile, the scorer's batches wait and are retried);
 * - dedupe claims: every request acknowledged before the kill is sent again after the failover;
 *   an event ingest accepts a second time had its claim lost with the primary (a duplicate on
 *   `fraud.indicators`, which the scorer's state recognises unless that state was lost too);
 * - scorer state: acknowledged victims whose state key is missing on the new primary;
 * - alerts: victims with more than one alert id.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Alert, type CallIndicator, TOPICS, Topic } from '@fenghuo/contracts';
import { closeRedis, createKafka, createLogger, createRedis, ensureTopics, withAdmin } from '@fenghuo/kit';
import { Redis } from 'ioredis';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SentinelConfig } from '../../infra/scripts/redis-topologies.ts';
import { sentinelPrimaryPort, stopPid } from '../../infra/scripts/redis-topologies.ts';
import { type Harness, startHarness } from '../../ingest/test/harness.ts';
import { loadConfig as loadScorerConfig } from '../../processors/fraud-scorer/src/config.ts';
import { type RunningScorer, startScorer } from '../../processors/fraud-scorer/src/service.ts';
import { groupCommittedToEnd, readAll, testKafka, waitFor } from '../setup/helpers.ts';
import { type PrivateRedis, startPrivateSentinel } from '../setup/redis-topology.ts';

const logger = createLogger({ service: 'sentinel-failover-test', level: 'warn' });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Request i: victim i's three listed calls 4 minutes apart (one alert from the built-in pack). */
function request(prefix: string, startedAt: number, i: number): CallIndicator[] {
  const first = startedAt - 30 * 60_000 + i * 1_000;
  return [0, 1, 2].map((k) => ({
    version: 1,
    eventId: `${prefix}r${i}-c${k}`,
    occurredAt: new Date(first + k * 4 * 60_000).toISOString(),
    subjectId: `${prefix}v${i}`,
    kind: 'call',
    callerNumber: `170${String(i).padStart(8, '0')}`,
    direction: 'inbound',
    durationSec: 300,
    callerListed: true,
  }));
}

interface Sent {
  readonly i: number;
  /** When the attempt that was acknowledged was sent. */
  readonly sentAt: number;
  readonly ackedAt: number;
}

describe('Redis Sentinel failover under ingest and the scorer', () => {
  let sentinel: PrivateRedis<SentinelConfig> | undefined;
  let h: Harness | undefined;
  let scorer: RunningScorer | undefined;
  let scorerRedis: ReturnType<typeof createRedis> | undefined;
  let reader: Consumer | undefined;
  const alerts: Alert[] = [];

  beforeAll(async () => {
    sentinel = await startPrivateSentinel('sentinel-failover', { downAfterMs: 1_000 });
    h = await startHarness({
      name: 'sentinel-failover',
      brokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
      env: { ...sentinel.env, INGEST_SOURCE_RATE: '100000', INGEST_SOURCE_BURST: '100000' },
    });
    const prefix = h.prefix;
    const kafka = testKafka('sentinel-failover-test');
    await withAdmin(kafka, (admin) => ensureTopics(admin, TOPICS, { prefix }));
    const config = loadScorerConfig({
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_CLIENT_ID: `${prefix}fraud-scorer`,
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: prefix,
      SCORER_GROUP_ID: `${prefix}fraud-scorer`,
      SCORER_OPS_PORT: '0',
      LOG_LEVEL: 'error',
      ...sentinel.env,
    });
    scorerRedis = createRedis(config, logger);
    scorer = await startScorer({ config, logger, kafka: createKafka(config, logger), redis: scorerRedis });
    reader = kafka.consumer({ groupId: `${prefix}alerts-reader`, maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({ topic: `${prefix}${Topic.AlertsRaised}`, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        if (message.value) alerts.push(JSON.parse(message.value.toString()) as Alert);
      },
    });
  });

  afterAll(async () => {
    await reader?.disconnect().catch(() => undefined);
    await scorer?.stop();
    if (scorerRedis) await closeRedis(scorerRedis);
    await h?.close().catch(() => undefined);
    await sentinel?.stop();
  });

  it('promotes the replica; ingest and the scorer carry on; the loss window is measured', async () => {
    const harness = h as Harness;
    const s = sentinel as PrivateRedis<SentinelConfig>;
    const prefix = harness.prefix;
    const key = harness.service.keys.addKey('bank-sentinel', { kinds: ['fraud-indicators'] }).key;
    const startedAt = Date.now();
    const acked: Sent[] = [];
    const refusals: Record<string, number> = {};
    let next = 0;
    let streaming = true;
    let lastRefusalAt = 0;

    /** One source: request after request, each retried after 503 until acknowledged. */
    const source = async () => {
      while (streaming) {
        const i = next++;
        for (;;) {
          let status = 'error';
          const sentAt = Date.now();
          try {
            const res = await harness.post('/v1/fraud-indicators', request(prefix, startedAt, i), { key });
            status = String(res.status);
            if (res.status === 503) status += ` ${(res.json as { error?: { code?: string } }).error?.code}`;
            if (res.status === 202) {
              acked.push({ i, sentAt, ackedAt: Date.now() });
              break;
            }
            if (res.status !== 503)
              throw new Error(`request ${i} refused for good: ${res.status} ${res.text}`);
          } catch (err) {
            if (err instanceof Error && err.message.includes('for good')) throw err;
          }
          refusals[status] = (refusals[status] ?? 0) + 1;
          lastRefusalAt = Date.now();
          await sleep(100);
        }
        await sleep(20);
      }
    };
    const sources = [source(), source()];

    await waitFor(() => acked.length >= 40, { timeoutMs: 60_000, message: '40 requests acknowledged' });
    const oldPort = sentinelPrimaryPort(s.config);
    expect(oldPort).toBe(s.config.portBase);
    const pid = Number(readFileSync(join(s.config.dir, 'primary', 'redis.pid'), 'utf8').trim());
    // Replication lag at the kill: bytes the primary had written that the replica had not yet.
    const offset = (port: number, field: string) => {
      const info = spawnSync('redis-cli', ['-p', String(port), 'INFO', 'replication'], { encoding: 'utf8' });
      return Number(new RegExp(`${field}:(\\d+)`).exec(info.stdout ?? '')?.[1] ?? 'NaN');
    };
    const lagBytes =
      offset(s.config.portBase, 'master_repl_offset') - offset(s.config.portBase + 1, 'slave_repl_offset');
    const ackedBeforeKill = acked.length;
    const killedAt = Date.now();
    await stopPid(pid, 'SIGKILL');
    const promotedAt = await waitFor(
      () => (sentinelPrimaryPort(s.config) === s.config.portBase + 1 ? Date.now() : undefined),
      // Seconds on a quiet machine (printed below); an election the sentinels must hold again
      // (split votes when they are starved of CPU) waits out the 10 s failover time-out.
      { timeoutMs: 90_000, intervalMs: 50, message: 'the replica promoted' },
    );
    // Back: the first acknowledgement of a request sent after the kill.
    const backAt = await waitFor(() => acked.find((a) => a.sentAt > killedAt)?.ackedAt, {
      timeoutMs: 60_000,
      intervalMs: 50,
      message: () =>
        `ingest acknowledging again (refusals so far: ${JSON.stringify(refusals)}, last ${Date.now() - lastRefusalAt} ms ago)`,
    });
    const ackedAtBack = acked.length;
    await waitFor(() => acked.length >= ackedAtBack + 20, {
      timeoutMs: 60_000,
      message: '20 more after failover',
    });
    streaming = false;
    await Promise.all(sources);

    // Every acknowledged victim gets its alert (at least once, across the failover).
    const victims = acked.map((a) => `${prefix}v${a.i}`);
    await waitFor(() => victims.every((v) => alerts.some((al) => al.subjectId === v)), {
      timeoutMs: 90_000,
      message: 'an alert for every acknowledged victim',
    });

    // Dedupe claims lost: the requests acknowledged before the kill, sent again.
    const beforeKill = acked.filter((a) => a.ackedAt < killedAt);
    let reaccepted = 0;
    for (const a of beforeKill) {
      const res = await harness.postRetrying('/v1/fraud-indicators', request(prefix, startedAt, a.i), {
        key,
      });
      expect(res.status).toBe(202);
      reaccepted += (res.json as { accepted: number }).accepted;
    }
    // Scorer states missing on the new primary, of victims alerted before the kill.
    const primary = new Redis({ host: s.config.host, port: s.config.portBase + 1, keyPrefix: prefix });
    let statesMissing = 0;
    try {
      for (const a of beforeKill) {
        if ((await primary.exists(`fs:s:${prefix}v${a.i}`)) === 0) statesMissing++;
      }
    } finally {
      primary.disconnect();
    }
    // What the re-sent requests may still raise is in the log once the scorer has committed every
    // indicator: count alert ids over the whole topic, not what the live reader has after a sleep.
    await groupCommittedToEnd(harness.admin, `${prefix}fraud-scorer`, `${prefix}${Topic.FraudIndicators}`, {
      timeoutMs: 90_000,
    });
    const allAlerts = (await readAll(harness.admin, `${prefix}${Topic.AlertsRaised}`)).map(
      (m) => JSON.parse(m.value ?? 'null') as Alert,
    );
    const idsPerVictim = new Map<string, Set<string>>();
    for (const al of allAlerts) {
      const ids = idsPerVictim.get(al.subjectId) ?? new Set();
      ids.add(al.alertId);
      idsPerVictim.set(al.subjectId, ids);
    }
    const doubleAlerts = [...idsPerVictim.values()].filter((ids) => ids.size > 1).length;
    const lastAckBeforeKill = Math.max(...beforeKill.map((a) => a.ackedAt));

    console.log(
      [
        'redis sentinel failover (SIGKILL of the primary, down-after 1 s):',
        `  requests acknowledged: ${acked.length} (${ackedBeforeKill} before the kill); refusals meanwhile ${JSON.stringify(refusals)}`,
        `  replication lag read just before the kill: ${lagBytes} bytes`,
        `  kill → replica promoted: ${promotedAt - killedAt} ms; kill → first 202 of a request sent after it: ${backAt - killedAt} ms; last 503 ${lastRefusalAt > 0 ? `${lastRefusalAt - killedAt} ms after the kill` : 'none'}`,
        `  last acknowledgement before the kill: ${killedAt - lastAckBeforeKill} ms before it`,
        `  dedupe claims lost (events of ${beforeKill.length * 3} accepted again): ${reaccepted}`,
        `  scorer states missing on the new primary: ${statesMissing} of ${beforeKill.length}`,
        `  victims with more than one alert id: ${doubleAlerts} of ${idsPerVictim.size}`,
      ].join('\n'),
    );
    // What must hold whatever the replication lag: the failover happened and nothing acknowledged
    // lost its alert (checked above). The losses are reported; they are bounded by the writes of
    // the last moments before the kill, never a whole history.
    expect(promotedAt - killedAt).toBeLessThan(30_000);
    expect(reaccepted).toBeLessThanOrEqual(beforeKill.length * 3);
  });
});
