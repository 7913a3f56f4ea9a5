/**
 * The meaning of a fraud rule set, beyond its schema: what the engine would refuse (unknown keyword
 * sets, regexes that do not compile, duplicate rule ids, levels out of order), what would hurt the
 * scorer (regexes that can backtrack catastrophically), and what would silently do nothing (rules
 * that can never fire, levels no score can reach). Each problem names the path into the rule set
 * (`rules[3].when.where[0].set`), as the schema's errors do. Warnings (a disabled rule, a rule of
 * weight 0, an unused keyword set) do not stop a publish.
 */
import {
  ALERT_LEVELS,
  type AlertLevel,
  type Condition,
  type FieldCondition,
  type FieldError,
  type FraudRule,
  type FraudRuleSet,
  type IndicatorPredicate,
} from '@fenghuo/contracts';
import { compileRuleSet, RuleCompileError } from '@fenghuo/engine';
import { type FieldInfo, indicatorFields } from './indicator-fields.ts';
import { regexProblems } from './regex-safety.ts';

export interface SemanticReport {
  readonly problems: FieldError[];
  readonly warnings: FieldError[];
}

/** The `distinct` figure of a window stops at this many values (see docs/rules.md, Granularity). */
const DISTINCT_CAP = 1_000;

interface Ctx {
  readonly rs: FraudRuleSet;
  /** Problems of a disabled rule are only warnings: it does not run. */
  readonly strict: boolean;
  readonly problems: FieldError[];
  readonly warnings: FieldError[];
  readonly usedSets: Set<string>;
}

const problem = (ctx: Ctx, path: string, reason: string) =>
  (ctx.strict ? ctx.problems : ctx.warnings).push({ path, reason });

function describe(v: unknown): string {
  return typeof v === 'string' ? `the string "${v}"` : `${typeof v} ${String(v)}`;
}

function jsonTypeOf(v: unknown): string {
  return typeof v === 'number' ? 'number' : typeof v;
}

/**
 * Why a field condition can never hold on indicators of this kind (or `undefined` when it can).
 * Structural problems (unknown set, bad regex) are reported to `ctx` at their own path.
 */
function neverHolds(
  ctx: Ctx,
  c: FieldCondition,
  kind: IndicatorPredicate['kind'],
  path: string,
): string | undefined {
  const f: FieldInfo | undefined = indicatorFields(kind).get(c.field);
  if (f === undefined) return `${kind} indicators have no field "${c.field}"`;
  const types = [...f.types].join(' or ');
  switch (c.op) {
    case 'eq':
    case 'neq': {
      const t = jsonTypeOf(c.value);
      if (!f.types.has(t as never)) return `${c.field} is ${types}, the value is ${describe(c.value)}`;
      if (c.op === 'eq' && f.values !== undefined && !f.values.has(c.value)) {
        return `${c.field} is one of ${[...f.values].join(', ')}, never ${String(c.value)}`;
      }
      if (c.op === 'neq' && f.values !== undefined && f.values.size === 1 && f.values.has(c.value)) {
        return `${c.field} is always ${String(c.value)}`;
      }
      return undefined;
    }
    case 'in':
    case 'nin': {
      if (f.types.has('array')) return undefined; // any element of a list field (callerTags)
      const possible = c.values.filter((v) => f.types.has(jsonTypeOf(v) as never));
      if (c.op === 'in') {
        if (possible.length === 0) return `${c.field} is ${types}, none of the values is`;
        if (f.values !== undefined && !possible.some((v) => f.values?.has(v))) {
          return `${c.field} is one of ${[...f.values].join(', ')}, none of the values`;
        }
      } else if (f.values !== undefined && [...f.values].every((v) => c.values.includes(v as string))) {
        return `every value ${c.field} can take is excluded`;
      }
      return undefined;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (!f.types.has('number')) return `${c.field} is ${types}, not a number`;
      const v = c.value;
      if (f.max !== undefined && ((c.op === 'gt' && v >= f.max) || (c.op === 'gte' && v > f.max))) {
        return `${c.field} is at most ${f.max}`;
      }
      const low = f.min ?? f.exclusiveMin;
      const open = f.min === undefined && f.exclusiveMin !== undefined;
      if (
        low !== undefined &&
        ((c.op === 'lt' && v <= low) || (c.op === 'lte' && (open ? v <= low : v < low)))
      ) {
        return `${c.field} is ${open ? 'above' : 'at least'} ${low}`;
      }
      return undefined;
    }
    case 'regex': {
      for (const p of regexProblems(c.pattern, c.flags ?? '')) problem(ctx, `${path}.pattern`, p.message);
      return f.types.has('string') ? undefined : `${c.field} is ${types}, not text`;
    }
    case 'keywords': {
      const set = Object.hasOwn(ctx.rs.keywordSets, c.set) ? ctx.rs.keywordSets[c.set] : undefined;
      ctx.usedSets.add(c.set);
      const min = c.minMatches ?? 1;
      if (set === undefined) {
        const known = Object.keys(ctx.rs.keywordSets);
        problem(
          ctx,
          `${path}.set`,
          `unknown keyword set "${c.set}"${known.length > 0 ? ` (the rule set has ${known.join(', ')})` : ''}`,
        );
        return undefined;
      }
      if (c.maxMatches !== undefined && c.maxMatches < min) {
        return `maxMatches ${c.maxMatches} is below minMatches ${min}`;
      }
      if (!f.types.has('string')) return `${c.field} is ${types}, not text`;
      const distinct = new Set(set.map((k) => k.normalize('NFKC').toLowerCase().replace(/\s+/g, ''))).size;
      if (min > distinct) return `needs ${min} distinct keywords of "${c.set}", which has ${distinct}`;
      return undefined;
    }
    case 'listed':
      return f.types.has('string') ? undefined : `${c.field} is ${types}, not a number, payee or app`;
    case 'exists':
      return undefined;
    case 'textModel': {
      if (!(ctx.rs.textModels ?? []).some((m) => m.id === c.model)) {
        const known = (ctx.rs.textModels ?? []).map((m) => m.id);
        problem(
          ctx,
          `${path}.model`,
          `text model "${c.model}" is not in the rule set's textModels${known.length > 0 ? ` (it has ${known.join(', ')})` : ''}`,
        );
        return undefined;
      }
      if (c.maxScore !== undefined && c.maxScore <= c.minScore) {
        return `maxScore ${c.maxScore} is not above minScore ${c.minScore}`;
      }
      return f.types.has('string') ? undefined : `${c.field} is ${types}, not text`;
    }
    default: {
      const never: never = c;
      return `unknown condition ${JSON.stringify(never)}`;
    }
  }
}

