/**
 * Residents' days as fraud indicators: ordinary calls, SMS, app installs and transfers for
 * everyone, and for a few victims the sequence of one fraud type as it happens (the sequences the
 * built-in rule pack of processors/engine looks for: a listed caller, a scripted SMS, a
 * remote-control or meeting app, transfers to new payees). The texts are written for the
 * simulator, in the words of each type's script; none is copied from a data set.
 */
import type { FraudIndicator, FraudType } from '@fenghuo/contracts';
import type { Rng } from './rng.ts';

/** An indicator with the time it happens, and the source that reports it. */
export interface TimedIndicator {
  readonly atMs: number;
  readonly event: FraudIndicator;
}

/** Makes the indicators' event ids: unique per run, in generation order. */
export type IdMaker = () => string;

type Body = FraudIndicator extends infer U
  ? U extends FraudIndicator
    ? Omit<U, 'version' | 'eventId' | 'occurredAt' | 'subjectId'>
    : never
  : never;

function indicator(ids: IdMaker, subjectId: string, atMs: number, body: Body): TimedIndicator {
  return {
    atMs,
    event: {
      version: 1,
      eventId: ids(),
      occurredAt: new Date(atMs).toISOString(),
      subjectId,
      ...body,
    } as FraudIndicator,
  };
}

const MIN = 60_000;

function mobile(rng: Rng): string {
  return `1${rng.pick(['3', '5', '7', '8', '9'])}${rng.digits(9)}`;
}

function account(rng: Rng): string {
  return `62${rng.digits(17)}`;
}

const ORDINARY_SMS = [
  '【惠民超市】会员日全场满减，积分抽奖，详询门店，回复TD退订。',
  '【快递驿站】您的包裹已到小区驿站，取件码 3-2-1045，请于今天 20:00 前领取。',
  '【社区卫生服务中心】流感疫苗已到，周六上午可预约接种。',
  '妈，我今晚加班，晚饭不用等我了。',
  '【物业】明天上午 9 点至 11 点停水检修，请提前储水。',
  '【电信】您本月话费账单已出，详情请登录营业厅查看，回T退订。',
];

const ORDINARY_APPS = [
  { appId: 'com.tencent.mm', appName: '微信', category: 'chat' },
  { appId: 'com.sankuai.meituan', appName: '美团', category: 'other' },
  { appId: 'com.sdu.didi.psnger', appName: '滴滴出行', category: 'other' },
  { appId: 'com.eg.android.AlipayGphone', appName: '支付宝', category: 'other' },
  { appId: 'com.ss.android.ugc.aweme', appName: '抖音', category: 'other' },
] as const;

/** One ordinary indicator of a resident at `atMs`. */
export function ordinaryIndicator(rng: Rng, ids: IdMaker, subjectId: string, atMs: number): TimedIndicator {
  const roll = rng.next();
  if (roll < 0.45) {
    return indicator(ids, subjectId, atMs, {
      kind: 'call',
      callerNumber: mobile(rng),
      direction: rng.chance(0.6) ? 'inbound' : 'outbound',
      durationSec: rng.int(10, 600),
      ...(rng.chance(0.03) ? { callerTags: ['overseas'] } : {}),
    });
  }
  if (roll < 0.75) {
    return indicator(ids, subjectId, atMs, {
      kind: 'sms',
      senderNumber: `1065${rng.digits(6)}`,
      text: rng.pick(ORDINARY_SMS),
    });
  }
  if (roll < 0.85) {
    const app = rng.pick(ORDINARY_APPS);
    return indicator(ids, subjectId, atMs, { kind: 'app_install', ...app });
  }
  const newPayee = rng.chance(0.15);
  return indicator(ids, subjectId, atMs, {
    kind: 'transfer',
    amount: newPayee ? rng.int(20, 3_000) : rng.int(20, 8_000),
    currency: 'CNY',
    payeeAccount: newPayee
      ? account(rng)
      : `6222${subjectId.replace(/\D/g, '').padStart(15, '0').slice(-15)}`,
    payeeNew: newPayee,
    channel: rng.pick(['bank_app', 'third_party', 'online_banking'] as const),
    status: 'completed',
  });
}

/** The fraud types the simulator plays, with how often each is drawn. */
export const SCENARIOS: readonly { readonly type: FraudType; readonly weight: number }[] = [
  { type: 'impersonation_authority', weight: 30 },
  { type: 'fake_customer_service', weight: 25 },
  { type: 'pig_butchering', weight: 15 },
  { type: 'task_scam', weight: 15 },
  { type: 'loan_scam', weight: 15 },
];

/** How long a scenario's sequence lasts, so it fits in the simulated period. */
export const SCENARIO_SPAN_MIN: Readonly<Record<string, number>> = {
  impersonation_authority: 40,
  fake_customer_service: 30,
  pig_butchering: 6 * 60,
  task_scam: 3 * 60,
  loan_scam: 90,
};

