/**
 * Checks the records of `audit.log`, in the order they were stored, against the hash chain
 * (`verifyAuditChain` of the contracts), and names the first record that breaks it and how:
 * - `changed`: an entry's content does not match its hash, or the record is not an entry at all;
 * - `deleted`: `seq` jumps (entries missing), or the log does not start at `seq` 0;
 * - `forked`: a `seq` that was already stored appears again (a second writer, or a writer that
 *   re-appended after a restart without reading the log's tail);
 * - `unlinked`: `seq` follows on but `prevHash` is not the previous entry's hash (the entry was
 *   changed along with its hash, or entries were deleted and the rest renumbered).
 * A chain cannot show entries cut off its end; compare the last hash with one kept elsewhere.
 */
import { createHash } from 'node:crypto';
import { type AuditLogEntry, Codecs, verifyAuditChain } from '@fenghuo/contracts';

/** One stored record: where it is (a Kafka offset, a file line) and its raw value. */
export interface AuditRecord {
  readonly at: string;
  readonly value: string;
}

export type AuditBreak = 'changed' | 'deleted' | 'forked' | 'unlinked';

export type AuditLogCheck =
  | { readonly ok: true; readonly entries: number; readonly lastHash: string | undefined }
  | {
      readonly ok: false;
      readonly kind: AuditBreak;
      /** Where the first bad record is. */
      readonly at: string;
      readonly seq: number | undefined;
      readonly reason: string;
      /** Entries before it that verified. */
      readonly verified: number;
    };

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function checkAuditLog(records: readonly AuditRecord[]): AuditLogCheck {
  const entries: AuditLogEntry[] = [];
  let undecodable: { at: string; reason: string } | undefined;
  for (const r of records) {
    const decoded = Codecs.AuditLogEntry.decode(r.value);
    if (!decoded.ok) {
      const first = decoded.errors[0];
      undecodable = {
        at: r.at,
        reason: `not an audit log entry: ${first ? `${first.path || '(entry)'} ${first.message}` : 'invalid'}`,
      };
      break;
    }
    entries.push(decoded.value);
  }

  const first = entries[0];
  if (first !== undefined && first.seq !== 0) {
    return fail(
      'deleted',
      0,
      first.seq,
      `the log starts at seq ${first.seq}: entries 0–${first.seq - 1} are missing`,
    );
  }
  const chain = verifyAuditChain(entries, sha256Hex);
  if (chain.ok) {
    if (undecodable)
      return { ok: false, kind: 'changed', ...undecodable, seq: undefined, verified: entries.length };
    return { ok: true, entries: entries.length, lastHash: entries.length > 0 ? chain.lastHash : undefined };
  }
  // Which entry broke it: within the run whose seq equals its index, the chain's own answer (seq
  // is the index there); past that run, the first entry out of sequence.
  let inSequence = 0;
  while (inSequence < entries.length && entries[inSequence]!.seq === inSequence) inSequence++;
  const run = verifyAuditChain(entries.slice(0, inSequence), sha256Hex);
  if (!run.ok) {
    if (run.reason === 'hash does not match the entry')
      return fail('changed', run.seq, run.seq, 'its content does not match its hash');
    return fail('unlinked', run.seq, run.seq, `${run.reason}: changed, or entries before it were deleted`);
  }
  const i = inSequence;
  const entry = entries[i]!;
  if (entry.seq < i) {
    const same = entries[entry.seq]!.hash === entry.hash;
    return fail(
      'forked',
      i,
      entry.seq,
      `seq ${entry.seq} appears again (first at ${records[entry.seq]!.at}), ${same ? 'with the same content' : 'with different content'}`,
    );
  }
  const missing = entry.seq - i === 1 ? `entry ${i} is` : `entries ${i}–${entry.seq - 1} are`;
  return fail('deleted', i, entry.seq, `${missing} missing before it`);

  function fail(kind: AuditBreak, index: number, seq: number, reason: string): AuditLogCheck {
    return { ok: false, kind, at: records[index]!.at, seq, reason, verified: index };
  }
}

/** The one-line verdict `npm run audit:verify` prints. */
export function formatAuditCheck(check: AuditLogCheck, source: string): string {
  if (check.ok)
    return `OK: ${check.entries} audit log entries in ${source} form an unbroken hash chain${check.lastHash ? ` (last hash ${check.lastHash})` : ''}`;
  const seq = check.seq === undefined ? '' : ` (seq ${check.seq})`;
  return `BROKEN: ${check.kind} entry at ${check.at}${seq} in ${source}: ${check.reason}; ${check.verified} entries before it verified`;
}

/**
 * Records of an exported file: one JSON entry per line (NDJSON, what `audit:verify --export`
 * writes), or one JSON array. Positions are line numbers (array index for an array).
 */
export function recordsOfFile(text: string): AuditRecord[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    const array = JSON.parse(trimmed) as unknown[];
    return array.map((v, i) => ({ at: `index ${i}`, value: JSON.stringify(v) }));
  }
  const records: AuditRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() !== '') records.push({ at: `line ${i + 1}`, value: line });
  });
  return records;
}
