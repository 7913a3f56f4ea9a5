/**
 * The audit writer as `npm start` runs it (its own entry point as a process) on the real broker:
 * every audit event appended once, in order of consumption, as an unbroken hash chain, through a
 * SIGKILL in the middle of the stream and through a second writer that fences the first. What is
 * not an audit event goes to the dead-letter topic. `npm run audit:verify` agrees.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  type AuditEvent,
  type AuditLogEntry,
  auditEventExample,
  Codecs,
  dlqTopic,
  TOPICS,
  Topic,
  verifyAuditChain,
} from '@fenghuo/contracts';
import { DLQ_HEADERS, ensureTopics, partitionBounds, readPartitionRange, withAdmin } from '@fenghuo/kit';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/setup/free-port.ts';
import { groupCommittedToEnd, testKafka, uniquePrefix, waitFor } from '../../../test/setup/helpers.ts';
import {
  type ServiceProcess,
  sharedServiceEnv,
  startService,
  stopServices,
} from '../../../test/setup/services.ts';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');

const prefix = uniquePrefix('audit-writer');
const kafka = testKafka('audit-writer-test');
const logTopic = `${prefix}${Topic.AuditLog}`;
const eventsTopic = `${prefix}${Topic.AuditEvents}`;
let producer: Producer;
const writers: ServiceProcess[] = [];

async function startWriter(name: string): Promise<ServiceProcess> {
  const port = await freePort();
  const writer = await startService({
    name,
    entry: 'processors/audit-writer/src/index.ts',
    env: {
      ...sharedServiceEnv(prefix),
      KAFKA_CLIENT_ID: `${prefix}${name}`,
      AUDIT_GROUP_ID: `${prefix}audit-writer`,
      AUDIT_TRANSACTIONAL_ID: `${prefix}audit-writer`,
      AUDIT_OPS_PORT: String(port),
      // Small transactions, so a kill lands between and inside them.
      AUDIT_MAX_BATCH_EVENTS: '7',
    },
    readyUrl: `http://127.0.0.1:${port}/readyz`,
    readyTimeoutMs: 120_000,
  });
  writers.push(writer);
  return writer;
}

function event(id: string, service: string): AuditEvent {
  return { ...auditEventExample, eventId: id, service, at: new Date().toISOString() };
}

/** Sends events (and raw records) spread over the topic's three partitions. */
async function send(values: readonly (AuditEvent | string)[]): Promise<void> {
  await producer.send({
    topic: eventsTopic,
    acks: -1,
    messages: values.map((v, i) => ({
      partition: i % 3,
      key: typeof v === 'string' ? 'junk' : v.service,
      value: typeof v === 'string' ? v : Codecs.AuditEvent.encode(v),
    })),
  });
}

async function readLog(): Promise<AuditLogEntry[]> {
  const { low, high } = await partitionBounds(kafka, logTopic);
  const records = await readPartitionRange(kafka, { topic: logTopic, partition: 0, from: low, to: high });
  return records.map((r) => {
    const decoded = Codecs.AuditLogEntry.decode(r.value ?? Buffer.alloc(0));
    if (!decoded.ok) throw new Error(`offset ${r.offset} is not an audit log entry`);
    return decoded.value;
  });
}

