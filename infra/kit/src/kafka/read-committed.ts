/**
 * A correction of kafkajs's read_committed filtering. kafkajs 2.2.4 (`consumer/filterAbortedMessages.js`)
 * hands its consumers records of ABORTED transactions in two cases, both found by Fenghuo's tests:
 *
 * 1. It walks the fetch response's list of aborted transactions in the order the broker sent it
 *    and takes the next one only once a record's offset reaches that entry's first offset. The
 *    broker lists them in the order their abort markers were written (its transaction index), not
 *    by first offset (Kafka's own consumer sorts them, with a priority queue). When two producers'
 *    aborted transactions overlap on a partition and the one that began first ended last, the list
 *    is out of order and the first one's records before the second one's start are handed over.
 *    Ingest runs one transactional producer per instance: two ingests whose sends failed at the
 *    same busy moment leave exactly that, and the retry writes the events again, so a reader sees
 *    them twice (`infra/kit/test/read-committed.integration.test.ts`).
 * 2. It takes at most one entry per record: where a fetch starts inside several producers'
 *    aborted transactions, the records of all but one are handed over until one more record per
 *    entry has passed.
 *
 * The correction wraps the decoder of each fetch response version that carries aborted
 * transactions (kafkajs looks the decoder up on the module object at every request, so wrapping
 * works whenever kafkajs was loaded). Per partition it applies Kafka's own rule: entries sorted by
 * first offset, every entry whose first offset a record has reached marks its producer as aborting,
 * that producer's transactional records are aborted until its abort marker. Those records are
 * marked as control records, which kafkajs's `Batch` keeps for its offsets (the consumer moves past
 * them, as it does past markers) but never hands to `eachMessage`/`eachBatch`; the list is then
 * emptied so kafkajs's own filter changes nothing. read_uncommitted fetches carry no list and are
 * left alone.
 *
 * Applied when this module is loaded (by `createKafka`'s module, so by anything that imports the
 * kit) and by {@link correctKafkajsReadCommitted}, which code that builds a `Kafka` itself calls.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** An aborted transaction as kafkajs decodes it from a fetch response. */
export interface FetchedAbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

/** A record (or control record) as kafkajs decodes it from a fetch response. */
export interface FetchedRecord {
  readonly offset: string;
  readonly key?: Buffer | null;
  isControlRecord?: boolean;
  readonly batchContext?: { readonly producerId?: unknown; readonly inTransaction?: boolean };
}

/** One partition of a decoded fetch response. */
export interface FetchedPartition {
  abortedTransactions?: FetchedAbortedTransaction[];
  readonly messages?: readonly FetchedRecord[];
}

/** A control record's key is (version int16, type int16); type 0 is ABORT. */
function isAbortMarker(record: FetchedRecord): boolean {
  const key = record.key;
  return key != null && key.length >= 4 && key.readInt16BE(2) === 0;
}

/**
 * Marks the records of `partition` that belong to aborted transactions as control records (see
 * the file comment) and empties its list of aborted transactions. Returns how many it marked.
 */
export function markAbortedRecords(partition: FetchedPartition): number {
  const listed = partition.abortedTransactions;
  if (!listed || listed.length === 0) return 0;
  const pending = [...listed].sort((a, b) => {
    const d = BigInt(a.firstOffset) - BigInt(b.firstOffset);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
  const aborting = new Set<string>();
  let marked = 0;
  for (const record of partition.messages ?? []) {
    const offset = BigInt(record.offset);
    while (pending.length > 0 && BigInt(pending[0]!.firstOffset) <= offset)
      aborting.add(String(pending.shift()!.producerId));
    const producerId = String(record.batchContext?.producerId);
    if (record.isControlRecord) {
      if (isAbortMarker(record)) aborting.delete(producerId);
    } else if (record.batchContext?.inTransaction === true && aborting.has(producerId)) {
      record.isControlRecord = true;
      marked += 1;
    }
  }
  partition.abortedTransactions = [];
  return marked;
}

/** Applies {@link markAbortedRecords} to every partition of a decoded fetch response. */
export function correctFetchResponse(data: unknown): void {
  const responses = (data as { responses?: readonly { partitions?: readonly FetchedPartition[] }[] })
    ?.responses;
  for (const topic of responses ?? [])
    for (const partition of topic.partitions ?? []) markAbortedRecords(partition);
}

const CORRECTED = Symbol.for('fenghuo.kafkajs.read-committed');

interface ResponseModule {
  decode: (raw: Buffer) => Promise<unknown>;
  [CORRECTED]?: true;
}

/**
 * Wraps the decoder of every kafkajs fetch response version (v4 on carry aborted transactions) so
 * that read_committed consumers never see an aborted record. Idempotent; returns how many decoders
 * it wrapped this time. Throws when kafkajs's layout is not what it expects, rather than leaving
 * consumers uncorrected without a word.
 */
export function correctKafkajsReadCommitted(): number {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('kafkajs/package.json'));
  let wrapped = 0;
  let found = 0;
  for (let version = 4; version <= 11; version++) {
    const file = join(root, 'src', 'protocol', 'requests', 'fetch', `v${version}`, 'response.js');
    if (!existsSync(file)) continue;
    found += 1;
    const mod = require(file) as ResponseModule;
    if (mod[CORRECTED] === true) continue;
    if (typeof mod.decode !== 'function') throw new Error(`kafkajs fetch response v${version} has no decode`);
    const decode = mod.decode;
    mod.decode = async (raw: Buffer) => {
      const data = await decode(raw);
      correctFetchResponse(data);
      return data;
    };
    mod[CORRECTED] = true;
    wrapped += 1;
  }
  if (found === 0) throw new Error(`kafkajs at ${root} has no fetch responses where expected`);
  return wrapped;
}

correctKafkajsReadCommitted();
