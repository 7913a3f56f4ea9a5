import { describe, expect, it } from 'vitest';
import { compareOffsets, packRecords } from './kafka-range.ts';

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

describe('packRecords', () => {
  it('puts the values end to end, a record without one as length 0, the offsets exact', () => {
    const small = packRecords(3, [
      { offset: '7', value: Buffer.from('ab') },
      { offset: '8', value: null },
      { offset: '10', value: Buffer.from('cde') },
    ]);
    expect(small.partition).toBe(3);
    expect(Buffer.from(small.data).toString()).toBe('abcde');
    expect([...small.ends]).toEqual([2, 2, 5]);
    expect(small.offsets).toBeInstanceOf(Float64Array);
    expect([...small.offsets].map(String)).toEqual(['7', '8', '10']);

    const big = packRecords(0, [
      { offset: '999999999999999', value: Buffer.from('x') },
      { offset: '9007199254740993', value: Buffer.from('y') },
    ]);
    expect(big.offsets).toBeInstanceOf(BigInt64Array);
    expect([...big.offsets].map(String)).toEqual(['999999999999999', '9007199254740993']);
  });
});
