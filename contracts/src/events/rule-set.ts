import type { Static } from '@sinclair/typebox';
import { variantsOf } from '../common.ts';
import { FraudRuleSet } from '../rules/fraud-rules.ts';
import { InterceptionSettings } from '../rules/interception-settings.ts';

/**
 * A published rule set or setting, told apart by `kind`: fraud rules and interception settings; the
 * escalation ladder and complaint-risk rules join as new members of this union (its codec is
 * discriminated on `kind`, so consumers switch on it exhaustively).
 * Topic `rules.sets` (compacted), key `ruleSetId`.
 */
export const RuleSet = variantsOf([FraudRuleSet, InterceptionSettings], { $id: 'RuleSet' });
export type RuleSet = Static<typeof RuleSet>;
export type RuleSetKind = RuleSet['kind'];
