/**
 * Compiles a {@link FraudRuleSet} once into fast matchers: predicates as closures over precompiled
 * field getters, regexes, list sets and one keyword automaton; rules indexed by indicator kind so an
 * indicator only meets the rules that can fire on it.
 */
import type {
  AlertLevel,
  BilingualText,
  Condition,
  FieldCondition,
  FraudIndicator,
  FraudIndicatorKind,
  FraudRule,
  FraudRuleSet,
  FraudType,
  IndicatorPredicate,
  MatchRule,
  SequenceRule,
  WindowRule,
} from '@fenghuo/contracts';
import { canonicalNumber } from '@fenghuo/kit/mask';
import { RuleCompileError, TextModelError, UnreachableError } from './errors.ts';
import { KeywordSets } from './keywords.ts';
import { TextMemo } from './memo.ts';
import { type CompiledTemplate, compileTemplate } from './template.ts';
import { builtinTextModels, type TextModelResolver } from './text-model/registry.ts';
import type { TextAnalysis, TextModel, TextModelScore } from './text-model/text-model.ts';
import { bucketWidth, distinctCap } from './window.ts';

const MINUTE_MS = 60_000;

/** A `textModel` condition that held: what the model said about which field, for explanations. */
export interface ModelHit {
  readonly model: string;
  readonly field: string;
  readonly score: TextModelScore;
}

/** Texts whose analysis each text model's memo keeps, and the longest kept (see memo.ts). */
const MEMO_TEXTS = 4_096;
const MEMO_MAX_CHARS = 2_048;

/**
 * Analyses of recently seen texts, per text model: models are read-only and shared by every rule set
 * that names them (a backtest's two versions, a shadow version), and a text is analysed the same way
 * whichever rule asks.
 */
const analysisMemos = new WeakMap<TextModel, TextMemo<TextAnalysis>>();
/** Each remembered analysis's score with its strongest n-grams, once asked for. */
const explainedScores = new WeakMap<TextAnalysis, TextModelScore>();

function analyseText(model: TextModel, text: string): TextAnalysis {
  let memo = analysisMemos.get(model);
  if (memo === undefined) {
    memo = new TextMemo<TextAnalysis>(MEMO_TEXTS, MEMO_MAX_CHARS);
    analysisMemos.set(model, memo);
  }
  let a = memo.get(text);
  if (a === undefined) {
    a = model.analyse(text);
    memo.set(text, a);
  }
  return a;
}

function explainedScore(model: TextModel, a: TextAnalysis): TextModelScore {
  let s = explainedScores.get(a);
  if (s === undefined) {
    s = model.explained(a);
    explainedScores.set(a, s);
  }
  return s;
}

const NO_KEYWORDS: readonly string[] = [];
const NO_HITS: ReadonlyMap<string, readonly string[]> = new Map();

/**
 * Per-indicator evaluation scratch: keyword hits and text-model scores are computed once per field
 * (and model), whatever the number of rules that ask, and remembered across indicators for texts
 * seen recently. An indicator has one text field at most (a few in a custom rule set): the first
 * field's results are kept in fields, others in a map made when needed.
 */
export class EvalContext {
  private kwField: string | undefined;
  private kwHits: ReadonlyMap<string, readonly string[]> = NO_HITS;
  private kwMore: Map<string, ReadonlyMap<string, readonly string[]>> | undefined;
  private aModel: TextModel | undefined;
  private aField: string | undefined;
  private aResult: TextAnalysis | undefined;
  private aMore: Map<string, TextAnalysis> | undefined;
  /** In the order found, each once (an array: an indicator matches a few keywords at most). */
  private keywords: string[] | undefined;
  /** One per model and field, in the order recorded. */
  private hits: ModelHit[] | undefined;
  private changes = 0;
  /** The scorer's explanation pieces of this indicator, made from the matches at {@link version}. */
  explanation: unknown;

  constructor(
    readonly indicator: FraudIndicator,
    private readonly sets: KeywordSets,
  ) {}

