import { createHash } from 'node:crypto';
import { AUDIT_GENESIS_HASH, type AuditEvent, auditEventExample, verifyAuditChain } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { AuditChain } from './chain.ts';

const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');
const event = (id: string): AuditEvent => ({ ...auditEventExample, eventId: id });
const AT = '2026-12-04T10:00:00.000Z';

describe('AuditChain', () => {
  it('starts at seq 0 from the genesis hash and links every entry to the one before', () => {
    const chain = new AuditChain(100);
    const plan = chain.plan([event('a'), event('b'), event('c')], AT);
    expect(plan.entries.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(plan.entries[0]!.prevHash).toBe(AUDIT_GENESIS_HASH);
    expect(verifyAuditChain(plan.entries, sha)).toEqual({
      ok: true,
      entries: 3,
      lastHash: plan.entries[2]!.hash,
    });
  });

  it('changes nothing until a plan is applied, so a failed transaction is planned again the same way', () => {
    const chain = new AuditChain(100);
    const first = chain.plan([event('a')], AT);
    const again = chain.plan([event('a')], AT);
    expect(again).toEqual(first);
    chain.apply(first);
    expect(chain.seq).toBe(1);
    expect(chain.hash).toBe(first.entries[0]!.hash);
    const next = chain.plan([event('b')], AT);
    expect(next.entries[0]).toMatchObject({ seq: 1, prevHash: first.entries[0]!.hash });
  });

  it('appends a repeated event id once, within a plan and across plans', () => {
    const chain = new AuditChain(100);
    const plan = chain.plan([event('a'), event('a'), event('b')], AT);
    expect(plan.entries.map((e) => e.event.eventId)).toEqual(['a', 'b']);
    expect(plan.repeated).toBe(1);
    chain.apply(plan);
    const later = chain.plan([event('b'), event('c')], AT);
    expect(later.entries.map((e) => e.event.eventId)).toEqual(['c']);
    expect(later.repeated).toBe(1);
  });

  it('continues from the tail of the log: next seq, last hash, and the ids of the last entries', () => {
    const origin = new AuditChain(100);
    const written = origin.plan([event('a'), event('b'), event('c')], AT);
    const resumed = AuditChain.fromTail(written.entries, 100);
    expect(resumed.seq).toBe(3);
    expect(resumed.hash).toBe(written.entries[2]!.hash);
    const plan = resumed.plan([event('c'), event('d')], AT);
    expect(plan.entries.map((e) => [e.seq, e.event.eventId])).toEqual([[3, 'd']]);
    expect(verifyAuditChain([...written.entries, ...plan.entries], sha).ok).toBe(true);
  });

  it('remembers only the last `window` ids', () => {
    const chain = new AuditChain(2);
    chain.apply(chain.plan([event('a'), event('b'), event('c')], AT));
    expect(chain.plan([event('a')], AT).entries).toHaveLength(1);
    expect(chain.plan([event('b')], AT).entries).toHaveLength(0);
    expect(
      AuditChain.fromTail(chain.plan([event('x'), event('y'), event('z')], AT).entries, 2).plan(
        [event('x')],
        AT,
      ).repeated,
    ).toBe(0);
  });

  it('refuses a plan made from another state', () => {
    const chain = new AuditChain(10);
    const stale = chain.plan([event('a')], AT);
    chain.apply(chain.plan([event('b')], AT));
    expect(() => chain.apply(stale)).toThrow(/chain is at 1/);
  });
});
