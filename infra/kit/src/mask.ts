/**
 * The one masking module: how personal numbers look wherever Fenghuo shows or logs them. Officers
 * see enough to recognise a number (`170****1234`); logs, alerts and explanations never carry a
 * full phone number or account. Dependency-free, so the rule engine may import it
 * (`@fenghuo/kit/mask`) without the rest of the kit.
 */

/**
 * Phone and other personal numbers: `17012341234` → `170****1234`; short service numbers keep
 * their head and two last digits: `10659000` → `106****00`; anything shorter is fully masked.
 * The mask has a fixed width, so the length of the number is not revealed either.
 */
export function maskNumber(value: string): string {
  const s = value.trim();
  if (s.length >= 11) return `${s.slice(0, 3)}****${s.slice(-4)}`;
  if (s.length >= 6) return `${s.slice(0, 3)}****${s.slice(-2)}`;
  return '****';
}

/** Bank accounts and payee ids: only the last four characters (`****3445`). */
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