  /** Keywords that made a `keywords` condition hold, for explanations (in the order found). */
  get matchedKeywords(): readonly string[] {
    return this.keywords ?? NO_STRINGS;
  }

  /** `textModel` conditions that held, by model and field, with the strongest n-grams. */
  get modelHits(): readonly ModelHit[] {
    return this.hits ?? NO_MODEL_HITS;
  }

  /** Goes up whenever {@link matchedKeywords} or {@link modelHits} grows. */
  get version(): number {
    return this.changes;
  }

  /** Records the keywords of a holding `keywords` condition. */
  addKeywords(found: readonly string[]): void {
    if (found.length === 0) return;
    this.keywords ??= [];
    const before = this.keywords.length;
    for (const k of found) if (!this.keywords.includes(k)) this.keywords.push(k);
    if (this.keywords.length !== before) this.changes++;
  }

  keywordHits(field: string, value: string): ReadonlyMap<string, readonly string[]> {
    if (this.kwField === field) return this.kwHits;
    if (this.kwField === undefined) {
      this.kwField = field;
      this.kwHits = this.sets.hits(value);
      return this.kwHits;
    }
    this.kwMore ??= new Map();
    let hits = this.kwMore.get(field);
    if (hits === undefined) {
      hits = this.sets.hits(value);
      this.kwMore.set(field, hits);
    }
    return hits;
  }

  /** The model's analysis of a field's text (computed once per model and field). */
  private modelAnalysis(model: TextModel, field: string, value: string): TextAnalysis {
    if (this.aModel === model && this.aField === field) return this.aResult as TextAnalysis;
    if (this.aModel === undefined) {
      this.aModel = model;
      this.aField = field;
      this.aResult = analyseText(model, value);
      return this.aResult;
    }
    const key = `${model.id}\u0000${field}`;
    this.aMore ??= new Map();
    let a = this.aMore.get(key);
    if (a === undefined) {
      a = analyseText(model, value);
      this.aMore.set(key, a);
    }
    return a;
  }

  /** The model's score of a field's text (computed once per model and field). */
  modelScore(model: TextModel, field: string, value: string): TextModelScore {
    return this.modelAnalysis(model, field, value).score;
  }

  /** Records a holding `textModel` condition, naming the strongest n-grams (once per model and field). */
  recordModelHit(model: TextModel, field: string, value: string): void {
    if (this.hits !== undefined) {
      for (const h of this.hits) if (h.model === model.id && h.field === field) return;
    }
    const score = explainedScore(model, this.modelAnalysis(model, field, value));
    this.hits ??= [];
    this.hits.push({ model: model.id, field, score });
    this.changes++;
  }
}

const NO_STRINGS: readonly string[] = [];
const NO_MODEL_HITS: readonly ModelHit[] = [];

export type Predicate = (ctx: EvalContext) => boolean;
type Getter = (indicator: FraudIndicator) => unknown;

