/**
 * Multi-pattern keyword matching (Aho-Corasick): every keyword of every keyword set of a rule set is
 * compiled into one automaton, so a text is scanned once, whatever the number of keywords and sets.
 * Text and keywords are normalised the same way (NFKC, lower case, whitespace removed, filter-dodging
 * spellings such as 薇信 or 扣扣 folded) so full-width letters, case, spaces and such spellings
 * inserted to dodge filters do not matter.
 */

import { TextMemo } from './memo.ts';

/** Texts whose keyword hits each {@link KeywordSets} remembers (see {@link KeywordSets.hits}). */
const MEMO_TEXTS = 4_096;
/** Longest text whose hits are remembered. */
const MEMO_MAX_CHARS = 2_048;

/**
 * Spellings that dodge keyword filters, as police and platform notices on scam SMS describe them
 * (加薇信, V信, vx, 扣扣, 转帐; ➕ and emoji are handled in `normalizeText`), folded to the word they stand for after case and width are
 * folded, so `加微信`, `qq` and `转账` in a keyword set match them too.
 */
const VARIANTS: Readonly<Record<string, string>> = {
  薇信: '微信',
  威信: '微信',
  徽信: '微信',
  维信: '微信',
  v信: '微信',
  vx: '微信',
  wx: '微信',
  微x: '微信',
  weixin: '微信',
  wechat: '微信',
  扣扣: 'qq',
  企鹅号: 'qq号',
  帐: '账',
};
const VARIANT_RE = new RegExp(Object.keys(VARIANTS).join('|'), 'g');
/**
 * "Add" and a one-character stand-in for 微信 (加薇 jz-7782, +威 xh886712; tenth pass). The single
 * characters alone are names and words (张薇, 威胁), so only right after "add" and not before 信.
 */
const ADD_WECHAT_RE = /[加+](?:薇|威)(?!信)/g;
/** Emoji, which filter dodgers put between a word's characters (微❤信, 点👍); ➕ is folded to 加 first. */
const EMOJI_RE = /\p{Extended_Pictographic}|\u{fe0f}/gu;
const unvariant = (v: string) => VARIANTS[v] ?? v;

/**
 * NFKC, lower case, no whitespace, zero-width characters or emoji (put between the characters of a
 * word to dodge filters: 微❤信, 点👍), filter-dodging spellings folded.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u200b-\u200d\ufeff]+/g, '')
    .replaceAll('➕', '加')
    .replace(EMOJI_RE, '')
    .replace(VARIANT_RE, unvariant)
    .replace(ADD_WECHAT_RE, '加微信');
}

interface Node {
  readonly next: Map<number, number>;
  fail: number;
  /** Indexes of keywords ending here (own and through fail links). */
  out: number[];
}

export class KeywordAutomaton {
  private readonly nodes: Node[] = [{ next: new Map(), fail: 0, out: [] }];
  /** Normalised keywords, by index. */
  readonly keywords: readonly string[];

  constructor(keywords: readonly string[]) {
    this.keywords = keywords.map(normalizeText);
    this.keywords.forEach((kw, index) => {
      if (kw.length === 0) return;
      let state = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = kw.charCodeAt(i);
        const node = this.nodes[state] as Node;
        let to = node.next.get(c);
        if (to === undefined) {
          to = this.nodes.length;
          this.nodes.push({ next: new Map(), fail: 0, out: [] });
          node.next.set(c, to);
        }
        state = to;
      }
      (this.nodes[state] as Node).out.push(index);
    });
    // Breadth-first fail links.
    const queue: number[] = [];
    for (const child of (this.nodes[0] as Node).next.values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const id = queue[head] as number;
      const node = this.nodes[id] as Node;
      for (const [c, child] of node.next) {
        queue.push(child);
        let f = node.fail;
        while (f !== 0 && !(this.nodes[f] as Node).next.has(c)) f = (this.nodes[f] as Node).fail;
        const target = (this.nodes[f] as Node).next.get(c);
        const childNode = this.nodes[child] as Node;
        childNode.fail = target !== undefined && target !== child ? target : 0;
        const inherited = (this.nodes[childNode.fail] as Node).out;
        if (inherited.length > 0) childNode.out = [...childNode.out, ...inherited];
      }
    }
  }

  /** Indexes of the distinct keywords occurring in an already normalised text. */
  scan(normalized: string): Set<number> {
    const found = new Set<number>();
    let state = 0;
    for (let i = 0; i < normalized.length; i++) {
      const c = normalized.charCodeAt(i);
      let node = this.nodes[state] as Node;
      while (state !== 0 && !node.next.has(c)) {
        state = node.fail;
        node = this.nodes[state] as Node;
      }
      state = node.next.get(c) ?? 0;
      for (const k of (this.nodes[state] as Node).out) found.add(k);
    }
    return found;
  }
}

/** Keyword sets compiled into one automaton; `match` tells, per set, which of its keywords occur. */
export class KeywordSets {
  private readonly automaton: KeywordAutomaton;
  /** For each keyword index, the sets it belongs to. */
  private readonly owners: string[][] = [];
  private readonly originals: string[] = [];
  private readonly memo = new TextMemo<ReadonlyMap<string, readonly string[]>>(MEMO_TEXTS, MEMO_MAX_CHARS);
  readonly names: ReadonlySet<string>;

  constructor(sets: Readonly<Record<string, readonly string[]>>) {
    const all: string[] = [];
    const index = new Map<string, number>();
    for (const [name, words] of Object.entries(sets)) {
      for (const word of words) {
        const key = normalizeText(word);
        if (key.length === 0) continue;
        let i = index.get(key);
        if (i === undefined) {
          i = all.length;
          index.set(key, i);
          all.push(key);
          this.originals.push(word);
          this.owners.push([]);
        }
        const owners = this.owners[i] as string[];
        if (!owners.includes(name)) owners.push(name);
      }
    }
    this.automaton = new KeywordAutomaton(all);
    this.names = new Set(Object.keys(sets));
  }

  /**
   * As {@link match}, remembered for recently seen texts: the map is shared between callers and must
   * not be changed. Scoring uses this one (the same texts come back again and again).
   */
  hits(text: string): ReadonlyMap<string, readonly string[]> {
    let hits = this.memo.get(text);
    if (hits === undefined) {
      hits = this.match(text);
      this.memo.set(text, hits);
    }
    return hits;
  }

  /** Set name → keywords of that set found in the text (as written in the rule set). */
  match(text: string): Map<string, string[]> {
    const hits = new Map<string, string[]>();
    for (const k of this.automaton.scan(normalizeText(text))) {
      for (const set of this.owners[k] as string[]) {
        let list = hits.get(set);
        if (list === undefined) {
          list = [];
          hits.set(set, list);
        }
        list.push(this.originals[k] as string);
      }
    }
    return hits;
  }
}
