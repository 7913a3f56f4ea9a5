import type { Static } from '@sinclair/typebox';
import { variantsOf } from '../common.ts';
import { FraudRuleSet } from '../rules/fraud-rules.ts';

/**
 * A published rule set or setting, told apart by `kind`. Fraud rules are the only kind yet; the
 * escalation ladder, interception settings and complaint-risk rules join as new members of this
 * union (its codec is already discriminated on `kind`, so consumers switch on it exhaustively).
 * Topic `rules.sets` (compacted), key `ruleSetId`.
 */
export const RuleSet = variantsOf([FraudRuleSet], { $id: 'RuleSet' });
export type RuleSet = Static<typeof RuleSet>;
export type RuleSetKind = RuleSet['kind'];
