/**
 * `npm run audit:verify` on the real broker: it reads `audit.log` from its first record to its end
 * and says OK with the entry count; once a forked entry is appended, it names it by its offset and
 * exits 1. The topic is this file's own (a unique prefix), created from the catalogue.
 */
import { spawnSync } from 'node:child_process';
import {
  AUDIT_GENESIS_HASH,
  type AuditEvent,
  type AuditLogEntry,
  auditEventExample,
  auditHashInput,
  Topic,
  topicSpec,
} from '@fenghuo/contracts';
import { ensureTopics, withAdmin } from '@fenghuo/kit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sha256Hex } from '../../infra/scripts/audit-check.ts';
import { testKafka, uniquePrefix } from '../setup/helpers.ts';

const kafka = testKafka('audit-verify-integration-test');
const prefix = uniquePrefix('audit-verify');
const topic = `${prefix}${Topic.AuditLog}`;

function chain(n: number): AuditLogEntry[] {
  let prevHash = AUDIT_GENESIS_HASH;
  return Array.from({ length: n }, (_, seq) => {
    const event: AuditEvent = { ...auditEventExample, eventId: `aud-${seq}` };
    const hash = sha256Hex(auditHashInput(seq, prevHash, event));
    const entry: AuditLogEntry = { version: 1, seq, prevHash, hash, appendedAt: event.at, event };
    prevHash = hash;
    return entry;
  });
}

async function append(entries: readonly AuditLogEntry[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: entries.map((e) => ({ key: String(e.seq), value: JSON.stringify(e) })),
    });
  } finally {
    await producer.disconnect();
  }
}

const verify = (...args: string[]) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', 'infra/scripts/audit-verify.ts', '--prefix', prefix, '--json', ...args],
    { encoding: 'utf8', env: { ...process.env, KAFKA_BROKERS: inject('kafkaBrokers').join(',') } },
  );

beforeAll(async () => {
  await withAdmin(kafka, (admin) => ensureTopics(admin, [topicSpec(Topic.AuditLog)!], { prefix }));
});
afterAll(async () => {
  await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [topic] }));
});

describe('npm run audit:verify on the broker', () => {
  it('says OK for the chain as written, then names a forked entry by offset and exits 1', async () => {
    const log = chain(5);
    await append(log);
    const ok = verify();
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ source: topic, ok: true, entries: 5, lastHash: log[4]!.hash });

    // A second writer appends its own entry 3 on top of the real entry 2.
    const event = { ...log[3]!.event, eventId: 'aud-forged' };
    const forged = { ...log[3]!, event, hash: sha256Hex(auditHashInput(3, log[2]!.hash, event)) };
    await append([forged]);
    const broken = verify();
    expect(broken.status).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({
      ok: false,
      kind: 'forked',
      at: 'offset 5',
      seq: 3,
      verified: 5,
    });
  });
});
