/**
 * How a text becomes the text model's features; training and scoring share this file, so a model
 * always sees texts the way it was trained on them.
 *
 * 1. NFKC, lower case (full-width letters and digits become ASCII, `ＡＰＰ` is `app`);
 * 2. every URL or bare domain (`https://…`, `www.…`, `t.cn/A6ZX`, `etc-renzheng.top`) becomes one
 *    marker character, {@link URL_MARK}: a link is a signal, its spelling changes every day;
 * 3. whitespace and zero-width characters go (spaces inserted to dodge filters do not matter);
 * 4. every run of digits becomes `0` (amounts, dates, codes and numbers vary; their place does not).
 *
 * Features are the distinct character n-grams of lengths 1–{@link MAX_NGRAM} of the result.
 */

/** Stands for a URL or bare domain in the model's form of a text. */
export const URL_MARK = '\u2197';
/** Longest character n-gram the model uses. */
export const MAX_NGRAM = 3;

const TLDS =
  'cn|com|net|org|top|xyz|cc|vip|info|me|io|co|tk|ml|ga|cf|gq|shop|site|club|app|link|ink|icu|fun|pub|wang|ltd|live|pro|online|store|tech|work|asia|biz|hk|tw|mobi|name|ren|red|kim|today|win|bid|loan|men|date|party|trade|gov|edu';
const URL_RE = new RegExp(
  String.raw`(?:https?:\/\/|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uff0f\uff1a-\uff20]*` +
    String.raw`|[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:${TLDS})(?![a-z0-9-])(?:[/?#][!-~]*)?`,
  'g',
);
const SPACE_RE = /[\s\u200b-\u200d\u2060\ufeff]+/g;
const DIGITS_RE = /[0-9]+/g;

/** The model's form of a text (see the file comment). */
export function modelText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(URL_RE, URL_MARK)
    .replace(SPACE_RE, '')
    .replace(DIGITS_RE, '0');
}

/** Distinct character n-grams (lengths 1–`maxN`) of a text already in the model's form. */
export function ngramsOf(form: string, maxN: number = MAX_NGRAM): Set<string> {
  const out = new Set<string>();
  const chars = Array.from(form);
  for (let i = 0; i < chars.length; i++) {
    let gram = '';
    for (let n = 0; n < maxN && i + n < chars.length; n++) {
      gram += chars[i + n] as string;
      out.add(gram);
    }
  }
  return out;
}

/** An n-gram as people read it in an explanation: the URL marker spelled out. */
export function displayNgram(gram: string): string {
  return gram.replaceAll(URL_MARK, '[链接]');
}
