/**
 * How a text becomes a verdict, for evaluating a rule set on labelled texts: the text is one
 * indicator about a fresh subject, scored alone: an `sms` (its `text`), a `report`, or a `call`
 * whose `transcript` is the text (an inbound call from an unlisted number, one minute per 200
 * characters). It counts as fraud when the subject's score reaches the rule set's `notice` level
 * (an alert would be raised), and the predicted type is the alert's fraud type.
 */
import type { FraudIndicator, FraudType } from '@fenghuo/contracts';
import type { CompiledRuleSet } from '../compile.ts';
import { assess, scoreSubject } from '../score.ts';

export interface TextVerdict {
  readonly fraud: boolean;
  readonly score: number;
  readonly fraudType: FraudType;
  readonly rules: readonly string[];
}

export type TextChannel = 'sms' | 'report' | 'call';

/** The indicator a text becomes on a channel (texts longer than the contract allows are cut). */
export function textIndicator(text: string, channel: TextChannel = 'sms'): FraudIndicator {
  const base = {
    version: 1 as const,
    eventId: 'eval-1',
    occurredAt: '2026-01-01T00:00:00.000Z',
    subjectId: 'eval',
  };
  switch (channel) {
    case 'sms':
      return { ...base, kind: 'sms', senderNumber: '10000000000', text: text.slice(0, 2000) };
    case 'report':
      return { ...base, kind: 'report', reportedBy: 'resident', text: text.slice(0, 4000) };
    case 'call':
      return {
        ...base,
        kind: 'call',
        callerNumber: '13800000000',
        direction: 'inbound',
        durationSec: Math.max(30, Math.round((text.length / 200) * 60)),
        transcript: text.slice(0, 10_000),
      };
    default: {
      const never: never = channel;
      throw new Error(`unknown channel ${String(never)}`);
    }
  }
}

export function classifyText(c: CompiledRuleSet, text: string, channel: TextChannel = 'sms'): TextVerdict {
  const { state } = scoreSubject(c, 'eval', undefined, [textIndicator(text, channel)]);
  const a = assess(c, state);
  return {
    fraud: a.level !== undefined,
    score: a.score,
    fraudType: a.fraudType,
    rules: a.fired.map(([id]) => id),
  };
}
