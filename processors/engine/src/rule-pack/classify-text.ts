/**
 * How a text becomes a verdict, for the rule-pack evaluation: the text is one `sms` indicator about
 * a fresh subject, scored alone; it counts as fraud when the subject's score reaches the rule set's
 * `notice` level (an alert would be raised), and the predicted type is the alert's fraud type.
 */
import type { FraudType } from '@fenghuo/contracts';
import type { CompiledRuleSet } from '../compile.ts';
import { assess, scoreSubject } from '../score.ts';

export interface TextVerdict {
  readonly fraud: boolean;
  readonly score: number;
  readonly fraudType: FraudType;
  readonly rules: readonly string[];
}

export function classifyText(c: CompiledRuleSet, text: string, kind: 'sms' | 'report' = 'sms'): TextVerdict {
  const base = {
    version: 1 as const,
    eventId: 'eval-1',
    occurredAt: '2026-01-01T00:00:00.000Z',
    subjectId: 'eval',
  };
  const indicator =
    kind === 'sms'
      ? { ...base, kind, senderNumber: '10000000000', text: text.slice(0, 2000) }
      : { ...base, kind, reportedBy: 'resident' as const, text: text.slice(0, 4000) };
  const { state } = scoreSubject(c, 'eval', undefined, [indicator]);
  const a = assess(c, state);
  return {
    fraud: a.level !== undefined,
    score: a.score,
    fraudType: a.fraudType,
    rules: a.fired.map(([id]) => id),
  };
}
