import { describe, expect, it } from 'vitest';
import { canonicalNumber, maskAccount, maskDigitsInText, maskNumber } from './mask.ts';

describe('masking', () => {
  it('masks phone numbers and accounts', () => {
    expect(maskNumber('17012341234')).toBe('170****1234');
    expect(maskNumber('10659000')).toBe('106****00');
    expect(maskAccount('6222020200112233445')).toBe('****3445');
  });
  it('masks long digit runs inside texts', () => {
    expect(maskDigitsInText('call 17012341234 now')).toBe('call 170****1234 now');
  });
  it('canonicalises numbers for list look-ups', () => {
    expect(canonicalNumber('+86 170 1234 1234')).toBe('17012341234');
    expect(canonicalNumber('0086-17012341234')).toBe('17012341234');
  });
});
