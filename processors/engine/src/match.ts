/**
 * Stateless evaluation: which rules' per-indicator predicates hold for one indicator, with no
 * subject state, windows or lists. For tools that ask "which rules would look at this indicator"
 * (backtests, rule editors) and for comparing the compiled evaluator with other rule engines.
 */
import type { FraudIndicator } from '@fenghuo/contracts';
import { type CompiledRuleSet, EvalContext } from './compile.ts';
import { UnreachableError } from './errors.ts';

/**
 * Ids of the rules whose predicate holds for `ind`, in rule-set order: match and window rules by
 * their `when`, sequence rules when any of their steps holds.
 */
export function matchingRules(c: CompiledRuleSet, ind: FraudIndicator): string[] {
  const rules = c.byKind.get(ind.kind);
  if (rules === undefined) return [];
  const ctx = new EvalContext(ind, c.keywordSets);
  const out: string[] = [];
  for (const rule of rules) {
    switch (rule.kind) {
      case 'match':
      case 'window':
        if (rule.when.test(ctx)) out.push(rule.id);
        break;
      case 'sequence':
        if (rule.steps.some((s) => s.kind === ind.kind && s.test(ctx))) out.push(rule.id);
        break;
      default: {
        const never: never = rule;
        throw new UnreachableError('rule kind', never);
      }
    }
  }
  return out;
}
