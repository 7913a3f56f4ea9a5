import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { FormTokens } from './form-token.ts';

const secret = new TextEncoder().encode('s'.repeat(40));
// `check` never touches Redis; `claim` is covered by the integration tests.
const tokens = new FormTokens(secret, {} as Redis, { minAgeSec: 3, maxAgeSec: 600 });
const T0 = Date.parse('2026-12-04T08:00:00Z');

describe('form tokens', () => {
  it('pass for their own cell once at least the minimum age old, until the maximum age', () => {
    const t = tokens.issue('cell-7', T0);
    expect(tokens.check(t, 'cell-7', T0 + 3_000)).toMatchObject({ ok: true });
    expect(tokens.check(t, 'cell-7', T0 + 600_000)).toMatchObject({ ok: true });
    expect(tokens.check(t, 'cell-7', T0 + 600_001)).toEqual({ ok: false, reason: 'expired' });
  });

  it('sent too soon: refused with the seconds left', () => {
    const t = tokens.issue('cell-7', T0);
    expect(tokens.check(t, 'cell-7', T0 + 500)).toEqual({ ok: false, reason: 'too_fresh', retryAfterSec: 3 });
  });

  it('refuse another cell, a changed time or nonce, another key, and garbage', () => {
    const t = tokens.issue('cell-7', T0);
    expect(tokens.check(t, 'cell-8', T0 + 5_000)).toEqual({ ok: false, reason: 'other_cell' });
    const parts = t.split('.');
    const older = [parts[0], parts[1], String(T0 - 60_000), parts[3], parts[4]].join('.');
    expect(tokens.check(older, 'cell-7', T0 + 5_000)).toEqual({ ok: false, reason: 'forged' });
    const otherKey = new FormTokens(new TextEncoder().encode('k'.repeat(40)), {} as Redis);
    expect(otherKey.check(t, 'cell-7', T0 + 5_000)).toEqual({ ok: false, reason: 'forged' });
    for (const bad of [undefined, '', 'v1.cell-7', 'v2.a.b.c.d', `${t}.x`]) {
      expect(tokens.check(bad, 'cell-7', T0 + 5_000)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
