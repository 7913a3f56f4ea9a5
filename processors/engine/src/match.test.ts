import { describe, expect, it } from 'vitest';
import { app, call, ruleSet, sms, transfer } from '../test/support/index.ts';
import { compileRuleSet } from './compile.ts';
import { matchingRules } from './match.ts';

describe('matchingRules', () => {
  const c = compileRuleSet(ruleSet());

  it('names the rules whose predicate holds, without state', () => {
    expect(matchingRules(c, call('s', 0))).toEqual(['listed-calls-20m', 'call-app-transfer-30m']);
    expect(matchingRules(c, call('s', 0, { callerListed: false }))).toEqual([]);
    expect(matchingRules(c, app('s', 0))).toEqual(['call-app-transfer-30m']);
    expect(matchingRules(c, transfer('s', 0, 100, { payeeNew: false }))).toEqual(['payees-distinct']);
    expect(matchingRules(c, sms('s', 0, '公安局：安全账户'))).toEqual(['authority-sms']);
    expect(matchingRules(c, sms('s', 0, '公安局'))).toEqual([]);
  });
});
