import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUDIT_GENESIS_HASH,
  type AuditEvent,
  type AuditLogEntry,
  auditEventExample,
  auditHashInput,
} from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import {
  type AuditRecord,
  checkAuditLog,
  formatAuditCheck,
  recordsOfFile,
  sha256Hex,
} from '../../infra/scripts/audit-check.ts';

/** A correct chain of `n` entries, as the audit writer appends them. */
function chain(n: number): AuditLogEntry[] {
  let prevHash = AUDIT_GENESIS_HASH;
  return Array.from({ length: n }, (_, seq) => {
    const event: AuditEvent = { ...auditEventExample, eventId: `aud-${seq}`, details: { n: seq } };
    const hash = sha256Hex(auditHashInput(seq, prevHash, event));
    const entry: AuditLogEntry = { version: 1, seq, prevHash, hash, appendedAt: event.at, event };
    prevHash = hash;
    return entry;
  });
}

/** Stored at offsets 100, 101… (the offset is only the label of where a record is). */
const stored = (entries: readonly unknown[]): AuditRecord[] =>
  entries.map((e, i) => ({ at: `offset ${100 + i}`, value: JSON.stringify(e) }));

describe('checkAuditLog', () => {
  it('verifies an untouched log and an empty one', () => {
    const log = chain(6);
    expect(checkAuditLog(stored(log))).toEqual({ ok: true, entries: 6, lastHash: log[5]!.hash });
    expect(checkAuditLog([])).toEqual({ ok: true, entries: 0, lastHash: undefined });
    expect(formatAuditCheck(checkAuditLog(stored(log)), 'audit.log')).toBe(
      `OK: 6 audit log entries in audit.log form an unbroken hash chain (last hash ${log[5]!.hash})`,
    );
  });

  it('finds a changed entry at its offset, the entries before it verified', () => {
    const log = chain(6);
    log[3] = { ...log[3]!, event: { ...log[3]!.event, result: 'denied' } };
    const check = checkAuditLog(stored(log));
    expect(check).toEqual({
      ok: false,
      kind: 'changed',
      at: 'offset 103',
      seq: 3,
      reason: 'its content does not match its hash',
      verified: 3,
    });
    expect(formatAuditCheck(check, 'audit.log')).toBe(
      'BROKEN: changed entry at offset 103 (seq 3) in audit.log: its content does not match its hash; 3 entries before it verified',
    );
  });

  it('finds an entry changed together with its hash: the next one no longer links to it', () => {
    const log = chain(6);
    const event = { ...log[2]!.event, result: 'denied' as const };
    log[2] = { ...log[2]!, event, hash: sha256Hex(auditHashInput(2, log[2]!.prevHash, event)) };
    expect(checkAuditLog(stored(log))).toMatchObject({
      ok: false,
      kind: 'unlinked',
      at: 'offset 103',
      seq: 3,
    });
  });

  it('finds a deleted entry, a deleted run, and entries deleted from the start', () => {
    const log = chain(8);
    expect(checkAuditLog(stored([...log.slice(0, 4), ...log.slice(5)]))).toEqual({
      ok: false,
      kind: 'deleted',
      at: 'offset 104',
      seq: 5,
      reason: 'entry 4 is missing before it',
      verified: 4,
    });
    expect(checkAuditLog(stored([...log.slice(0, 2), ...log.slice(6)]))).toMatchObject({
      kind: 'deleted',
      at: 'offset 102',
      reason: 'entries 2–5 are missing before it',
    });
    expect(checkAuditLog(stored(log.slice(3)))).toMatchObject({
      kind: 'deleted',
      at: 'offset 100',
      seq: 3,
      reason: 'the log starts at seq 3: entries 0–2 are missing',
      verified: 0,
    });
  });

  it('finds a fork: a seq stored twice, with different or with the same content', () => {
    const log = chain(5);
    // A second writer's entry 3: another event, correctly hashed on the same entry 2.
    const other = chain(5);
    const event = { ...other[3]!.event, eventId: 'aud-other' };
    other[3] = { ...other[3]!, event, hash: sha256Hex(auditHashInput(3, other[3]!.prevHash, event)) };
    expect(checkAuditLog(stored([...log.slice(0, 4), other[3]!, log[4]!]))).toEqual({
      ok: false,
      kind: 'forked',
      at: 'offset 104',
      seq: 3,
      reason: 'seq 3 appears again (first at offset 103), with different content',
      verified: 4,
    });
    expect(checkAuditLog(stored([...log, log[4]!]))).toMatchObject({
      kind: 'forked',
      at: 'offset 105',
      reason: 'seq 4 appears again (first at offset 104), with the same content',
    });
  });

  it('reports a record that is not an entry at all as changed, after the entries before it verified', () => {
    const records = stored(chain(3));
    records.push({ at: 'offset 103', value: '{"seq": 3' });
    expect(checkAuditLog(records)).toMatchObject({
      ok: false,
      kind: 'changed',
      at: 'offset 103',
      verified: 3,
    });
  });
});

describe('recordsOfFile', () => {
  it('reads NDJSON by line number and a JSON array by index', () => {
    const log = chain(2);
    const nd = `${JSON.stringify(log[0])}\n\n${JSON.stringify(log[1])}\n`;
    expect(recordsOfFile(nd).map((r) => r.at)).toEqual(['line 1', 'line 3']);
    expect(checkAuditLog(recordsOfFile(nd))).toMatchObject({ ok: true, entries: 2 });
    expect(checkAuditLog(recordsOfFile(JSON.stringify(log)))).toMatchObject({ ok: true, entries: 2 });
  });
});

describe('npm run audit:verify --file', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'infra/scripts/audit-verify.ts', ...args], {
      encoding: 'utf8',
    });

  // Two child processes (tsx start-up is seconds on a loaded core): a minute, not the default 20 s.
  it('prints its usage and names the first deleted entry of a tampered file, exiting 1', {
    timeout: 60_000,
  }, () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run audit:verify/);
    expect(help.stdout).toMatch(/--file PATH/);

    const dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));
    const log = chain(4);
    const tampered = join(dir, 'tampered.ndjson');
    writeFileSync(tampered, [log[0], log[1], log[3]].map((e) => `${JSON.stringify(e)}\n`).join(''));
    const broken = run('--file', tampered, '--json');
    expect(broken.status).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, kind: 'deleted', at: 'line 3', seq: 3 });
  });
});
