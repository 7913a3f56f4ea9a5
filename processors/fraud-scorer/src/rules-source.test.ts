import { compileRuleSet } from '@fenghuo/engine';
import { ruleSet } from '@fenghuo/engine/test-support';
import { describe, expect, it } from 'vitest';
import { RulesSource } from './rules-source.ts';

describe('RulesSource (hot reload from rules.sets)', () => {
  const start = () =>
    new RulesSource(compileRuleSet(ruleSet({ ruleSetId: 'main', ruleSetVersion: 3 })), 'main');

  it('applies a newer version of the configured rule set', () => {
    const src = start();
    const r = src.offer(
      ruleSet({ ruleSetId: 'main', ruleSetVersion: 4, levels: { notice: 10, warning: 20, urgent: 30 } }),
    );
    expect(r.applied).toBe(true);
    expect(src.current().ruleSetVersion).toBe(4);
    expect(src.current().levels.notice).toBe(10);
  });

  it('ignores older versions and other rule set ids', () => {
    const src = start();
    expect(src.offer(ruleSet({ ruleSetId: 'main', ruleSetVersion: 3 })).applied).toBe(false);
    expect(src.offer(ruleSet({ ruleSetId: 'other', ruleSetVersion: 9 })).applied).toBe(false);
    expect(src.current().ruleSetVersion).toBe(3);
  });

  it('keeps the running rule set when a new one does not compile', () => {
    const src = start();
    const r = src.offer(
      ruleSet({ ruleSetId: 'main', ruleSetVersion: 5, levels: { notice: 50, warning: 10, urgent: 90 } }),
    );
    expect(r).toEqual({ applied: false, reason: expect.stringContaining('does not compile') });
    expect(src.current().ruleSetVersion).toBe(3);
  });
});
