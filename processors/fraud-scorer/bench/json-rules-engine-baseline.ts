/**
 * The baseline for `vsJsonRulesEngine` in bench:scorer: the same rules, as stateless match rules,
 * evaluated over the same indicators by our compiled engine (`matchingRules`) and by the npm package
 * json-rules-engine. Their rules are a faithful translation of ours: one rule per rule, `all` of the
 * indicator kind and the conditions; operators the library lacks (keyword counts, "any element in",
 * regex, lists) are custom operators written the way a user of the library would write them, and
 * keyword conditions read a cached dynamic fact holding the normalised text (normalised once per
 * indicator and field, as our engine does), and the kind is tested first (a higher condition priority
 * stops the library at the first condition that fails). The bench checks that both engines agree on every
 * indicator before it compares speeds.
 */
import type {
  Condition,
  FieldCondition,
  FraudIndicator,
  FraudRule,
  FraudRuleSet,
  IndicatorPredicate,
} from '@fenghuo/contracts';
import { type CompiledRuleSet, compileRuleSet, matchingRules, normalizeText } from '@fenghuo/engine';
import { canonicalNumber } from '@fenghuo/kit/mask';
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';

type JreCondition = TopLevelCondition | { fact: string; operator: string; value: unknown; params?: object };

/** A rule as a stateless match rule: window rules by their predicate, sequences by their first step. */
function asMatchRule(rule: FraudRule): FraudRule {
  switch (rule.kind) {
    case 'match':
      return rule;
    case 'window':
      return {
        id: rule.id,
        name: rule.name,
        fraudType: rule.fraudType,
        weight: rule.weight,
        kind: 'match',
        when: rule.when,
      };
    case 'sequence': {
      const first = rule.steps[0];
      if (first === undefined) throw new Error(`sequence ${rule.id} has no steps`);
      return {
        id: rule.id,
        name: rule.name,
        fraudType: rule.fraudType,
        weight: rule.weight,
        kind: 'match',
        when: first,
      };
    }
    default: {
      const never: never = rule;
      throw new Error(`unknown rule ${JSON.stringify(never)}`);
    }
  }
}

/** The rule set with every rule as a stateless match rule. */
export function statelessRuleSet(rs: FraudRuleSet): FraudRuleSet {
  return { ...rs, rules: rs.rules.map(asMatchRule) };
}