function getter(path: string): Getter {
  const parts = path.split('.');
  if (parts.length === 1) {
    const key = parts[0] as string;
    return (ind) => (ind as unknown as Record<string, unknown>)[key];
  }
  return (ind) => {
    let v: unknown = ind;
    for (const p of parts) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
}

export interface ListSets {
  readonly numbers: ReadonlySet<string>;
  readonly payees: ReadonlySet<string>;
  readonly apps: ReadonlySet<string>;
}

function listSets(lists: FraudRuleSet['lists']['allow']): ListSets {
  return {
    numbers: new Set(lists.numbers.map(canonicalNumber)),
    payees: new Set(lists.payees.map((p) => p.trim())),
    apps: new Set(lists.apps.map((a) => a.trim().toLowerCase())),
  };
}

function inList(sets: ListSets, list: keyof ListSets, value: string): boolean {
  switch (list) {
    case 'numbers':
      return sets.numbers.has(canonicalNumber(value));
    case 'payees':
      return sets.payees.has(value.trim());
    case 'apps':
      return sets.apps.has(value.trim().toLowerCase());
    default: {
      const never: never = list;
      throw new UnreachableError('list', never);
    }
  }
}

/** What compiling a condition needs besides the condition. */
interface CompileScope {
  readonly ruleSet: FraudRuleSet;
  readonly lists: { allow: ListSets; deny: ListSets };
  /** The rule set's text models, by id. */
  readonly models: ReadonlyMap<string, TextModel>;
  /** The rule set's keyword sets, compiled (shared with the compiled rule set). */
  readonly keywordSets: KeywordSets;
}

function compileFieldCondition(c: FieldCondition, scope: CompileScope, ruleId: string): Predicate {
  const { ruleSet, lists } = scope;
  const get = getter(c.field);
  switch (c.op) {
    case 'eq':
      return (ctx) => get(ctx.indicator) === c.value;
    case 'neq':
      return (ctx) => {
        const v = get(ctx.indicator);
        return v !== undefined && v !== c.value;
      };
    case 'in':
    case 'nin': {
      const set = new Set<unknown>(c.values);
      const want = c.op === 'in';
      return (ctx) => {
        const v = get(ctx.indicator);
        if (v === undefined) return false;
        const has = Array.isArray(v) ? v.some((x) => set.has(x)) : set.has(v);
        return has === want;
      };
    }
    case 'gt':
      return (ctx) => {
        const v = get(ctx.indicator);
        return typeof v === 'number' && v > c.value;
      };
    case 'gte':
      return (ctx) => {
        const v = get(ctx.indicator);
        return typeof v === 'number' && v >= c.value;
      };
    case 'lt':
      return (ctx) => {
        const v = get(ctx.indicator);
        return typeof v === 'number' && v < c.value;
      };
    case 'lte':
      return (ctx) => {
        const v = get(ctx.indicator);
        return typeof v === 'number' && v <= c.value;
      };
    case 'regex': {
      let re: RegExp;
      try {
        re = new RegExp(c.pattern, c.flags ?? '');
      } catch (err) {
        throw new RuleCompileError(`bad regex /${c.pattern}/: ${(err as Error).message}`, ruleId, {
          cause: err,
        });
      }
      const want = c.negate !== true;
      return (ctx) => {
        const v = get(ctx.indicator);
        return typeof v === 'string' && re.test(v) === want;
      };
    }
    case 'keywords': {
      if (!Object.hasOwn(ruleSet.keywordSets, c.set)) {
        throw new RuleCompileError(`unknown keyword set "${c.set}"`, ruleId);
      }
      const min = c.minMatches ?? 1;
      const max = c.maxMatches ?? Number.POSITIVE_INFINITY;
      if (max < min) throw new RuleCompileError(`maxMatches ${max} is below minMatches ${min}`, ruleId);
      return (ctx) => {
        const v = get(ctx.indicator);
        if (typeof v !== 'string') return false;
        const found = ctx.keywordHits(c.field, v).get(c.set) ?? NO_KEYWORDS;
        if (found.length < min || found.length > max) return false;
        ctx.addKeywords(found);
        return true;
      };
    }
    case 'listed': {
      const sets = lists[c.in];
      return (ctx) => {
        const v = get(ctx.indicator);
        return typeof v === 'string' && inList(sets, c.list, v);
      };
    }
    case 'exists':
      return (ctx) => get(ctx.indicator) !== undefined;
    case 'textModel': {
      const model = scope.models.get(c.model);
      if (model === undefined) {
        throw new RuleCompileError(`text model "${c.model}" is not in the rule set's textModels`, ruleId);
      }
      const min = c.minScore;
      const max = c.maxScore ?? Number.POSITIVE_INFINITY;
      if (max <= min) throw new RuleCompileError(`maxScore ${max} is not above minScore ${min}`, ruleId);
      const types = c.types === undefined ? undefined : new Set<string>(c.types);
      const minShare = c.minTypeShare ?? 0;
      const field = c.field;
      return (ctx) => {
        const v = get(ctx.indicator);
        if (typeof v !== 'string') return false;
        const s = ctx.modelScore(model, field, v);
        if (s.fraud < min || s.fraud >= max) return false;
        if (types !== undefined && !types.has(s.type)) return false;
        if (s.typeShare < minShare) return false;
        ctx.recordModelHit(model, field, v);
        return true;
      };
    }
    default: {
      const never: never = c;
      throw new RuleCompileError(`unknown condition ${JSON.stringify(never)}`, ruleId);
    }
  }
}

function compileCondition(c: Condition, scope: CompileScope, ruleId: string): Predicate {
  if (c.op === 'any') {
    const parts = c.of.map((x) => compileFieldCondition(x, scope, ruleId));
    // Evaluate all so every matching keyword is collected for the explanation.
    return (ctx) => {
      let ok = false;
      for (const p of parts) if (p(ctx)) ok = true;
      return ok;
    };
  }
  return compileFieldCondition(c, scope, ruleId);
}

export interface CompiledPredicate {
  readonly kind: FraudIndicatorKind;
  readonly test: Predicate;
  readonly source: IndicatorPredicate;
  /**
   * A field that must hold a string for the predicate to hold, known before anything is evaluated:
   * that of its first condition when the condition reads text (keywords, a text model, a regex, a
   * list), which is false with no side effect when the field is not a string.
   */
  readonly needs: string | undefined;
  /**
   * When the first condition is a `keywords` or `textModel` condition (on the field {@link needs}):
   * whether it is false for a text, a pure function of the text (no side effect: the condition only
   * records its matches when it holds).
   */
  readonly cannotHold: ((text: string) => boolean) | undefined;
}

/** Whether a `keywords` or `textModel` condition is false on `text` (see `CompiledPredicate.cannotHold`). */
function cannotHoldOf(c: Condition | undefined, scope: CompileScope, keywordSets: KeywordSets) {
  if (c === undefined) return undefined;
  if (c.op === 'keywords') {
    const { set } = c;
    const min = c.minMatches ?? 1;
    const max = c.maxMatches ?? Number.POSITIVE_INFINITY;
    return (text: string) => {
      const n = (keywordSets.hits(text).get(set) ?? NO_KEYWORDS).length;
      return n < min || n > max;
    };
  }
  if (c.op === 'textModel') {
    const model = scope.models.get(c.model) as TextModel;
    const min = c.minScore;
    const max = c.maxScore ?? Number.POSITIVE_INFINITY;
    const types = c.types === undefined ? undefined : new Set<string>(c.types);
    const minShare = c.minTypeShare ?? 0;
    return (text: string) => {
      const s = analyseText(model, text).score;
      return (
        s.fraud < min ||
        s.fraud >= max ||
        (types !== undefined && !types.has(s.type)) ||
        s.typeShare < minShare
      );
    };
  }
  return undefined;
}

const TEXT_OPS: ReadonlySet<string> = new Set(['keywords', 'textModel', 'regex', 'listed']);

/** The field a condition needs as a string to hold (see `CompiledPredicate.needs`). */
function textFieldOf(c: Condition | undefined): string | undefined {
  if (c === undefined) return undefined;
  if (c.op === 'any') {
    const fields = new Set(c.of.map((x) => (TEXT_OPS.has(x.op) ? x.field : undefined)));
    const [only] = fields;
    return fields.size === 1 ? only : undefined;
  }
  return TEXT_OPS.has(c.op) ? c.field : undefined;
}

function compilePredicate(p: IndicatorPredicate, scope: CompileScope, ruleId: string): CompiledPredicate {
  const conds = (p.where ?? []).map((c) => compileCondition(c, scope, ruleId));
  const needs = textFieldOf(p.where?.[0]);
  const test: Predicate =
    conds.length === 0
      ? () => true
      : conds.length === 1
        ? (conds[0] as Predicate)
        : (ctx) => {
            for (const c of conds) if (!c(ctx)) return false;
            return true;
          };
  return {
    kind: p.kind,
    test,
    source: p,
    needs,
    cannotHold: needs === undefined ? undefined : cannotHoldOf(p.where?.[0], scope, scope.keywordSets),
  };
}

interface CompiledRuleBase {
  readonly id: string;
  readonly name: string;
  readonly fraudType: FraudType;
  readonly weight: number;
  /** Weight in the vote for the alert's type (`typeWeight`, else the weight when positive). */
  readonly typeWeight: number;
  readonly explain: BilingualText | undefined;
  /** `explain` compiled (placeholders found once). */
  readonly fill: CompiledTemplate | undefined;
  /** Position in the rule set, for stable ordering. */
  readonly order: number;
}
export interface CompiledMatchRule extends CompiledRuleBase {
  readonly kind: 'match';
  readonly when: CompiledPredicate;
}
export interface CompiledWindowRule extends CompiledRuleBase {
  readonly kind: 'window';
  readonly when: CompiledPredicate;
  readonly aggregate: WindowRule['aggregate'];
  readonly value: Getter | undefined;
  readonly field: string | undefined;
  readonly windowMs: number;
  readonly op: WindowRule['op'];
  readonly threshold: number;
  /** Width of the window's time buckets (see window.ts). */
  readonly bucketMs: number;
  /** Most distinct values kept for a `distinct` aggregate. */
  readonly distinctCap: number;
}
export interface CompiledSequenceRule extends CompiledRuleBase {
  readonly kind: 'sequence';
  readonly steps: readonly CompiledPredicate[];
  readonly withinMs: number;
}
export type CompiledRule = CompiledMatchRule | CompiledWindowRule | CompiledSequenceRule;

export interface CompiledRuleSet {
  readonly ruleSetId: string;
  readonly ruleSetVersion: number;
  readonly source: FraudRuleSet;
  readonly levels: FraudRuleSet['levels'];
  readonly denyLevel: AlertLevel;
  readonly cooldownMs: number;
  readonly alertTtlMs: number;
  /** How long per-subject state must be kept: the longest window, sequence, TTL or cooldown. */
  readonly horizonMs: number;
  readonly keywordSets: KeywordSets;
  readonly allow: ListSets;
  readonly deny: ListSets;
  readonly rules: readonly CompiledRule[];
  /** Rules (match and window) whose predicate is on this kind, and sequences with a step on it. */
  readonly byKind: ReadonlyMap<FraudIndicatorKind, readonly CompiledRule[]>;
  /**
   * Per kind, the text fields its match and window rules need (`CompiledPredicate.needs`, at most
   * 31), and per rule of `byKind` the bit of the field it needs (0: none): an indicator without the
   * field skips those rules without evaluating them (a call with no transcript, a hundred rules).
   */
  readonly textGuards: ReadonlyMap<FraudIndicatorKind, TextGuard>;
  /** Window rules by id (a subject's window state of a rule no longer in the set is dropped). */
  readonly windowRules: ReadonlyMap<string, CompiledWindowRule>;
  readonly scripts: FraudRuleSet['scripts'];
  /** The text models the rule set names, loaded and checked, by id. */
  readonly textModels: ReadonlyMap<string, TextModel>;
}

export interface TextGuard {
  readonly fields: readonly Getter[];
  /** `masks[i]`: the bit in `fields` that `byKind`'s i-th rule needs to hold a string, or 0. */
  readonly masks: readonly number[];
  /** `gates[i]`: the i-th rule's `when.cannotHold` (on the text of the field of `masks[i]`). */
  readonly gates: readonly (((text: string) => boolean) | undefined)[];
  /** Per field of `fields`: for recently seen texts, which rules' first condition cannot hold. */
  readonly skips: readonly TextMemo<Uint8Array>[];
  /** Per field of `fields`: for recently seen texts, the rules to evaluate (see {@link rulesToRun}). */
  readonly runs: readonly TextMemo<Int32Array>[];
  /** Per set of missing fields (bits of `fields`), the rules to evaluate when no text says more. */
  readonly byMissing: Map<number, Int32Array>;
}

/** The indexes of the rules of `byKind` whose mask has no bit of `missing` and that `skip` keeps. */
function runList(guard: TextGuard, missing: number, skip: Uint8Array | undefined): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < guard.masks.length; i++) {
    if (((guard.masks[i] ?? 0) & missing) !== 0) continue;
    if (skip !== undefined && skip[i] === 1) continue;
    out.push(i);
  }
  return Int32Array.from(out);
}

