import type { Static } from '@sinclair/typebox';
import { variantsOf } from '../common.ts';
import { ComplaintRiskSet } from '../rules/complaint-risk.ts';
import { EscalationLadderSet } from '../rules/escalation-ladder.ts';
import { FraudRuleSet } from '../rules/fraud-rules.ts';
import { InterceptionSettings } from '../rules/interception-settings.ts';

/**
 * A published rule set or setting, told apart by `kind`: fraud rules, interception settings, the
 * escalation ladder and complaint-risk rules (its codec is discriminated on `kind`, so consumers
 * switch on it exhaustively).
 * Topic `rules.sets` (compacted), key `ruleSetId` (`<ruleSetId>#shadow` for a shadow version).
 *
 * Every kind carries the same envelope — `kind`, `ruleSetId`, `ruleSetVersion`, `publishedAt`,
 * `publishedBy` — which the rules service versions generically; the rest is the kind's own content.
 */
export const RuleSet = variantsOf(
  [FraudRuleSet, InterceptionSettings, EscalationLadderSet, ComplaintRiskSet],
  {
    $id: 'RuleSet',
  },
);
export type RuleSet = Static<typeof RuleSet>;
export type RuleSetKind = RuleSet['kind'];

/** Suffix of the `rules.sets` key of a shadow version: it never replaces the live record. */
export const SHADOW_KEY_SUFFIX = '#shadow';

/**
 * The `rules.sets` record key: the rule set id for a live version, `<ruleSetId>#shadow` for a shadow
 * version (a fraud rule set with `shadow`), so the compacted topic keeps the live and the shadow
 * version of a rule set side by side.
 */
export function ruleSetKey(ruleSet: RuleSet): string {
  return isShadow(ruleSet) ? `${ruleSet.ruleSetId}${SHADOW_KEY_SUFFIX}` : ruleSet.ruleSetId;
}

/** Whether a record of `rules.sets` is a shadow version (only fraud rule sets run in shadow). */
export function isShadow(ruleSet: RuleSet): boolean {
  return ruleSet.kind === 'fraud' && ruleSet.shadow !== undefined;
}
