/**
 * A rule set as it would be without its text models: rules that ask only the model are dropped,
 * `textModel` conditions are taken out of the others (a rule gated by the model then holds on its
 * keywords alone), and `textModels` goes. For measuring what the model adds ("rules alone" in
 * `npm run eval:fraud-text`, "without the model" in `bench:scorer`).
 */
import type { Condition, FraudRule, FraudRuleSet, IndicatorPredicate } from '@fenghuo/contracts';

/** The predicate without model conditions, or undefined when it had nothing else. */
function stripPredicate(p: IndicatorPredicate): IndicatorPredicate | undefined {
  const where = p.where ?? [];
  if (where.length > 0 && where.every((c) => c.op === 'textModel')) return undefined;
  const kept: Condition[] = [];
  for (const c of where) {
    if (c.op === 'textModel') continue;
    if (c.op === 'any') {
      const of = c.of.filter((x) => x.op !== 'textModel');
      if (of.length === 0) continue;
      kept.push(of.length === 1 ? (of[0] as Condition) : { ...c, of });
      continue;
    }
    kept.push(c);
  }
  return { ...p, where: kept };
}

function stripRule(rule: FraudRule): FraudRule | undefined {
  switch (rule.kind) {
    case 'match':
    case 'window': {
      const when = stripPredicate(rule.when);
      return when === undefined ? undefined : { ...rule, when };
    }
    case 'sequence': {
      const steps = rule.steps.map(stripPredicate);
      if (steps.some((s) => s === undefined)) return undefined;
      return { ...rule, steps: steps as IndicatorPredicate[] };
    }
    default: {
      const never: never = rule;
      throw new Error(`unknown rule kind ${JSON.stringify(never)}`);
    }
  }
}

export function withoutTextModels(ruleSet: FraudRuleSet): FraudRuleSet {
  const { textModels: _dropped, ...rest } = ruleSet;
  return {
    ...rest,
    rules: ruleSet.rules.flatMap((r) => {
      const s = stripRule(r);
      return s === undefined ? [] : [s];
    }),
  };
}