/**
 * The indexes (in `byKind` order) of the rules an indicator must be evaluated against: all but those
 * whose first condition reads a text the indicator lacks (`missingText`) and those whose first
 * condition cannot hold on its text (`skippedRules`). Made once per text (for an indicator with one
 * text field) or per set of missing fields, and remembered: an ordinary call or SMS meets the 4 or 5
 * rules that can hold instead of looping over a hundred.
 */
export function rulesToRun(guard: TextGuard, ind: FraudIndicator): Int32Array {
  const missing = missingText(guard, ind);
  const n = guard.fields.length;
  if (n > 0 && n <= 31) {
    const present = ~missing & ((1 << n) - 1);
    if (present !== 0 && (present & (present - 1)) === 0) {
      const f = 31 - Math.clz32(present);
      const text = (guard.fields[f] as Getter)(ind) as string;
      if (text.length <= MEMO_MAX_CHARS) {
        const memo = guard.runs[f] as TextMemo<Int32Array>;
        let run = memo.get(text);
        if (run === undefined) {
          run = runList(guard, missing, skippedRules(guard, ind, missing));
          memo.set(text, run);
        }
        return run;
      }
    }
  }
  let run = guard.byMissing.get(missing);
  if (run === undefined) {
    run = runList(guard, missing, undefined);
    // Sets of missing fields are few (each field is there or not); bounded all the same.
    if (guard.byMissing.size < 1_024) guard.byMissing.set(missing, run);
  }
  return run;
}

