import type { Static } from '@sinclair/typebox';
import { variantsOf } from '../common.ts';
import { EscalationLadderSet } from '../rules/escalation-ladder.ts';
import { FraudRuleSet } from '../rules/fraud-rules.ts';

/**
 * A published rule set or setting, told apart by `kind`: fraud rules and the escalation ladder;
 * interception settings and complaint-risk rules join as new members of this union (its codec is
 * discriminated on `kind`, so consumers switch on it exhaustively).
 * Topic `rules.sets` (compacted), key `ruleSetId`.
 */
export const RuleSet = variantsOf([FraudRuleSet, EscalationLadderSet], { $id: 'RuleSet' });
export type RuleSet = Static<typeof RuleSet>;
export type RuleSetKind = RuleSet['kind'];
