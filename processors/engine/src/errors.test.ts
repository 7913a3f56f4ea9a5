import { FenghuoError, isRetriable } from '@fenghuo/kit/errors';
import { describe, expect, it } from 'vitest';
import { call, ruleSet } from '../test/support/index.ts';
import { compileRuleSet } from './compile.ts';
import { RuleCompileError, StateConflictError } from './errors.ts';
import { createScorer } from './scorer.ts';
import { MemoryStateStore } from './store/memory-state-store.ts';

function compileError(fn: () => unknown): RuleCompileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RuleCompileError) return err;
    throw err;
  }
  throw new Error('compiled');
}

describe('engine errors', () => {
  it('a rule set that cannot run fails with a non-retriable RULE_COMPILE_FAILED naming the rule', () => {
    const base = ruleSet();
    const dup = compileError(() =>
      compileRuleSet({ ...base, rules: [...base.rules, ...base.rules.slice(0, 1)] }),
    );
    expect(dup).toBeInstanceOf(FenghuoError);
    expect(dup.code).toBe('RULE_COMPILE_FAILED');
    expect(isRetriable(dup)).toBe(false);
    expect(dup.ruleId).toBe('authority-sms');
    expect(dup.context).toEqual({ ruleId: 'authority-sms' });
    expect(dup.message).toBe('rule authority-sms: duplicate rule id');

    const regex = compileError(() =>
      compileRuleSet({
        ...base,
        rules: [
          {
            id: 'bad-regex',
            name: 'x',
            fraudType: 'other',
            weight: 1,
            kind: 'match',
            when: { kind: 'call', where: [{ op: 'regex', field: 'callerNumber', pattern: '(' }] },
          },
        ],
      }),
    );
    expect(regex.ruleId).toBe('bad-regex');
    expect(regex.cause).toBeInstanceOf(SyntaxError);

    const levels = compileError(() =>
      compileRuleSet({ ...base, levels: { notice: 50, warning: 40, urgent: 90 } }),
    );
    expect(levels.ruleId).toBeUndefined();
  });

  it('gives up on a subject that keeps losing compare-and-set with a retriable STATE_CONFLICT', async () => {
    const store = new MemoryStateStore();
    const c = compileRuleSet(ruleSet());
    const scorer = createScorer({
      rules: () => c,
      maxCasRounds: 3,
      store: {
        load: (ids, now) => store.load(ids, now),
        save: async (writes) => new Set(writes.map((w) => w.subjectId)),
      },
    });
    const err = await scorer.scoreIndicators([{ event: call('v', 0) }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateConflictError);
    expect((err as StateConflictError).code).toBe('STATE_CONFLICT');
    expect(isRetriable(err)).toBe(true);
  });
});
