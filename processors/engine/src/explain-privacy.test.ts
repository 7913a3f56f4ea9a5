/**
 * Residents' privacy in what the engine writes (issue 17): alerts, their reasons and evidence show
 * a payee's account masked, and never the resident's own account (on Kafka it is a pseudonym; the
 * engine does not echo even that).
 */
import type { FraudIndicator } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { app, call, ruleSet, transfer } from '../test/support/index.ts';
import { compileRuleSet } from './compile.ts';
import { scoreSubject } from './score.ts';

describe('alerts and explanations', () => {
  it("mask the payee's account and leave out the resident's own", () => {
    const c = compileRuleSet(ruleSet());
    const payer = 'acct:3f9a1c0b7d2e4f6a8b0c1d2e3f4a5b6c';
    const batch: FraudIndicator[] = [
      call('s1', 0, { callerListed: true }),
      app('s1', 10),
      transfer('s1', 25, 48_000, { payerAccount: payer }),
    ];
    const { alerts } = scoreSubject(c, 's1', undefined, batch);
    expect(alerts.length).toBeGreaterThan(0);
    const text = JSON.stringify(alerts);
    expect(text).toContain('****3445');
    expect(text).not.toContain('6222020200112233445');
    expect(text).not.toContain(payer);
    expect(text).not.toContain('17012341234');
  });
});
