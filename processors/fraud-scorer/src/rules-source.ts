/**
 * The rule set in force: the built-in pack until a newer version of the configured rule set id
 * arrives on `rules.sets`; a rule set that fails to compile is logged and ignored (the old one stays).
 * Shadow versions (under `<ruleSetId>#shadow`) are never taken as live: `ShadowRules` takes them.
 */
import { isShadow, type RuleSet } from '@fenghuo/contracts';
import { type CompiledRuleSet, compileRuleSet, RuleCompileError } from '@fenghuo/engine';

export interface RuleUpdateResult {
  readonly applied: boolean;
  readonly reason: string;
}

export class RulesSource {
  private compiled: CompiledRuleSet;

  constructor(
    initial: CompiledRuleSet,
    private readonly ruleSetId: string,
  ) {
    this.compiled = initial;
  }

  current = (): CompiledRuleSet => this.compiled;

  offer(ruleSet: RuleSet): RuleUpdateResult {
    if (ruleSet.kind !== 'fraud') return { applied: false, reason: `kind ${ruleSet.kind}` };
    if (isShadow(ruleSet)) return { applied: false, reason: 'shadow version (scored beside, not live)' };
    if (ruleSet.ruleSetId !== this.ruleSetId)
      return { applied: false, reason: `other rule set ${ruleSet.ruleSetId}` };
    const cur = this.compiled;
    if (cur.ruleSetId === ruleSet.ruleSetId && ruleSet.ruleSetVersion <= cur.ruleSetVersion) {
      return {
        applied: false,
        reason: `version ${ruleSet.ruleSetVersion} not newer than ${cur.ruleSetVersion}`,
      };
    }
    try {
      this.compiled = compileRuleSet(ruleSet);
      return { applied: true, reason: `now ${ruleSet.ruleSetId} v${ruleSet.ruleSetVersion}` };
    } catch (err) {
      if (err instanceof RuleCompileError)
        return { applied: false, reason: `does not compile: ${err.message}` };
      throw err;
    }
  }
}