/** Numeric conditions on one field that no value satisfies together (`amount > 100` and `amount < 50`). */
function contradiction(where: readonly Condition[]): { index: number; reason: string } | undefined {
  const bounds = new Map<string, { lo: number; loOpen: boolean; hi: number; hiOpen: boolean }>();
  const equals = new Map<string, unknown>();
  for (const [i, c] of where.entries()) {
    if (c.op === 'eq') {
      if (equals.has(c.field) && equals.get(c.field) !== c.value) {
        return {
          index: i,
          reason: `${c.field} cannot equal both ${String(equals.get(c.field))} and ${String(c.value)}`,
        };
      }
      equals.set(c.field, c.value);
      continue;
    }
    if (c.op !== 'gt' && c.op !== 'gte' && c.op !== 'lt' && c.op !== 'lte') continue;
    const b = bounds.get(c.field) ?? {
      lo: Number.NEGATIVE_INFINITY,
      loOpen: true,
      hi: Number.POSITIVE_INFINITY,
      hiOpen: true,
    };
    if (c.op === 'gt' || c.op === 'gte') {
      if (c.value > b.lo || (c.value === b.lo && c.op === 'gt')) {
        b.lo = c.value;
        b.loOpen = c.op === 'gt';
      }
    } else if (c.value < b.hi || (c.value === b.hi && c.op === 'lt')) {
      b.hi = c.value;
      b.hiOpen = c.op === 'lt';
    }
    bounds.set(c.field, b);
    if (b.lo > b.hi || (b.lo === b.hi && (b.loOpen || b.hiOpen))) {
      return { index: i, reason: `no ${c.field} satisfies these bounds together` };
    }
  }
  return undefined;
}

/** Why a predicate can never match (path of the culprit and reason), or `undefined`. */
function predicateNever(
  ctx: Ctx,
  p: IndicatorPredicate,
  path: string,
): { path: string; reason: string } | undefined {
  let first: { path: string; reason: string } | undefined;
  for (const [j, c] of (p.where ?? []).entries()) {
    const cpath = `${path}.where[${j}]`;
    let reason: string | undefined;
    if (c.op === 'any') {
      const reasons = c.of.map((x, k) => neverHolds(ctx, x, p.kind, `${cpath}.of[${k}]`));
      if (reasons.every((r) => r !== undefined)) reason = `none of its branches can hold (${reasons[0]})`;
    } else {
      reason = neverHolds(ctx, c, p.kind, cpath);
    }
    if (reason !== undefined) first ??= { path: cpath, reason };
  }
  if (first !== undefined) return first;
  const clash = contradiction(p.where ?? []);
  return clash === undefined ? undefined : { path: `${path}.where[${clash.index}]`, reason: clash.reason };
}

