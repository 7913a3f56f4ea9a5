import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY, nextRestart } from '../../infra/scripts/restart-policy.ts';

describe('restart back-off', () => {
  it('doubles the delay per crash in a row, up to the maximum', () => {
    let attempt = 0;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const next = nextRestart(attempt, 500);
      attempt = next.attempt;
      delays.push(next.delayMs);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over after the service had stayed up long enough', () => {
    expect(nextRestart(5, DEFAULT_RESTART_POLICY.stableMs)).toEqual({ attempt: 1, delayMs: 1_000 });
    expect(nextRestart(5, DEFAULT_RESTART_POLICY.stableMs - 1)).toEqual({ attempt: 6, delayMs: 30_000 });
  });
});