/** The bits of the guard's fields that do not hold a string in the indicator. */
export function missingText(guard: TextGuard, ind: FraudIndicator): number {
  let missing = 0;
  for (let f = 0; f < guard.fields.length; f++)
    if (typeof (guard.fields[f] as Getter)(ind) !== 'string') missing |= 1 << f;
  return missing;
}

/**
 * Per rule of `byKind` (1 = skip), the rules whose first condition cannot hold on the indicator's
 * text (`gates`), for an indicator with exactly one of the guard's text fields (an SMS's text); the
 * check is made once per text and remembered (texts recur). Undefined when nothing is known: no
 * gated rule, several or no text fields present, or a text too long to remember (a call transcript,
 * whose analysis is not remembered either).
 */
export function skippedRules(guard: TextGuard, ind: FraudIndicator, missing: number): Uint8Array | undefined {
  const n = guard.fields.length;
  if (n === 0 || n > 31) return undefined;
  const present = ~missing & ((1 << n) - 1);
  // Exactly one field present: its bit.
  if (present === 0 || (present & (present - 1)) !== 0) return undefined;
  const f = 31 - Math.clz32(present);
  const text = (guard.fields[f] as Getter)(ind) as string;
  if (text.length > MEMO_MAX_CHARS) return undefined;
  const memo = guard.skips[f] as TextMemo<Uint8Array>;
  let skip = memo.get(text);
  if (skip === undefined) {
    skip = new Uint8Array(guard.masks.length);
    const bit = 1 << f;
    for (let i = 0; i < skip.length; i++) {
      const gate = guard.gates[i];
      if (gate !== undefined && guard.masks[i] === bit && gate(text)) skip[i] = 1;
    }
    memo.set(text, skip);
  }
  return skip;
}

