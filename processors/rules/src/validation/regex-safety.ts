/**
 * Whether a rule's regex compiles, and whether it can backtrack catastrophically. JavaScript's regex
 * engine backtracks, and a scorer has no way to interrupt a match: one indicator with an unlucky text
 * against `(\w+\s?)+$` would stall a partition for minutes. Two shapes cause it, and both are found
 * statically from the pattern's structure (its star height), without running it:
 *
 * - a nested unbounded quantifier: an unbounded repetition (`*`, `+`, `{n,}`) of something that
 *   itself holds one (`(a+)+`, `(\w*\s?)*`, `(?:x+y?)+`): star height 2 or more;
 * - an unbounded repetition of an alternation whose branches can start with the same character
 *   (`(a|ab)*`, `(\d|\w)+`): each character can be taken by either branch.
 *
 * Both may also flag a pattern that is in fact safe (`(ab+)+`); rewriting it without the nesting is
 * always possible and costs the analyst a minute, which is the right side to err on.
 */

export interface RegexProblem {
  readonly message: string;
}

type Node =
  | { readonly t: 'char'; readonly c: string }
  | { readonly t: 'any' } // ., a class, \w, \d…: may match many characters
  | { readonly t: 'empty' } // anchors, lookarounds, back-references: no character of their own
  | { readonly t: 'seq'; readonly items: Node[] }
  | { readonly t: 'alt'; readonly branches: Node[] }
  | {
      readonly t: 'quant';
      readonly min: number;
      readonly max: number;
      readonly body: Node;
      readonly src: string;
    };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Node {
    const node = this.alternation();
    return node;
  }

  private alternation(): Node {
    const branches: Node[] = [this.sequence()];
    while (this.s[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? (branches[0] as Node) : { t: 'alt', branches };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const start = this.i;
      const atom = this.atom();
      items.push(this.quantified(atom, start));
    }
    return { t: 'seq', items };
  }

  private quantified(atom: Node, start: number): Node {
    let node = atom;
    for (;;) {
      const c = this.s[this.i];
      let min: number;
      let max: number;
      if (c === '*' || c === '+' || c === '?') {
        this.i++;
        min = c === '+' ? 1 : 0;
        max = c === '?' ? 1 : Number.POSITIVE_INFINITY;
      } else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
        if (m === null) return node; // a literal brace
        this.i += m[0].length;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
      } else {
        return node;
      }
      if (this.s[this.i] === '?') this.i++; // lazy: same backtracking, other order
      node = { t: 'quant', min, max, body: node, src: this.s.slice(start, this.i) };
    }
  }

  private atom(): Node {
    const c = this.s[this.i] as string;
    if (c === '(') {
      this.i++;
      let lookaround = false;
      if (this.s[this.i] === '?') {
        const rest = this.s.slice(this.i);
        if (rest.startsWith('?:')) this.i += 2;
        else if (rest.startsWith('?=') || rest.startsWith('?!')) {
          this.i += 2;
          lookaround = true;
        } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
          this.i += 3;
          lookaround = true;
        } else if (rest.startsWith('?<')) {
          this.i = this.s.indexOf('>', this.i) + 1;
        }
      }
      const body = this.alternation();
      if (this.s[this.i] === ')') this.i++;
      // A lookaround matches no character of its own, yet backtracks inside: keep its body's shape.
      return lookaround ? { t: 'seq', items: [body, { t: 'empty' }] } : body;
    }
    if (c === '[') {
      this.i++;
      if (this.s[this.i] === '^') this.i++;
      if (this.s[this.i] === ']') this.i++;
      while (this.i < this.s.length && this.s[this.i] !== ']') {
        if (this.s[this.i] === '\\') this.i++;
        this.i++;
      }
      this.i++;
      return { t: 'any' };
    }
    if (c === '\\') {
      const e = this.s[this.i + 1] ?? '';
      this.i += 2;
      if ('bBAzZ'.includes(e) || /[1-9]/.test(e)) return { t: 'empty' };
      if (e === 'k') {
        this.i = this.s.indexOf('>', this.i) + 1;
        return { t: 'empty' };
      }
      if ('dDwWsSpP'.includes(e)) {
        if ((e === 'p' || e === 'P') && this.s[this.i] === '{') this.i = this.s.indexOf('}', this.i) + 1;
        return { t: 'any' };
      }
      if (e === 'u' || e === 'x' || e === 'c') {
        const m = /^(\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4}|[0-9a-fA-F]{2}|[A-Za-z])/.exec(this.s.slice(this.i));
        if (m !== null) this.i += m[0].length;
        return { t: 'any' };
      }
      return { t: 'char', c: e };
    }
    this.i++;
    if (c === '.') return { t: 'any' };
    if (c === '^' || c === '$') return { t: 'empty' };
    return { t: 'char', c };
  }
}

