import { type Static, Type } from '@sinclair/typebox';
import { FraudRuleSet } from '../rules/fraud-rules.ts';

/**
 * A published rule set, told apart by `kind`. Only fraud rules exist yet; routing and interception
 * settings join as a union on `kind` (and RuleSet's codec becomes a discriminated one) when their
 * processors land.
 */
export const RuleSet = Type.Union([FraudRuleSet], { $id: 'RuleSet' });
export type RuleSet = Static<typeof RuleSet>;