function textGuard(rules: readonly CompiledRule[]): TextGuard {
  const fields: string[] = [];
  const masks = rules.map((r) => {
    const needs = r.kind === 'sequence' ? undefined : r.when.needs;
    if (needs === undefined) return 0;
    let f = fields.indexOf(needs);
    if (f < 0 && fields.length < 31) f = fields.push(needs) - 1;
    return f < 0 ? 0 : 1 << f;
  });
  const gates = rules.map((r, i) =>
    r.kind === 'sequence' || masks[i] === 0 ? undefined : r.when.cannotHold,
  );
  return {
    fields: fields.map(getter),
    masks,
    gates,
    skips: fields.map(() => new TextMemo<Uint8Array>(MEMO_TEXTS, MEMO_MAX_CHARS)),
    runs: fields.map(() => new TextMemo<Int32Array>(MEMO_TEXTS, MEMO_MAX_CHARS)),
    byMissing: new Map(),
  };
}

export interface CompileOptions {
  /**
   * Where the rule set's text models are found and checked.
   * @defaultValue the engine's built-in models ({@link builtinTextModels})
   */
  readonly textModels?: TextModelResolver;
}

/** Loads and checks the rule set's text models; a missing or different file fails the compile. */
function resolveModels(ruleSet: FraudRuleSet, resolver: TextModelResolver): Map<string, TextModel> {
  const models = new Map<string, TextModel>();
  for (const ref of ruleSet.textModels ?? []) {
    if (models.has(ref.id)) throw new RuleCompileError(`text model "${ref.id}" is listed twice`);
    try {
      models.set(ref.id, resolver.resolve(ref));
    } catch (err) {
      if (err instanceof TextModelError) throw new RuleCompileError(err.message, undefined, { cause: err });
      throw err;
    }
  }
  return models;
}