/** Why a rule can never fire, or `undefined`. */
function ruleNever(ctx: Ctx, rule: FraudRule, path: string): { path: string; reason: string } | undefined {
  switch (rule.kind) {
    case 'match':
      return predicateNever(ctx, rule.when, `${path}.when`);
    case 'window': {
      const never = predicateNever(ctx, rule.when, `${path}.when`);
      if (never !== undefined) return never;
      if (rule.aggregate !== 'count') {
        if (rule.field === undefined) {
          problem(ctx, `${path}.field`, `aggregate "${rule.aggregate}" needs a field`);
          return undefined;
        }
        const f = indicatorFields(rule.when.kind).get(rule.field);
        if (f === undefined) {
          return {
            path: `${path}.field`,
            reason: `${rule.when.kind} indicators have no field "${rule.field}"`,
          };
        }
        if (rule.aggregate === 'sum' && !f.types.has('number')) {
          return { path: `${path}.field`, reason: `${rule.field} is not a number: there is nothing to sum` };
        }
      }
      if (
        rule.aggregate === 'distinct' &&
        ((rule.op === 'gte' && rule.threshold > DISTINCT_CAP) ||
          (rule.op === 'gt' && rule.threshold >= DISTINCT_CAP))
      ) {
        return {
          path: `${path}.threshold`,
          reason: `a distinct count stops at ${DISTINCT_CAP} values, so it never goes ${rule.op === 'gt' ? 'over' : 'to'} ${rule.threshold}`,
        };
      }
      return undefined;
    }
    case 'sequence': {
      for (const [k, step] of rule.steps.entries()) {
        const never = predicateNever(ctx, step, `${path}.steps[${k}]`);
        if (never !== undefined) return never;
      }
      return undefined;
    }
    default: {
      const never: never = rule;
      return { path, reason: `unknown rule kind ${JSON.stringify(never)}` };
    }
  }
}

function levelChecks(rs: FraudRuleSet, maxScore: number, problems: FieldError[]): void {
  const { levels } = rs;
  if (!(levels.notice <= levels.warning && levels.warning <= levels.urgent)) {
    problems.push({ path: 'levels', reason: 'levels must satisfy notice <= warning <= urgent' });
    return;
  }
  if (levels.notice <= 0) {
    problems.push({ path: 'levels.notice', reason: 'must be above 0 (every resident would be alerted)' });
    return;
  }
  const denyList = rs.lists.deny;
  const denyReaches =
    denyList.numbers.length + denyList.payees.length + denyList.apps.length > 0
      ? (rs.denyLevel ?? 'warning')
      : undefined;
  ALERT_LEVELS.forEach((level: AlertLevel, i) => {
    if (level === denyReaches) return; // a deny-listed indicator lifts an alert to it, whatever the score
    const next = ALERT_LEVELS[i + 1];
    if (next !== undefined && levels[level] === levels[next]) {
      problems.push({
        path: `levels.${level}`,
        reason: `unreachable: equal to ${next} (${levels[next]}), so a score reaching it is a ${next}`,
      });
    } else if (levels[level] > maxScore) {
      problems.push({
        path: `levels.${level}`,
        reason: `unreachable: the enabled rules that can fire add up to at most ${maxScore}`,
      });
    }
  });
}

export function fraudSemantics(rs: FraudRuleSet): SemanticReport {
  const problems: FieldError[] = [];
  const warnings: FieldError[] = [];
  const usedSets = new Set<string>();
  const ids = new Map<string, number>();
  let maxScore = 0;
  for (const [i, rule] of rs.rules.entries()) {
    const path = `rules[${i}]`;
    const enabled = rule.enabled !== false;
    const ctx: Ctx = { rs, strict: enabled, problems, warnings, usedSets };
    if (ids.has(rule.id)) {
      problems.push({
        path: `${path}.id`,
        reason: `duplicate rule id "${rule.id}" (also rules[${ids.get(rule.id)}])`,
      });
    } else ids.set(rule.id, i);
    if (!enabled) warnings.push({ path, reason: 'disabled: it never fires' });
    const never = ruleNever(ctx, rule, path);
    if (never !== undefined) {
      problem(ctx, never.path, `rule ${rule.id} can never fire: ${never.reason}`);
      continue;
    }
    if (!enabled) continue;
    if (rule.weight === 0 && (rule.typeWeight ?? 0) === 0)
      warnings.push({ path: `${path}.weight`, reason: 'weight 0: it adds nothing to the score' });
    maxScore += Math.max(0, rule.weight);
  }
  levelChecks(rs, maxScore, problems);

  for (const [name, words] of Object.entries(rs.keywordSets)) {
    if (!usedSets.has(name))
      warnings.push({ path: `keywordSets.${name}`, reason: 'no rule uses this keyword set' });
    const seen = new Set<string>();
    for (const w of words) {
      const k = w.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
      if (seen.has(k)) warnings.push({ path: `keywordSets.${name}`, reason: `"${w}" is listed twice` });
      seen.add(k);
    }
  }
  for (const list of ['numbers', 'payees', 'apps'] as const) {
    const allowed = new Set(rs.lists.allow[list]);
    for (const v of rs.lists.deny[list]) {
      if (allowed.has(v)) {
        warnings.push({ path: `lists.deny.${list}`, reason: `"${v}" is on the allow list too (allow wins)` });
      }
    }
  }

  // Last, the engine itself: anything it refuses that the checks above did not name.
  if (problems.length === 0) {
    try {
      compileRuleSet(rs);
    } catch (err) {
      if (!(err instanceof RuleCompileError)) throw err;
      const index = err.ruleId === undefined ? -1 : rs.rules.findIndex((r) => r.id === err.ruleId);
      problems.push({ path: index >= 0 ? `rules[${index}]` : '', reason: err.message });
    }
  }
  return { problems, warnings };
}
