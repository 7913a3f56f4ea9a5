/**
 * The complaint-risk rules in force: the built-in set until a newer version of the configured id
 * (`ROUTER_COMPLAINT_RISK_ID`) arrives on `rules.sets`; a set that does not compile is logged and
 * ignored, and the one in force stays.
 */
import type { ComplaintRiskSet, RuleSet } from '@fenghuo/contracts';
import { type CompiledComplaintRisk, compileComplaintRisk } from '@fenghuo/engine';

export interface RiskUpdate {
  readonly applied: boolean;
  readonly reason: string;
}

export class RiskSource {
  private compiled: CompiledComplaintRisk;

  constructor(builtin: ComplaintRiskSet) {
    this.compiled = compileComplaintRisk(builtin);
  }

  current = (): CompiledComplaintRisk => this.compiled;

  offer(ruleSet: RuleSet): RiskUpdate {
    if (ruleSet.kind !== 'complaint_risk') return { applied: false, reason: `kind ${ruleSet.kind}` };
    const cur = this.compiled;
    if (ruleSet.ruleSetId !== cur.ruleSetId)
      return { applied: false, reason: `other set ${ruleSet.ruleSetId}` };
    if (ruleSet.ruleSetVersion <= cur.ruleSetVersion)
      return {
        applied: false,
        reason: `version ${ruleSet.ruleSetVersion} not newer than ${cur.ruleSetVersion}`,
      };
    try {
      this.compiled = compileComplaintRisk(ruleSet);
    } catch (err) {
      return { applied: false, reason: `unusable: ${(err as Error).message}` };
    }
    return { applied: true, reason: `now ${ruleSet.ruleSetId} v${ruleSet.ruleSetVersion}` };
  }
}