function compileRule(rule: FraudRule, order: number, scope: CompileScope): CompiledRule {
  const base = {
    id: rule.id,
    name: rule.name,
    fraudType: rule.fraudType,
    weight: rule.weight,
    typeWeight: rule.typeWeight ?? Math.max(0, rule.weight),
    explain: rule.explain,
    fill: rule.explain === undefined ? undefined : compileTemplate(rule.explain),
    order,
  };
  switch (rule.kind) {
    case 'match': {
      const r: MatchRule = rule;
      return { ...base, kind: 'match', when: compilePredicate(r.when, scope, r.id) };
    }
    case 'window': {
      const r: WindowRule = rule;
      if (r.aggregate !== 'count' && r.field === undefined) {
        throw new RuleCompileError(`aggregate "${r.aggregate}" needs a field`, r.id);
      }
      return {
        ...base,
        kind: 'window',
        when: compilePredicate(r.when, scope, r.id),
        aggregate: r.aggregate,
        value: r.field === undefined ? undefined : getter(r.field),
        field: r.field,
        windowMs: r.windowMin * MINUTE_MS,
        op: r.op,
        threshold: r.threshold,
        bucketMs: bucketWidth(r.windowMin * MINUTE_MS),
        distinctCap: distinctCap(r.threshold),
      };
    }
    case 'sequence': {
      const r: SequenceRule = rule;
      return {
        ...base,
        kind: 'sequence',
        steps: r.steps.map((s) => compilePredicate(s, scope, r.id)),
        withinMs: r.withinMin * MINUTE_MS,
      };
    }
    default: {
      const never: never = rule;
      throw new RuleCompileError(`unknown rule kind ${JSON.stringify(never)}`);
    }
  }
}

