import { Codecs, FRAUD_TYPES } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { app, call, transfer } from '../../test/support/fixtures.ts';
import { compileRuleSet } from '../compile.ts';
import { scoreSubject } from '../score.ts';
import { builtinRuleSet } from './builtin-pack.ts';
import { classifyText } from './classify-text.ts';

describe('built-in rule pack', () => {
  it('is a valid FraudRuleSet by the contract codec', () => {
    const r = Codecs.RuleSet.validate(builtinRuleSet);
    expect(r.ok ? [] : r.errors).toEqual([]);
  });

  it('compiles and carries rules and a script for every fraud type', () => {
    const c = compileRuleSet(builtinRuleSet);
    const types = new Set(c.rules.filter((r) => r.weight > 0).map((r) => r.fraudType));
    for (const t of FRAUD_TYPES) {
      expect(types.has(t), t).toBe(true);
      expect(builtinRuleSet.scripts[t]?.zh.length ?? 0, t).toBeGreaterThan(0);
    }
  });

  it('classifies typical scripts of each type (written for this test, not from the data)', () => {
    const c = compileRuleSet(builtinRuleSet);
    const cases: [string, string][] = [
      [
        'impersonation_authority',
        '您好，我是市公安局民警，您的银行卡涉嫌洗钱案件，需要配合调查，请把资金转入安全账户。',
      ],
      [
        'loan_scam',
        '你好，我是贷款公司的信贷员，无抵押低息贷款，放款前需要先交保证金解冻，请下载我们的APP。',
      ],
      [
        'fake_customer_service',
        '您好，我是淘宝客服，您购买的商品有质量问题，我们给您办理退款，请下载会议软件开启屏幕共享。',
      ],
      [
        'impersonation_acquaintance',
        '我是你领导，换了新号码，现在不方便，你先帮我给这个账号转账五万，明天还你。',
      ],
      ['pig_butchering', '亲爱的，我舅舅在这个投资平台有内幕，稳赚不赔，你先充值一万试试，收益翻倍。'],
      ['task_scam', '招聘兼职刷单，做任务点赞返利，佣金日结，先垫付再返还，加我微信。'],
    ];
    for (const [type, text] of cases) {
      const v = classifyText(c, text);
      expect(v.fraud, text).toBe(true);
      expect(v.fraudType, text).toBe(type);
    }
    for (const text of [
      '【商城】双十二全场5折起，会员积分翻倍，回TD退订',
      '您的快递已到达驿站，请凭取件码领取。',
    ]) {
      expect(classifyText(c, text).fraud, text).toBe(false);
    }
  });

  it('shows an SMS that fires several keyword rules once in the evidence and the reason', () => {
    const c = compileRuleSet(builtinRuleSet);
    const text = '您好，我是市公安局民警，您的银行卡涉嫌洗钱案件，需要配合调查，请转入安全账户。';
    const r = scoreSubject(c, 's', undefined, [
      {
        version: 1,
        eventId: 'e1',
        occurredAt: '2026-11-27T08:00:00.000Z',
        subjectId: 's',
        kind: 'sms',
        senderNumber: '10659000123',
        text,
      },
    ]);
    const alert = r.alerts[0];
    expect(alert?.rulesFired.length).toBeGreaterThan(2);
    expect(alert?.evidence.filter((e) => e.eventId === 'e1')).toHaveLength(1);
    // The keyword rules share one phrase (the evidence summary, which names the model's score);
    // the text-model rule adds its own phrase with the type's explanation.
    expect(alert?.reason.en.match(/SMS from/g)).toHaveLength(1);
    expect(alert?.reason.en).toMatch(/^SMS from 106\*\*\*\*0123 with keywords /);
    expect(alert?.reason.en).toContain('impersonation authority script: text model fraud probability');
  });

  it('turns the scripted victim timeline into one urgent alert', () => {
    const c = compileRuleSet(builtinRuleSet);
    const r = scoreSubject(c, 'v', undefined, [
      call('v', 0),
      call('v', 6),
      call('v', 12),
      app('v', 15, { appName: 'AnyDesk' }),
      transfer('v', 18, 48_000),
    ]);
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]?.level).toBe('urgent');
    expect(r.alerts[0]?.fraudType).toBe('impersonation_authority');
  });
});
