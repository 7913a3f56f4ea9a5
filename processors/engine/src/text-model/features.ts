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
 * Features are the distinct character n-grams of lengths 1–{@link MAX_NGRAM} of the result, each
 * worth 1/√(n-gram positions of the text) ({@link ngramScale}), so a long call and a short SMS are on
 * one scale. Scoring does not build the n-grams as strings: {@link GramIndex} looks them up as
 * integer keys (text-model.ts); training builds them with {@link ngramsOf}; both give the same set.
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
  const lower = text.normalize('NFKC').toLowerCase();
  // Every URL or domain the pattern knows holds a dot or '://'; most texts hold neither.
  const linked = lower.includes('.') || lower.includes('://') ? lower.replace(URL_RE, URL_MARK) : lower;
  return linked.replace(SPACE_RE, '').replace(DIGITS_RE, '0');
}

/**
 * The weight of each feature of a text of `chars` characters (code points) in the model's form:
 * 1/√(number of n-gram positions), 0 for an empty text.
 */
export function ngramScale(chars: number, maxN: number = MAX_NGRAM): number {
  let positions = 0;
  for (let n = 1; n <= maxN; n++) positions += Math.max(0, chars - n + 1);
  return positions === 0 ? 0 : 1 / Math.sqrt(positions);
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

/**
 * A vocabulary of n-grams looked up by integers, for scoring without building strings: every
 * character of the vocabulary gets a small id (1…K−1; 0 for characters no n-gram holds, which no
 * vocabulary n-gram can then contain). An n-gram of ids is a prefix (its ids but the last, as
 * a·K + b, or 0 for a single character) and a last id; an open-addressing table of (prefix, last)
 * pairs gives its vocabulary row. Integer arithmetic only (K² < 2^31).
 */
/** A table entry that is only the start of longer vocabulary n-grams. */
const PREFIX_ONLY = -2;

export class GramIndex {
  private readonly bmp = new Int32Array(0x10000);
  private readonly astral = new Map<number, number>();
  private readonly k: number;
  private readonly prefixes: Int32Array;
  private readonly lasts: Int32Array;
  private readonly rows: Int32Array;
  private readonly mask: number;
  private readonly maxN: number;
  /** Generation stamp per row, so each row counts once per text without a Set. */
  private readonly seen: Uint32Array;
  private generation = 0;
  /** The table's answer for each single character id, read without hashing. */
  private readonly unigrams: Int32Array;
  private ids = new Int32Array(256);
  /** Rows found by the last {@link collect}, distinct, in the order met. */
  hits = new Int32Array(256);

  constructor(vocabulary: readonly string[], maxN: number = MAX_NGRAM) {
    if (maxN > 3) throw new Error(`n-grams up to 3 characters are supported, not ${maxN}`);
    this.maxN = maxN;
    let next = 1;
    const gramIds: number[][] = vocabulary.map((g) =>
      Array.from(g, (ch) => {
        const cp = ch.codePointAt(0) as number;
        let id = this.charId(cp);
        if (id === 0) {
          id = next++;
          if (cp < 0x10000) this.bmp[cp] = id;
          else this.astral.set(cp, id);
        }
        return id;
      }),
    );
    this.k = next;
    if (this.k * this.k >= 2 ** 31) throw new Error(`too many characters (${this.k}) in the vocabulary`);
    let size = 16;
    while (size < vocabulary.length * 4) size *= 2;
    this.prefixes = new Int32Array(size).fill(-1);
    this.lasts = new Int32Array(size);
    this.rows = new Int32Array(size);
    this.mask = size - 1;
    // Every proper prefix of a vocabulary n-gram gets an entry too (row PREFIX_ONLY unless it is a
    // vocabulary n-gram itself), so a miss (-1) means no longer n-gram can follow and the scan moves on.
    const put = (ids: readonly number[], row: number) => {
      const last = ids[ids.length - 1] as number;
      let prefix = 0;
      for (let i = 0; i < ids.length - 1; i++) prefix = prefix * this.k + (ids[i] as number);
      let h = this.slot(prefix, last);
      while ((this.prefixes[h] as number) !== -1) {
        if (this.prefixes[h] === prefix && this.lasts[h] === last) {
          if (row >= 0) this.rows[h] = row;
          return;
        }
        h = (h + 1) & this.mask;
      }
      this.prefixes[h] = prefix;
      this.lasts[h] = last;
      this.rows[h] = row;
    };
    gramIds.forEach((ids, row) => {
      if (ids.length === 0 || ids.length > maxN) throw new Error(`bad vocabulary n-gram at row ${row}`);
      put(ids, row);
    });
    for (const ids of gramIds) for (let n = 1; n < ids.length; n++) put(ids.slice(0, n), PREFIX_ONLY);
    this.seen = new Uint32Array(vocabulary.length);
    this.unigrams = new Int32Array(this.k);
    for (let id = 0; id < this.k; id++) this.unigrams[id] = id === 0 ? -1 : this.row(0, id);
  }

  private charId(cp: number): number {
    return cp < 0x10000 ? (this.bmp[cp] as number) : (this.astral.get(cp) ?? 0);
  }

  private slot(prefix: number, last: number): number {
    return (Math.imul(prefix ^ Math.imul(last, 0x85ebca6b), 0x9e3779b1) >>> 11) & this.mask;
  }

  private row(prefix: number, last: number): number {
    let h = this.slot(prefix, last);
    for (;;) {
      const p = this.prefixes[h] as number;
      if (p === -1) return -1;
      if (p === prefix && this.lasts[h] === last) return this.rows[h] as number;
      h = (h + 1) & this.mask;
    }
  }

  /**
   * Finds the distinct vocabulary n-grams of `form` (a text in the model's form): their rows are
   * `hits[0 … found−1]`. Returns found and the number of characters (code points) of `form`.
   */
  collect(form: string): { found: number; chars: number } {
    if (this.generation === 0xffffffff) {
      this.seen.fill(0);
      this.generation = 0;
    }
    const gen = ++this.generation;
    if (this.ids.length < form.length) this.ids = new Int32Array(form.length * 2);
    if (this.hits.length < form.length * this.maxN) this.hits = new Int32Array(form.length * this.maxN * 2);
    const ids = this.ids;
    const hits = this.hits;
    const seen = this.seen;
    let n = 0;
    for (let i = 0; i < form.length; i++) {
      let cp = form.charCodeAt(i);
      if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < form.length) {
        const lo = form.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo < 0xe000) {
          cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
          i++;
        }
      }
      ids[n++] = this.charId(cp);
    }
    const k = this.k;
    const maxN = this.maxN;
    let found = 0;
    for (let i = 0; i < n; i++) {
      let prefix = 0;
      for (let j = 0; j < maxN && i + j < n; j++) {
        const id = ids[i + j] as number;
        if (id === 0) break;
        const row = j === 0 ? (this.unigrams[id] as number) : this.row(prefix, id);
        if (row === -1) break;
        prefix = prefix * k + id;
        if (row < 0 || seen[row] === gen) continue;
        seen[row] = gen;
        hits[found++] = row;
      }
    }
    return { found, chars: n };
  }
}