function fieldCondition(c: FieldCondition, rs: FraudRuleSet): JreCondition {
  if (c.field.includes('.')) throw new Error(`nested field ${c.field} not translated`);
  const fact = c.field;
  switch (c.op) {
    case 'eq':
      return { fact, operator: 'equal', value: c.value };
    case 'neq':
      return { fact, operator: 'definedNotEqual', value: c.value };
    case 'in':
      return { fact, operator: 'anyIn', value: c.values };
    case 'nin':
      return { fact, operator: 'noneIn', value: c.values };
    case 'gt':
      return { fact, operator: 'greaterThan', value: c.value };
    case 'gte':
      return { fact, operator: 'greaterThanInclusive', value: c.value };
    case 'lt':
      return { fact, operator: 'lessThan', value: c.value };
    case 'lte':
      return { fact, operator: 'lessThanInclusive', value: c.value };
    case 'regex':
      return {
        fact,
        operator: 'matchesRegex',
        value: { pattern: c.pattern, flags: c.flags ?? '', negate: c.negate === true },
      };
    case 'keywords': {
      const words = [...new Set((rs.keywordSets[c.set] ?? []).map(normalizeText))].filter(
        (w) => w.length > 0,
      );
      return {
        fact: 'normalized',
        params: { field: c.field },
        operator: 'keywordCount',
        value: { words, min: c.minMatches ?? 1, max: c.maxMatches ?? Number.POSITIVE_INFINITY },
      };
    }
    case 'listed':
      return { fact, operator: 'listed', value: { list: c.list, in: c.in } };
    case 'exists':
      return { fact, operator: 'isDefined', value: true };
    case 'textModel':
      // The comparison is of rule evaluation; the bench's rule set for it has no model conditions.
      throw new Error('textModel conditions have no json-rules-engine equivalent');
    default: {
      const never: never = c;
      throw new Error(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}

function condition(c: Condition, rs: FraudRuleSet): JreCondition {
  if (c.op === 'any') return { any: c.of.map((x) => fieldCondition(x, rs)) } as TopLevelCondition;
  return fieldCondition(c, rs);
}

function predicate(p: IndicatorPredicate, rs: FraudRuleSet): TopLevelCondition {
  return {
    // A higher priority makes the library test the kind first and skip the rest when it differs.
    all: [
      { fact: 'kind', operator: 'equal', value: p.kind, priority: 10 },
      ...(p.where ?? []).map((c) => condition(c, rs)),
    ],
  } as TopLevelCondition;
}

/** json-rules-engine with our (stateless) rules and the operators they need. */
export function jsonRulesEngine(rs: FraudRuleSet): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  const canonical = (list: 'numbers' | 'payees' | 'apps', v: string) =>
    list === 'numbers' ? canonicalNumber(v) : list === 'apps' ? v.trim().toLowerCase() : v.trim();
  const listSets = new Map<string, Set<string>>();
  for (const which of ['allow', 'deny'] as const)
    for (const list of ['numbers', 'payees', 'apps'] as const)
      listSets.set(`${which}.${list}`, new Set(rs.lists[which][list].map((v) => canonical(list, v))));
  engine.addOperator('definedNotEqual', (a: unknown, b: unknown) => a !== undefined && a !== b);
  engine.addOperator('anyIn', (a: unknown, b: unknown[]) =>
    a === undefined ? false : Array.isArray(a) ? a.some((x) => b.includes(x)) : b.includes(a),
  );
  engine.addOperator('noneIn', (a: unknown, b: unknown[]) =>
    a === undefined ? false : Array.isArray(a) ? !a.some((x) => b.includes(x)) : !b.includes(a),
  );
  engine.addOperator('matchesRegex', (a: unknown, b: { pattern: string; flags: string; negate: boolean }) =>
    typeof a === 'string' ? new RegExp(b.pattern, b.flags).test(a) !== b.negate : false,
  );
  engine.addOperator('isDefined', (a: unknown) => a !== undefined);
  engine.addOperator(
    'listed',
    (a: unknown, b: { list: 'numbers' | 'payees' | 'apps'; in: 'allow' | 'deny' }) => {
      return typeof a === 'string' && (listSets.get(`${b.in}.${b.list}`)?.has(canonical(b.list, a)) ?? false);
    },
  );
  engine.addOperator('keywordCount', (text: unknown, k: { words: string[]; min: number; max: number }) => {
    if (typeof text !== 'string') return false;
    let n = 0;
    for (const w of k.words) {
      if (text.includes(w)) n++;
      if (n > k.max) return false;
    }
    return n >= k.min;
  });
  engine.addFact('normalized', async (params, almanac) => {
    const v: unknown = await almanac.factValue(String(params.field));
    return typeof v === 'string' ? normalizeText(v) : undefined;
  });
  for (const rule of rs.rules) {
    if (rule.kind !== 'match') throw new Error(`rule ${rule.id} is not a match rule`);
    const props: RuleProperties = {
      name: rule.id,
      conditions: predicate(rule.when, rs),
      event: { type: rule.id },
    };
    engine.addRule(props);
  }
  return engine;
}

export interface EngineComparison {
  readonly indicators: number;
  readonly rules: number;
  /** Indicators on which both engines named exactly the same rules (must be all of them). */
  readonly agreeing: number;
  readonly matches: number;
  readonly oursPerSec: number;
  readonly theirsPerSec: number;
}

/** Times both engines over the same indicators (ours over several passes, for a stable clock). */
export async function compareEngines(
  rs: FraudRuleSet,
  indicators: readonly FraudIndicator[],
): Promise<EngineComparison> {
  const stateless = statelessRuleSet(rs);
  const ours: CompiledRuleSet = compileRuleSet(stateless);
  const theirs = jsonRulesEngine(stateless);

  let agreeing = 0;
  let matches = 0;
  for (const ind of indicators) {
    const a = matchingRules(ours, ind).sort();
    const b = (await theirs.run({ ...ind })).events.map((e) => e.type).sort();
    if (a.join(',') === b.join(',')) agreeing++;
    matches += a.length;
  }

  // Warm both up, then time.
  for (const ind of indicators.slice(0, 1_000)) matchingRules(ours, ind);
  const passes = 5;
  let t = performance.now();
  for (let p = 0; p < passes; p++) for (const ind of indicators) matchingRules(ours, ind);
  const oursPerSec = (passes * indicators.length) / ((performance.now() - t) / 1000);
  t = performance.now();
  for (const ind of indicators) await theirs.run({ ...ind });
  const theirsPerSec = indicators.length / ((performance.now() - t) / 1000);
  return {
    indicators: indicators.length,
    rules: stateless.rules.length,
    agreeing,
    matches,
    oursPerSec,
    theirsPerSec,
  };
}
