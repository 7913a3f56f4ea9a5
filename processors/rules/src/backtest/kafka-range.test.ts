import { describe, expect, it } from 'vitest';
import { compareOffsets } from './kafka-range.ts';

describe('compareOffsets', () => {
  it('orders decimal offsets as their numbers, beyond 2^53 too', () => {
    const offsets = [
      '0',
      '9',
      '10',
      '99',
      '100',
      '9007199254740992',
      '9007199254740993',
      '9223372036854775807',
    ];
    for (const a of offsets) {
      for (const b of offsets) {
        const expected = BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
        expect(Math.sign(compareOffsets(a, b))).toBe(expected);
      }
    }
  });
});
