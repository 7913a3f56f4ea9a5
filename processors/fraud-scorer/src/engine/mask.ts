/**
 * Masking of personal numbers in alert texts and evidence: officers see enough to recognise a number
 * (`170****1234`) but alerts never carry a full phone number or account.
 */

/** `17012341234` → `170****1234`; short service numbers keep their head: `10659000` → `106****00`. */
export function maskNumber(value: string): string {
  const s = value.trim();
  if (s.length >= 11) return `${s.slice(0, 3)}****${s.slice(-4)}`;
  if (s.length >= 6) return `${s.slice(0, 3)}****${s.slice(-2)}`;
  return '****';
}

/** Bank accounts and payee ids: only the last four characters. */
export function maskAccount(value: string): string {
  const s = value.trim();
  return s.length > 4 ? `****${s.slice(-4)}` : '****';
}

/** Masks every run of 7 or more digits inside a free text (phone, card and account numbers). */
export function maskDigitsInText(text: string): string {
  return text.replace(/\+?\d[\d -]{5,}\d/g, (m) => maskNumber(m.replace(/[ -]/g, '')));
}

/** Canonical form of a phone number for list look-ups: digits only, without the +86 / 0086 prefix. */
export function canonicalNumber(value: string): string {
  let digits = value.replace(/[^\d]/g, '');
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2);
  return digits;
}
