/**
 * The audit log's hash chain, as pure functions so any checker (a script, a test, a browser) can
 * verify `audit.log` with its own SHA-256. See {@link AuditLogEntry} for the rule.
 */
import { AUDIT_GENESIS_HASH, type AuditEvent, type AuditLogEntry } from './events/audit.ts';

/**
 * RFC 8785 (JSON Canonicalization Scheme) text of a JSON value: object keys sorted by UTF-16 code
 * units, no whitespace, ECMAScript number and string formatting, `undefined` members left out.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('not JSON: non-finite number');
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error(`not JSON: ${typeof value}`);
    return text;
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
  return `{${members.join(',')}}`;
}

/** The text whose SHA-256 is an entry's `hash`. */
export function auditHashInput(seq: number, prevHash: string, event: AuditEvent): string {
  return `${seq}\n${prevHash}\n${canonicalJson(event)}`;
}

export type AuditChainCheck =
  | { readonly ok: true; readonly entries: number; readonly lastHash: string }
  | { readonly ok: false; readonly seq: number; readonly reason: string };

/**
 * Checks a run of consecutive entries: no gap in `seq`, each `prevHash` is the previous `hash`, and
 * each `hash` is what `sha256Hex` gives for it. A run from `seq` 0 starts at {@link AUDIT_GENESIS_HASH};
 * for a later run pass the `hash` of the entry before it as `prevHash` (else the run's own first
 * `prevHash` is trusted).
 */
export function verifyAuditChain(
  entries: readonly AuditLogEntry[],
  sha256Hex: (text: string) => string,
  prevHash?: string,
): AuditChainCheck {
  const first = entries[0];
  let expectedPrev =
    prevHash ?? (first === undefined || first.seq === 0 ? AUDIT_GENESIS_HASH : first.prevHash);
  let expectedSeq = first?.seq ?? 0;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq)
      return { ok: false, seq: entry.seq, reason: `expected seq ${expectedSeq}, found ${entry.seq}` };
    if (entry.prevHash !== expectedPrev)
      return { ok: false, seq: entry.seq, reason: "prevHash is not the previous entry's hash" };
    const hash = sha256Hex(auditHashInput(entry.seq, entry.prevHash, entry.event));
    if (hash !== entry.hash) return { ok: false, seq: entry.seq, reason: 'hash does not match the entry' };
    expectedPrev = entry.hash;
    expectedSeq++;
  }
  return { ok: true, entries: entries.length, lastHash: expectedPrev };
}
