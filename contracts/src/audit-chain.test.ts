import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditHashInput, canonicalJson, verifyAuditChain } from './audit-chain.ts';
import { AUDIT_GENESIS_HASH, type AuditEvent, type AuditLogEntry } from './events/audit.ts';
import { auditEventExample, examples } from './examples.ts';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function chain(events: readonly AuditEvent[]): AuditLogEntry[] {
  let prevHash = AUDIT_GENESIS_HASH;
  return events.map((event, seq) => {
    const hash = sha256Hex(auditHashInput(seq, prevHash, event));
    const entry: AuditLogEntry = { version: 1, seq, prevHash, hash, appendedAt: event.at, event };
    prevHash = hash;
    return entry;
  });
}

const events: AuditEvent[] = [0, 1, 2, 3].map((i) => ({
  ...auditEventExample,
  eventId: `aud-${i}`,
  details: { status: i % 2 ? 'accepted' : 'en_route', n: i },
}));

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined members and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: true, x: null }], c: 'é' }, u: undefined })).toBe(
      '{"a":{"c":"é","d":[3,{"x":null,"y":true}]},"b":1}',
    );
    expect(canonicalJson({ z: 1, a: 2 })).toBe(canonicalJson({ a: 2, z: 1 }));
    expect(canonicalJson([1.5, 1e21, 'a"b'])).toBe('[1.5,1e+21,"a\\"b"]');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
  });
});

describe('audit hash chain', () => {
  it('the documented example entry carries the right hash', () => {
    const entry = examples['audit.log'];
    expect(verifyAuditChain([entry], sha256Hex)).toEqual({ ok: true, entries: 1, lastHash: entry.hash });
  });

  it('verifies an untouched chain, from the start or from a later anchor', () => {
    const log = chain(events);
    expect(verifyAuditChain(log, sha256Hex)).toMatchObject({ ok: true, entries: 4 });
    expect(verifyAuditChain(log.slice(2), sha256Hex, log[1]!.hash)).toMatchObject({ ok: true, entries: 2 });
    expect(verifyAuditChain(log.slice(2), sha256Hex, AUDIT_GENESIS_HASH)).toMatchObject({
      ok: false,
      seq: 2,
    });
  });

  it('finds an edited event, a removed entry, a reordering and a forged hash', () => {
    const log = chain(events);
    const edited = log.map((e) =>
      e.seq === 1 ? { ...e, event: { ...e.event, result: 'denied' as const } } : e,
    );
    expect(verifyAuditChain(edited, sha256Hex)).toEqual({
      ok: false,
      seq: 1,
      reason: 'hash does not match the entry',
    });
    expect(verifyAuditChain([log[0]!, log[2]!, log[3]!], sha256Hex)).toMatchObject({ ok: false, seq: 2 });
    expect(verifyAuditChain([log[0]!, log[2]!, log[1]!, log[3]!], sha256Hex)).toMatchObject({
      ok: false,
      seq: 2,
    });
    // Re-hashing one edited entry is not enough: the next entry's prevHash no longer matches.
    const forged = [...log];
    const event = { ...log[1]!.event, result: 'denied' as const };
    forged[1] = { ...log[1]!, event, hash: sha256Hex(auditHashInput(1, log[1]!.prevHash, event)) };
    expect(verifyAuditChain(forged, sha256Hex)).toMatchObject({ ok: false, seq: 2 });
  });

  it('does not depend on the order of keys in the event', () => {
    const [first] = chain(events);
    const reordered = Object.fromEntries(Object.entries(first!.event).reverse()) as AuditEvent;
    expect(verifyAuditChain([{ ...first!, event: reordered }], sha256Hex)).toMatchObject({ ok: true });
  });
});
