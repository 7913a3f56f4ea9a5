/** Indicator and rule-set builders, and state probes, for tests of the engine and its users. */
import type {
  AppInstallIndicator,
  CallIndicator,
  FraudRuleSet,
  SmsIndicator,
  TransferIndicator,
} from '@fenghuo/contracts';
import type { SubjectState } from '../../src/index.ts';

export const T0 = Date.parse('2026-11-27T08:00:00.000Z');
export const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

let seq = 0;
const base = (subjectId: string, min: number) => ({
  version: 1 as const,
  eventId: `ev-${++seq}`,
  occurredAt: at(min),
  subjectId,
});

export function call(subjectId: string, min: number, over: Partial<CallIndicator> = {}): CallIndicator {
  return {
    ...base(subjectId, min),
    kind: 'call',
    callerNumber: '17012341234',
    direction: 'inbound',
    durationSec: 300,
    callerListed: true,
    ...over,
  };
}
export function sms(
  subjectId: string,
  min: number,
  text: string,
  over: Partial<SmsIndicator> = {},
): SmsIndicator {
  return { ...base(subjectId, min), kind: 'sms', senderNumber: '10659000123', text, ...over };
}
export function app(
  subjectId: string,
  min: number,
  over: Partial<AppInstallIndicator> = {},
): AppInstallIndicator {
  return {
    ...base(subjectId, min),
    kind: 'app_install',
    appId: 'com.example.remote',
    appName: 'AnyDesk',
    category: 'remote_control',
    ...over,
  };
}
export function transfer(
  subjectId: string,
  min: number,
  amount: number,
  over: Partial<TransferIndicator> = {},
): TransferIndicator {
  return {
    ...base(subjectId, min),
    kind: 'transfer',
    amount,
    currency: 'CNY',
    payeeAccount: '6222020200112233445',
    payeeNew: true,
    channel: 'bank_app',
    ...over,
  };
}

export function ruleSet(over: Partial<FraudRuleSet> = {}): FraudRuleSet {
  return {
    version: 1,
    kind: 'fraud',
    ruleSetId: 'test',
    ruleSetVersion: 1,
    publishedAt: at(0),
    publishedBy: 'test',
    levels: { notice: 30, warning: 60, urgent: 90 },
    cooldownMin: 60,
    alertTtlMin: 120,
    keywordSets: { authority: ['公安局', '安全账户', '洗钱'] },
    lists: {
      allow: { numbers: ['110'], payees: ['6222000011112222'], apps: [] },
      deny: { numbers: ['+86 170 0000 0001'], payees: [], apps: ['com.evil.app'] },
    },
    scripts: {},
    rules: [
      {
        id: 'authority-sms',
        name: 'SMS impersonating the police',
        fraudType: 'impersonation_authority',
        weight: 30,
        kind: 'match',
        when: { kind: 'sms', where: [{ op: 'keywords', field: 'text', set: 'authority', minMatches: 2 }] },
      },
      {
        id: 'listed-calls-20m',
        name: '3+ calls from listed numbers in 20 min',
        fraudType: 'impersonation_authority',
        weight: 40,
        kind: 'window',
        when: { kind: 'call', where: [{ op: 'eq', field: 'callerListed', value: true }] },
        aggregate: 'count',
        windowMin: 20,
        op: 'gte',
        threshold: 3,
      },
      {
        id: 'new-payee-sum-1h',
        name: 'Transfers to new payees over 50,000 CNY in 1 h',
        fraudType: 'other',
        weight: 20,
        kind: 'window',
        when: { kind: 'transfer', where: [{ op: 'eq', field: 'payeeNew', value: true }] },
        aggregate: 'sum',
        field: 'amount',
        windowMin: 60,
        op: 'gt',
        threshold: 50_000,
      },
      {
        id: 'payees-distinct',
        name: '3 distinct payees in 1 h',
        fraudType: 'task_scam',
        weight: 10,
        kind: 'window',
        when: { kind: 'transfer', where: [] },
        aggregate: 'distinct',
        field: 'payeeAccount',
        windowMin: 60,
        op: 'gte',
        threshold: 3,
      },
      {
        id: 'call-app-transfer-30m',
        name: 'Listed call, remote app, new payee within 30 min',
        fraudType: 'impersonation_authority',
        weight: 60,
        kind: 'sequence',
        withinMin: 30,
        steps: [
          { kind: 'call', where: [{ op: 'eq', field: 'callerListed', value: true }] },
          {
            kind: 'app_install',
            where: [{ op: 'in', field: 'category', values: ['remote_control', 'screen_share'] }],
          },
          { kind: 'transfer', where: [{ op: 'eq', field: 'payeeNew', value: true }] },
        ],
      },
    ],
    ...over,
  };
}

/** How many indicators a subject's window of `ruleId` holds (the sum of its buckets' counts). */
export function windowCount(state: SubjectState, ruleId: string): number {
  return (state.win[ruleId]?.b ?? []).reduce((n, b) => n + b[1], 0);
}
