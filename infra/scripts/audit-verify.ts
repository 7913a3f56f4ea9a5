/**
 * `npm run audit:verify`: reads `audit.log` from its first record to its last (or a file of
 * exported entries) and verifies the hash chain; prints OK with the entry count, or the first
 * changed, deleted or forked entry with its offset and exits 1. Reads committed records only,
 * without joining a consumer group's offsets (a throwaway group that never commits), so it moves nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Topic } from '@fenghuo/contracts';
import { readPartitionRange, withAdmin } from '@fenghuo/kit';
import { Kafka, logLevel } from 'kafkajs';
import { type AuditRecord, checkAuditLog, formatAuditCheck, recordsOfFile } from './audit-check.ts';

const USAGE = `Usage: npm run audit:verify -- [--file PATH | --prefix P] [--export PATH] [--json]

Verifies the hash chain of the audit log: every entry's hash matches its content and links to the
entry before it, seq runs 0, 1, 2… without a gap or a repeat. Prints OK and the number of entries,
or the first changed, deleted or forked entry with its offset (line, for a file).

  --file PATH     check a file of exported entries (one JSON entry per line, or a JSON array)
                  instead of the topic
  --prefix P      topic prefix (KAFKA_TOPIC_PREFIX), default none: reads P + "${Topic.AuditLog}"
  --export PATH   also write the records read from the topic to PATH, one per line
  --json          print the verdict as one JSON object
Exit status: 0 unbroken, 1 broken, 2 usage error or the log could not be read.
Environment: KAFKA_BROKERS (default 127.0.0.1:9092)
A chain cannot show entries cut off its end: compare the printed last hash with one kept elsewhere.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      prefix: { type: 'string', default: '' },
      export: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.file !== undefined && values.export !== undefined) {
    console.error('--export reads the topic; it does not go with --file');
    return 2;
  }
  let records: AuditRecord[];
  let source: string;
  if (values.file !== undefined) {
    source = values.file;
    records = recordsOfFile(readFileSync(values.file, 'utf8'));
  } else {
    source = `${values.prefix}${Topic.AuditLog}`;
    const read = await readTopic(source);
    if (typeof read === 'string') {
      console.error(read);
      return 2;
    }
    records = read;
    if (values.export !== undefined)
      writeFileSync(values.export, records.map((r) => `${r.value}\n`).join(''), { mode: 0o600 });
  }
  const check = checkAuditLog(records);
  console.log(values.json ? JSON.stringify({ source, ...check }) : formatAuditCheck(check, source));
  return check.ok ? 0 : 1;
}

/** Every committed record of the topic up to its end at the start of the check, or why it cannot be read. */
async function readTopic(topic: string): Promise<AuditRecord[] | string> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = new Kafka({
    clientId: 'fenghuo-audit-verify',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
  });
  const offsets = await withAdmin(kafka, async (admin) =>
    (await admin.listTopics()).includes(topic) ? admin.fetchTopicOffsets(topic) : undefined,
  );
  if (offsets === undefined) return `${topic} does not exist (run npm run infra:topics)`;
  if (offsets.length !== 1)
    return `${topic} has ${offsets.length} partitions; the audit log is one partition, one chain`;
  const { low, high } = offsets[0]!;
  // Records before `low` are gone (deleted, or retention on a topic meant to be kept forever); the
  // chain check reports the entries missing at the start. The writer appends in transactions, so
  // the log holds commit markers too: the range reader reads past them.
  const messages = await readPartitionRange(
    kafka,
    { topic, partition: 0, from: BigInt(low), to: BigInt(high) },
    { groupPrefix: 'fenghuo-audit-verify' },
  );
  return messages.map((m) => ({ at: `offset ${m.offset}`, value: m.value?.toString('utf8') ?? '' }));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`audit:verify: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
