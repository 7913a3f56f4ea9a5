import type { Static } from '@sinclair/typebox';
import { variantsOf } from '../common.ts';
import { EscalationLadderSet } from '../rules/escalation-ladder.ts';
import { FraudRuleSet } from '../rules/fraud-rules.ts';
import { InterceptionSettings } from '../rules/interception-settings.ts';

/**
 * A published rule set or setting, told apart by `kind`: fraud rules, interception settings and the
 * escalation ladder; complaint-risk rules join as a new member of this union (its codec is
 * discriminated on `kind`, so consumers switch on it exhaustively).
 * Topic `rules.sets` (compacted), key `ruleSetId`.
 */
export const RuleSet = variantsOf([FraudRuleSet, InterceptionSettings, EscalationLadderSet], {
  $id: 'RuleSet',
});
export type RuleSet = Static<typeof RuleSet>;
export type RuleSetKind = RuleSet['kind'];