/** Whether the node holds an unbounded repetition of something that consumes characters. */
function hasUnbounded(n: Node): boolean {
  switch (n.t) {
    case 'quant':
      return (n.max === Number.POSITIVE_INFINITY && consumes(n.body)) || hasUnbounded(n.body);
    case 'seq':
      return n.items.some(hasUnbounded);
    case 'alt':
      return n.branches.some(hasUnbounded);
    default:
      return false;
  }
}

function consumes(n: Node): boolean {
  switch (n.t) {
    case 'char':
    case 'any':
      return true;
    case 'empty':
      return false;
    case 'quant':
      return consumes(n.body);
    case 'seq':
      return n.items.some(consumes);
    case 'alt':
      return n.branches.some(consumes);
    default: {
      const never: never = n;
      return never;
    }
  }
}

/** The characters a match of `n` can start with (`'*'` for any), and whether it can be empty. */
function firsts(n: Node): { chars: Set<string>; nullable: boolean } {
  switch (n.t) {
    case 'char':
      return { chars: new Set([n.c]), nullable: false };
    case 'any':
      return { chars: new Set(['*']), nullable: false };
    case 'empty':
      return { chars: new Set(), nullable: true };
    case 'quant': {
      const f = firsts(n.body);
      return { chars: f.chars, nullable: f.nullable || n.min === 0 };
    }
    case 'alt': {
      const chars = new Set<string>();
      let nullable = false;
      for (const b of n.branches) {
        const f = firsts(b);
        for (const c of f.chars) chars.add(c);
        nullable ||= f.nullable;
      }
      return { chars, nullable };
    }
    case 'seq': {
      const chars = new Set<string>();
      for (const item of n.items) {
        const f = firsts(item);
        for (const c of f.chars) chars.add(c);
        if (!f.nullable) return { chars, nullable: false };
      }
      return { chars, nullable: true };
    }
    default: {
      const never: never = n;
      return never;
    }
  }
}

function overlap(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  if (a.has('*') || b.has('*')) return true;
  for (const c of a) if (b.has(c)) return true;
  return false;
}

/** The alternation directly under `n` (through groups and sequences of one item). */
function alternationOf(n: Node): Node[] | undefined {
  if (n.t === 'alt') return n.branches;
  if (n.t === 'seq' && n.items.length === 1) return alternationOf(n.items[0] as Node);
  return undefined;
}

function findHazard(n: Node): string | undefined {
  switch (n.t) {
    case 'quant': {
      if (n.max === Number.POSITIVE_INFINITY) {
        if (hasUnbounded(n.body)) {
          return `nested quantifier \`${n.src}\` (an unbounded repetition of an unbounded repetition, star height 2)`;
        }
        const branches = alternationOf(n.body);
        if (branches !== undefined) {
          const sets = branches.map((b) => firsts(b).chars);
          for (let i = 0; i < sets.length; i++) {
            for (let j = i + 1; j < sets.length; j++) {
              if (overlap(sets[i] as Set<string>, sets[j] as Set<string>)) {
                return `\`${n.src}\` repeats an alternation whose branches can start with the same character`;
              }
            }
          }
        }
      }
      return findHazard(n.body);
    }
    case 'seq':
      for (const item of n.items) {
        const h = findHazard(item);
        if (h !== undefined) return h;
      }
      return undefined;
    case 'alt':
      for (const b of n.branches) {
        const h = findHazard(b);
        if (h !== undefined) return h;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Problems of a rule's regex: it does not compile, or it can backtrack catastrophically. */
export function regexProblems(pattern: string, flags = ''): RegexProblem[] {
  try {
    new RegExp(pattern, flags);
  } catch (err) {
    return [{ message: `does not compile: ${(err as Error).message}` }];
  }
  const hazard = findHazard(new Parser(pattern).parse());
  return hazard === undefined
    ? []
    : [{ message: `can backtrack catastrophically: ${hazard}; rewrite it without the nesting` }];
}
