/**
 * Structural diff of two rule-set contents, of any kind (plain JSON): what an analyst reads to see
 * what a version changed. Objects are compared key by key; an array whose elements are objects with
 * distinct string `id`s (rules) is matched by id (`rules[authority-sms].weight`), so inserting a rule
 * does not show every later rule as changed; an array of plain values (keywords, list entries) is
 * compared as a set (one `add`/`remove` per element); any other array by index.
 */
import { MAX_DIFF_ENTRIES, type RuleDiffEntry } from '@fenghuo/contracts';

export interface DiffResult {
  readonly entries: RuleDiffEntry[];
  /** More changes than `max`: the rest were left out. */
  readonly truncated: boolean;
}

/** Fields of the envelope that every publish sets anew; not worth listing as changes. */
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(['ruleSetVersion', 'publishedAt', 'publishedBy']);

/** Largest value (JSON characters) kept in a diff entry; larger ones are summarised. */
const MAX_VALUE_CHARS = 2_000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!jsonEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

function ids(list: readonly unknown[]): string[] | undefined {
  const out: string[] = [];
  for (const item of list) {
    if (!isObject(item) || typeof item.id !== 'string') return undefined;
    out.push(item.id);
  }
  return new Set(out).size === out.length ? out : undefined;
}

function shown(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length <= MAX_VALUE_CHARS ? (value as Json) : `(a value of ${text.length} characters)`;
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/**
 * The changes from `before` to `after`, at most `max` of them. `ignore` names top-level fields left
 * out (by default the envelope a publish rewrites: version number, time, publisher).
 */
export function structuralDiff(
  before: unknown,
  after: unknown,
  opts: { readonly max?: number; readonly ignore?: ReadonlySet<string> } = {},
): DiffResult {
  const max = opts.max ?? MAX_DIFF_ENTRIES;
  const ignore = opts.ignore ?? ENVELOPE_FIELDS;
  const entries: RuleDiffEntry[] = [];
  let truncated = false;
  const push = (entry: RuleDiffEntry): boolean => {
    if (entries.length >= max) {
      truncated = true;
      return false;
    }
    const e: RuleDiffEntry = { op: entry.op, path: entry.path };
    if (entry.before !== undefined) e.before = shown(entry.before);
    if (entry.after !== undefined) e.after = shown(entry.after);
    entries.push(e);
    return true;
  };

  const walk = (a: unknown, b: unknown, path: string, top: boolean): boolean => {
    if (jsonEqual(a, b)) return true;
    if (isObject(a) && isObject(b)) {
      const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !Object.hasOwn(a, k))];
      for (const k of keys) {
        if (top && ignore.has(k)) continue;
        const av = a[k];
        const bv = b[k];
        const p = join(path, k);
        if (av === undefined && bv === undefined) continue;
        if (bv === undefined) {
          if (!push({ op: 'remove', path: p, before: av })) return false;
        } else if (av === undefined) {
          if (!push({ op: 'add', path: p, after: bv })) return false;
        } else if (!walk(av, bv, p, false)) return false;
      }
      return true;
    }
    if (Array.isArray(a) && Array.isArray(b)) return walkArray(a, b, path);
    return push({ op: 'change', path, before: a, after: b });
  };

  const walkArray = (a: readonly unknown[], b: readonly unknown[], path: string): boolean => {
    if (a.every(isPrimitive) && b.every(isPrimitive)) {
      const inB = new Set(b.map((v) => JSON.stringify(v)));
      const inA = new Set(a.map((v) => JSON.stringify(v)));
      let changed = false;
      for (const v of a) {
        if (inB.has(JSON.stringify(v))) continue;
        changed = true;
        if (!push({ op: 'remove', path, before: v })) return false;
      }
      for (const v of b) {
        if (inA.has(JSON.stringify(v))) continue;
        changed = true;
        if (!push({ op: 'add', path, after: v })) return false;
      }
      // Same elements in another order (or repeated): show the list as changed.
      if (!changed) return push({ op: 'change', path, before: a, after: b });
      return true;
    }
    const idsA = ids(a);
    const idsB = ids(b);
    if (idsA !== undefined && idsB !== undefined) {
      const byIdB = new Map(b.map((item) => [(item as { id: string }).id, item]));
      const setA = new Set(idsA);
      for (const [i, id] of idsA.entries()) {
        const p = `${path}[${id}]`;
        if (!byIdB.has(id)) {
          if (!push({ op: 'remove', path: p, before: a[i] })) return false;
        } else if (!walk(a[i], byIdB.get(id), p, false)) return false;
      }
      for (const [i, id] of idsB.entries()) {
        if (!setA.has(id) && !push({ op: 'add', path: `${path}[${id}]`, after: b[i] })) return false;
      }
      const commonA = idsA.filter((id) => byIdB.has(id));
      const commonB = idsB.filter((id) => setA.has(id));
      if (commonA.join('\u0000') !== commonB.join('\u0000')) {
        return push({ op: 'change', path: `${path}(order)`, before: commonA, after: commonB });
      }
      return true;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = `${path}[${i}]`;
      if (i >= b.length) {
        if (!push({ op: 'remove', path: p, before: a[i] })) return false;
      } else if (i >= a.length) {
        if (!push({ op: 'add', path: p, after: b[i] })) return false;
      } else if (!walk(a[i], b[i], p, false)) return false;
    }
    return true;
  };

  walk(before, after, '', true);
  return { entries, truncated };
}
