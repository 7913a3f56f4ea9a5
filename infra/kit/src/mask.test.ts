import { describe, expect, it } from 'vitest';
import { canonicalNumber, maskAccount, maskDigitsInText, maskNumber } from './mask.ts';

describe('masking', () => {
  it('keeps the first three and last four digits of a phone number, in a fixed-width mask', () => {
    expect(maskNumber('17012341234')).toBe('170****1234');
    expect(maskNumber('+8613800138000')).toBe('+86****8000');
    expect(maskNumber('10659000')).toBe('106****00');
    expect(maskNumber('110')).toBe('****');
  });
  it('keeps the last four characters of an account', () => {
    expect(maskAccount('6222020200112233445')).toBe('****3445');
    expect(maskAccount('1234')).toBe('****');
  });
  it('masks long digit runs inside texts', () => {
    expect(maskDigitsInText('call 17012341234 now')).toBe('call 170****1234 now');
    expect(maskDigitsInText('card 6222 0202 0011 2233 445')).toBe('card 622****3445');
  });
  it('canonicalises numbers for list look-ups', () => {
    expect(canonicalNumber('+86 170 1234 1234')).toBe('17012341234');
    expect(canonicalNumber('0086-17012341234')).toBe('17012341234');
  });
});