/** Waits until the log holds `count` entries (never more: that would be a repeat or a fork). */
async function logOf(count: number, timeoutMs = 120_000): Promise<AuditLogEntry[]> {
  let entries: AuditLogEntry[] = [];
  await waitFor(
    async () => {
      entries = await readLog();
      return entries.length >= count;
    },
    { timeoutMs, intervalMs: 500, message: `audit.log with ${count} entries` },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; it has ${entries.length}`, { cause: err });
  });
  return entries;
}

function expectUnbrokenChain(entries: readonly AuditLogEntry[], ids: readonly string[]) {
  expect(verifyAuditChain(entries, sha)).toMatchObject({ ok: true, entries: ids.length });
  expect(entries.map((e) => e.seq)).toEqual(ids.map((_, i) => i));
  expect(new Set(entries.map((e) => e.event.eventId))).toEqual(new Set(ids));
}

beforeAll(async () => {
  const names = new Set([Topic.AuditEvents, Topic.AuditLog, dlqTopic(Topic.AuditEvents)]);
  await withAdmin(kafka, (admin) =>
    ensureTopics(
      admin,
      TOPICS.filter((t) => names.has(t.name)),
      { prefix },
    ),
  );
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
}, 120_000);

afterAll(async () => {
  await stopServices(writers);
  await producer?.disconnect();
}, 60_000);

describe('the audit writer', () => {
  const ids: string[] = [];

  it('appends every event once through a SIGKILL mid-stream, and dead-letters what is not an audit event', async () => {
    const first = await startWriter('audit-writer-1');
    const services = ['gateway', 'router', 'interceptor', 'rules', 'ingest'];
    let n = 0;
    const batch = (size: number) =>
      Array.from({ length: size }, () => {
        const id = `aud-${n++}`;
        ids.push(id);
        return event(id, services[n % services.length]!);
      });

    await send(batch(60));
    await logOf(20);
    // Killed while it is still appending the first batches (or just after).
    first.child.kill('SIGKILL');
    await waitFor(() => first.child.signalCode === 'SIGKILL', { timeoutMs: 10_000 });

    // Meanwhile sources go on, with repeats of events already appended and a few records that are
    // not audit events at all.
    const repeats = ids.slice(0, 15).map((id) => event(id, 'gateway'));
    await send([
      ...batch(40),
      ...repeats,
      'not json',
      '{"eventId":"half"}',
      JSON.stringify({ ...auditEventExample, at: 'yesterday' }),
    ]);
    await startWriter('audit-writer-2');
    await send(batch(40));

    const entries = await logOf(ids.length);
    expectUnbrokenChain(entries, ids);
    // Nothing more arrives later (a retried transaction would show up here as a repeat): once the
    // writers' group has committed every event sent (in the transactions that appended them), all
    // they will ever append for them is in the log. A fixed 2 s sleep could end before a slow
    // writer's retried transaction.
    await groupCommittedToEnd(kafka, `${prefix}audit-writer`, eventsTopic, { timeoutMs: 120_000 });
    // The offsets can show before the last transaction's marker reaches audit.log (the log's last
    // stable offset): one more event, appended in a later transaction of the same transactional
    // producer, is visible only once every earlier one is complete.
    await send(batch(1));
    const settled = await logOf(ids.length);
    expect(settled.length).toBe(ids.length);
    expect(settled.at(-1)?.event.eventId).toBe(ids.at(-1));

    const { low, high } = await partitionBounds(kafka, dlqTopic(eventsTopic));
    const dead = await readPartitionRange(kafka, {
      topic: dlqTopic(eventsTopic),
      partition: 0,
      from: low,
      to: high,
    });
    expect(dead.map((m) => m.value?.toString())).toEqual(
      expect.arrayContaining(['not json', '{"eventId":"half"}']),
    );
    expect(dead).toHaveLength(3);
    for (const m of dead) expect(m.headers?.[DLQ_HEADERS.group]?.toString()).toBe(`${prefix}audit-writer`);
  }, 300_000);

  it('a second writer fences the first, which stops; the chain goes on unbroken and npm run audit:verify agrees', async () => {
    const running = writers[1]!;
    await startWriter('audit-writer-3');
    // Events on every partition: whichever partitions the fenced writer still holds, it tries to
    // write, is refused, and exits.
    let n = 0;
    const more = () =>
      Array.from({ length: 9 }, () => {
        const id = `aud-late-${n++}`;
        ids.push(id);
        return event(id, 'router');
      });
    await send(more());
    await waitFor(
      async () => {
        if (running.child.exitCode !== null) return true;
        await send(more());
        return false;
      },
      { timeoutMs: 120_000, intervalMs: 3_000, message: 'the fenced writer to exit' },
    );
    expect(running.child.exitCode).toBe(1);
    expect(running.output()).toMatch(/AUDIT_WRITER_FENCED|another audit writer/);

    const entries = await logOf(ids.length);
    expectUnbrokenChain(entries, ids);

    const verify = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'infra/scripts/audit-verify.ts', '--prefix', prefix, '--json'],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, KAFKA_BROKERS: sharedServiceEnv(prefix).KAFKA_BROKERS },
      },
    );
    expect(verify.status, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      ok: true,
      entries: ids.length,
      lastHash: entries.at(-1)!.hash,
    });
  }, 300_000);
});