export function compileRuleSet(ruleSet: FraudRuleSet, options: CompileOptions = {}): CompiledRuleSet {
  const { levels } = ruleSet;
  if (!(levels.notice <= levels.warning && levels.warning <= levels.urgent)) {
    throw new RuleCompileError('levels must satisfy notice <= warning <= urgent');
  }
  if (levels.notice <= 0) throw new RuleCompileError('levels.notice must be above 0');
  const ids = new Set<string>();
  for (const r of ruleSet.rules) {
    if (ids.has(r.id)) throw new RuleCompileError('duplicate rule id', r.id);
    ids.add(r.id);
  }
  const lists = { allow: listSets(ruleSet.lists.allow), deny: listSets(ruleSet.lists.deny) };
  const models = resolveModels(ruleSet, options.textModels ?? builtinTextModels);
  const keywordSets = new KeywordSets(ruleSet.keywordSets);
  const scope: CompileScope = { ruleSet, lists, models, keywordSets };
  const rules = ruleSet.rules.filter((r) => r.enabled !== false).map((r, i) => compileRule(r, i, scope));
  const byKind = new Map<FraudIndicatorKind, CompiledRule[]>();
  const add = (kind: FraudIndicatorKind, r: CompiledRule) => {
    const list = byKind.get(kind) ?? [];
    if (!list.includes(r)) list.push(r);
    byKind.set(kind, list);
  };
  const windowRules = new Map<string, CompiledWindowRule>();
  let horizonMs = Math.max(ruleSet.alertTtlMin, ruleSet.cooldownMin) * MINUTE_MS;
  for (const r of rules) {
    if (r.kind === 'sequence') {
      for (const s of r.steps) add(s.kind, r);
      horizonMs = Math.max(horizonMs, r.withinMs);
    } else {
      add(r.when.kind, r);
      if (r.kind === 'window') {
        horizonMs = Math.max(horizonMs, r.windowMs);
        windowRules.set(r.id, r);
      }
    }
  }
  return {
    ruleSetId: ruleSet.ruleSetId,
    ruleSetVersion: ruleSet.ruleSetVersion,
    source: ruleSet,
    levels,
    denyLevel: ruleSet.denyLevel ?? 'warning',
    cooldownMs: ruleSet.cooldownMin * MINUTE_MS,
    alertTtlMs: ruleSet.alertTtlMin * MINUTE_MS,
    horizonMs,
    keywordSets,
    allow: lists.allow,
    deny: lists.deny,
    rules,
    byKind,
    textGuards: new Map([...byKind].map(([kind, list]) => [kind, textGuard(list)])),
    windowRules,
    scripts: ruleSet.scripts,
    textModels: models,
  };
}

/** The number, payee or app an indicator is about, checked against the allow and deny lists. */
export function listedEntity(
  ind: FraudIndicator,
): { list: keyof ListSets; value: string; alt?: string } | undefined {
  switch (ind.kind) {
    case 'call':
      return { list: 'numbers', value: ind.callerNumber };
    case 'sms':
      return { list: 'numbers', value: ind.senderNumber };
    case 'transfer':
      return { list: 'payees', value: ind.payeeAccount };
    case 'app_install':
      return { list: 'apps', value: ind.appId, alt: ind.appName };
    case 'report':
      return undefined;
    default: {
      const never: never = ind;
      throw new UnreachableError('indicator kind', never);
    }
  }
}

export function listStatus(compiled: CompiledRuleSet, ind: FraudIndicator): 'allow' | 'deny' | undefined {
  // As listedEntity + inList on each list, with each value canonicalised once.
  switch (ind.kind) {
    case 'call':
      return numberStatus(compiled, ind.callerNumber);
    case 'sms':
      return numberStatus(compiled, ind.senderNumber);
    case 'transfer': {
      const { allow, deny } = compiled;
      if (allow.payees.size === 0 && deny.payees.size === 0) return undefined;
      const payee = ind.payeeAccount.trim();
      if (allow.payees.has(payee)) return 'allow';
      if (deny.payees.has(payee)) return 'deny';
      return undefined;
    }
    case 'app_install': {
      const { allow, deny } = compiled;
      if (allow.apps.size === 0 && deny.apps.size === 0) return undefined;
      const id = ind.appId.trim().toLowerCase();
      const name = ind.appName.trim().toLowerCase();
      if (allow.apps.has(id) || allow.apps.has(name)) return 'allow';
      if (deny.apps.has(id) || deny.apps.has(name)) return 'deny';
      return undefined;
    }
    case 'report':
      return undefined;
    default: {
      const never: never = ind;
      throw new UnreachableError('indicator kind', never);
    }
  }
}

function numberStatus(compiled: CompiledRuleSet, raw: string): 'allow' | 'deny' | undefined {
  const { allow, deny } = compiled;
  if (allow.numbers.size === 0 && deny.numbers.size === 0) return undefined;
  const n = canonicalNumber(raw);
  if (allow.numbers.has(n)) return 'allow';
  if (deny.numbers.has(n)) return 'deny';
  return undefined;
}