/** The indicators of one victim's fraud of `type`, starting at `startMs`. */
export function fraudSequence(
  rng: Rng,
  ids: IdMaker,
  subjectId: string,
  type: FraudType,
  startMs: number,
): TimedIndicator[] {
  const at = (min: number) => startMs + Math.round(min * MIN);
  const scammer = `170${rng.digits(8)}`;
  const out: TimedIndicator[] = [];
  const push = (min: number, body: Body) => out.push(indicator(ids, subjectId, at(min), body));
  switch (type) {
    case 'impersonation_authority':
      for (let i = 0; i < rng.int(1, 3); i++) {
        push(i * 3, {
          kind: 'call',
          callerNumber: scammer,
          direction: 'inbound',
          durationSec: rng.int(300, 1_500),
          callerListed: true,
          callerTags: ['virtual_operator'],
        });
      }
      push(8, {
        kind: 'sms',
        senderNumber: scammer,
        text: '【市公安局】您名下银行卡涉嫌洗钱案件，请配合调查，立即下载安全软件，并将资金转入安全账户核查，不要告诉家人。',
      });
      push(12, {
        kind: 'app_install',
        appId: 'com.anydesk.anydeskandroid',
        appName: 'AnyDesk',
        category: 'remote_control',
      });
      push(20 + rng.int(0, 10), {
        kind: 'transfer',
        amount: rng.int(20, 200) * 1_000,
        currency: 'CNY',
        payeeAccount: account(rng),
        payeeName: '资金核查专户',
        payeeNew: true,
        channel: 'bank_app',
        status: 'initiated',
      });
      break;
    case 'fake_customer_service':
      push(0, {
        kind: 'sms',
        senderNumber: `1069${rng.digits(7)}`,
        text: '您好，我是淘宝客服，您购买的商品有质量问题，可办理双倍退款，请下载会议软件开启屏幕共享，按我的操作领取。',
      });
      push(10, {
        kind: 'app_install',
        appId: 'com.tencent.wemeet.app',
        appName: '腾讯会议',
        category: 'meeting',
      });
      push(18 + rng.int(0, 8), {
        kind: 'transfer',
        amount: rng.int(10, 60) * 1_000,
        currency: 'CNY',
        payeeAccount: account(rng),
        payeeNew: true,
        channel: 'bank_app',
        status: 'initiated',
      });
      break;
    case 'pig_butchering':
      push(0, {
        kind: 'sms',
        senderNumber: mobile(rng),
        text: '亲爱的，遇见你是缘分，等攒够钱我们就见面。我做的那个项目稳赚不赔，你也充值一点，收益翻倍，为了我们的未来。',
      });
      push(30, {
        kind: 'app_install',
        appId: 'com.global.coinx',
        appName: 'CoinX 交易所',
        category: 'investment',
      });
      push(120, {
        kind: 'transfer',
        amount: rng.int(10, 50) * 1_000,
        currency: 'CNY',
        payeeAccount: account(rng),
        payeeNew: true,
        channel: 'online_banking',
        status: 'completed',
      });
      push(330, {
        kind: 'transfer',
        amount: rng.int(50, 300) * 1_000,
        currency: 'CNY',
        payeeAccount: account(rng),
        payeeNew: true,
        channel: 'online_banking',
        status: 'initiated',
      });
      break;
    case 'task_scam':
      push(0, {
        kind: 'sms',
        senderNumber: mobile(rng),
        text: '招兼职：点赞刷单做任务，日结佣金，日赚三百，加我微信接任务，先垫付任务后返利。',
      });
      for (const [min, amount] of [
        [40, rng.int(1, 5) * 100],
        [100, rng.int(10, 30) * 100],
        [170, rng.int(50, 150) * 100],
      ] as const) {
        push(min, {
          kind: 'transfer',
          amount,
          currency: 'CNY',
          payeeAccount: account(rng),
          payeeNew: true,
          channel: 'third_party',
          status: 'completed',
        });
      }
      break;
    default:
      // loan_scam
      push(0, {
        kind: 'sms',
        senderNumber: mobile(rng),
        text: '【信贷中心】恭喜获得无抵押低息贷款额度20万，秒批下款，需先交保证金激活账户，添加微信办理。',
      });
      push(15, { kind: 'app_install', appId: 'com.quick.loan', appName: '速贷', category: 'loan' });
      push(60 + rng.int(0, 30), {
        kind: 'transfer',
        amount: rng.int(3, 20) * 1_000,
        currency: 'CNY',
        payeeAccount: account(rng),
        payeeName: '保证金账户',
        payeeNew: true,
        channel: 'bank_app',
        status: 'completed',
      });
      push(85, {
        kind: 'report',
        reportedBy: 'family',
        text: '我父亲说办贷款要先交保证金和手续费才能解冻额度，已经转账了，对方还让下载app继续操作。',
      });
  }
  return out;
}
