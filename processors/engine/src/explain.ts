/**
 * Plain-language explanations in Chinese and English: what one indicator was, what a window saw,
 * what a sequence saw. Numbers and accounts are always masked; SMS and report texts are never
 * quoted, only the keywords that matched.
 */
import type { BilingualText, Evidence, FraudIndicator } from '@fenghuo/contracts';
import { maskAccount, maskNumber } from '@fenghuo/kit/mask';
import { UnreachableError } from './errors.ts';

export function formatCny(amount: number): string {
  return Math.round(amount).toLocaleString('en-US');
}

/** Masked label of what an indicator is about: a number, an app or a payee. */
export function indicatorLabel(ind: FraudIndicator): string | undefined {
  switch (ind.kind) {
    case 'call':
      return maskNumber(ind.callerNumber);
    case 'sms':
      return maskNumber(ind.senderNumber);
    case 'app_install':
      return ind.appName;
    case 'transfer':
      return maskAccount(ind.payeeAccount);
    case 'report':
      return undefined;
    default: {
      const never: never = ind;
      throw new UnreachableError('indicator kind', never);
    }
  }
}

const REPORTER_ZH: Record<string, string> = {
  resident: '本人',
  family: '家属',
  bank: '银行',
  grid_worker: '网格员',
  app: '反诈APP',
};

/** One indicator as evidence: a summary in both languages and masked values. */
export function indicatorEvidence(
  ind: FraudIndicator,
  keywords: readonly string[],
  ruleId?: string,
): Evidence {
  const kw = keywords.slice(0, 6);
  const kwZh = kw.length > 0 ? `，含关键词“${kw.join('”“')}”` : '';
  const kwEn = kw.length > 0 ? ` with keywords ${kw.map((k) => `"${k}"`).join(', ')}` : '';
  let summary: BilingualText;
  let values: Record<string, string | number | boolean>;
  switch (ind.kind) {
    case 'call': {
      const n = maskNumber(ind.callerNumber);
      const listed = ind.callerListed === true;
      const mins = Math.round(ind.durationSec / 60);
      summary = {
        zh: `来自${listed ? '标记号码' : '号码'} ${n} 的${ind.direction === 'outbound' ? '去电' : '来电'}（${mins} 分钟）`,
        en: `${ind.direction === 'outbound' ? 'call to' : 'call from'} ${listed ? 'listed ' : ''}number ${n} (${mins} min)`,
      };
      values = { callerNumber: n, durationSec: ind.durationSec, callerListed: listed };
      if (ind.callerTags !== undefined && ind.callerTags.length > 0)
        values.callerTags = ind.callerTags.join(',');
      break;
    }
    case 'sms': {
      const n = maskNumber(ind.senderNumber);
      summary = { zh: `来自 ${n} 的短信${kwZh}`, en: `SMS from ${n}${kwEn}` };
      values = { senderNumber: n };
      if (ind.urls !== undefined && ind.urls.length > 0) values.urls = ind.urls.length;
      break;
    }
    case 'app_install':
      summary = {
        zh: `安装 ${ind.appName}${ind.category !== undefined ? `（${ind.category}）` : ''}`,
        en: `${ind.appName} installed${ind.category !== undefined ? ` (${ind.category})` : ''}`,
      };
      values = { appId: ind.appId, appName: ind.appName };
      if (ind.category !== undefined) values.category = ind.category;
      break;
    case 'transfer': {
      const p = maskAccount(ind.payeeAccount);
      const amount = formatCny(ind.amount);
      summary = {
        zh: `向${ind.payeeNew ? '新收款人' : '收款人'} ${p} 转账 ${amount} 元`,
        en: `transfer of ${amount} CNY to ${ind.payeeNew ? 'a new payee' : 'payee'} ${p}`,
      };
      values = { amount: ind.amount, payeeAccount: p, payeeNew: ind.payeeNew, channel: ind.channel };
      break;
    }
    case 'report':
      summary = {
        zh: `${REPORTER_ZH[ind.reportedBy] ?? ind.reportedBy}报告${kwZh}`,
        en: `report by ${ind.reportedBy.replace('_', ' ')}${kwEn}`,
      };
      values = { reportedBy: ind.reportedBy };
      break;
    default: {
      const never: never = ind;
      throw new UnreachableError('indicator kind', never);
    }
  }
  if (kw.length > 0) values.keywords = kw.join(',');
  const ev: Evidence = { eventId: ind.eventId, kind: ind.kind, occurredAt: ind.occurredAt, summary, values };
  if (ruleId !== undefined) ev.ruleId = ruleId;
  return ev;
}

const NOUN: Record<FraudIndicator['kind'], { zh: string; en: string; enPlural: string }> = {
  call: { zh: '来电', en: 'call', enPlural: 'calls' },
  sms: { zh: '短信', en: 'SMS', enPlural: 'SMS' },
  app_install: { zh: '应用安装', en: 'app install', enPlural: 'app installs' },
  transfer: { zh: '转账', en: 'transfer', enPlural: 'transfers' },
  report: { zh: '报告', en: 'report', enPlural: 'reports' },
};

export interface WindowFigures {
  readonly kind: FraudIndicator['kind'];
  readonly aggregate: 'count' | 'sum' | 'distinct';
  readonly count: number;
  readonly sum: number;
  readonly distinct: number;
  readonly spanMin: number;
  /** Distinct masked labels (numbers, apps, payees) of the entries, first few. */
  readonly labels: readonly string[];
  readonly listed: boolean;
  readonly payeeNew: boolean;
}

/** "3 calls from listed number 170****1234 within 18 min" and its Chinese twin. */
export function windowPhrase(f: WindowFigures): BilingualText {
  const noun = NOUN[f.kind];
  const plural = f.count === 1 ? noun.en : noun.enPlural;
  const span = Math.max(1, f.spanMin);
  let whoZh = '';
  let whoEn = '';
  if (f.kind === 'call' || f.kind === 'sms') {
    const listedZh = f.listed ? '标记' : '';
    const listedEn = f.listed ? 'listed ' : '';
    if (f.labels.length === 1) {
      whoZh = `来自${listedZh}号码 ${f.labels[0]} 的`;
      whoEn = ` from ${listedEn}number ${f.labels[0]}`;
    } else if (f.labels.length > 1) {
      whoZh = `来自 ${f.labels.length} 个${listedZh}号码的`;
      whoEn = ` from ${f.labels.length} ${listedEn}numbers`;
    }
  } else if (f.kind === 'transfer' && f.payeeNew) {
    whoZh = '向新收款人的';
    whoEn = ' to new payees';
  }
  switch (f.aggregate) {
    case 'count':
      return {
        zh: `${span} 分钟内 ${f.count} 次${whoZh}${noun.zh}`,
        en: `${f.count} ${plural}${whoEn} within ${span} min`,
      };
    case 'sum':
      return {
        zh: `${span} 分钟内${whoZh}${noun.zh}合计 ${formatCny(f.sum)} 元`,
        en: `${plural}${whoEn} totalling ${formatCny(f.sum)} CNY within ${span} min`,
      };
    case 'distinct':
      return {
        zh: `${span} 分钟内${whoZh}${noun.zh}涉及 ${f.distinct} 个不同对象`,
        en: `${plural}${whoEn} involving ${f.distinct} distinct values within ${span} min`,
      };
    default: {
      const never: never = f.aggregate;
      throw new UnreachableError('aggregate', never);
    }
  }
}

/** Fills `{name}` placeholders of an analyst's explain template. */
export function fillTemplate(
  template: BilingualText,
  values: Record<string, string | number>,
): BilingualText {
  const fill = (s: string) =>
    s.replace(/\{(\w+)\}/g, (m, name: string) => (values[name] === undefined ? m : String(values[name])));
  return { zh: fill(template.zh), en: fill(template.en) };
}

/** Values an explain template can use, from one indicator. */
export function templateValues(
  ind: FraudIndicator,
  keywords: readonly string[],
): Record<string, string | number> {
  const v: Record<string, string | number> = { keywords: keywords.slice(0, 6).join(', ') };
  switch (ind.kind) {
    case 'call':
      v.number = maskNumber(ind.callerNumber);
      break;
    case 'sms':
      v.number = maskNumber(ind.senderNumber);
      break;
    case 'app_install':
      v.app = ind.appName;
      break;
    case 'transfer':
      v.payee = maskAccount(ind.payeeAccount);
      v.amount = formatCny(ind.amount);
      break;
    case 'report':
      break;
    default: {
      const never: never = ind;
      throw new UnreachableError('indicator kind', never);
    }
  }
  return v;
}

/** Suggested dissuasion scripts per fraud type when the rule set has none. */
export const DEFAULT_SCRIPTS: Record<string, BilingualText> = {
  impersonation_authority: {
    zh: '公检法机关不会通过电话、网络办案，不存在“安全账户”，更不会要求转账或下载软件配合调查。请立即挂断电话，不要转账。',
    en: 'Police, prosecutors and courts never handle cases by phone or online, there is no "safe account", and they never ask for transfers or app installs. Hang up now and do not transfer money.',
  },
  pig_butchering: {
    zh: '网上结识、从未见面却带您投资理财、博彩“稳赚不赔”的，都是诈骗。平台无法提现、要求先交保证金或税费，请立即停止转账。',
    en: 'Someone met online who never meets you in person but coaches you to invest or bet with "guaranteed returns" is a scammer. If withdrawals need a deposit or tax first, stop transferring now.',
  },
  task_scam: {
    zh: '刷单、点赞、做任务返利都是诈骗，先给小甜头再让您垫付大额资金。请不要再垫付任何钱款。',
    en: 'Paid "tasks" (fake orders, likes, reviews) are scams: small payouts first, then large advances you never get back. Do not advance any more money.',
  },
  fake_customer_service: {
    zh: '正规客服不会要求您开启屏幕共享、下载会议软件或向“指定账户”转账来办理退款、注销账户。请通过官方渠道核实，不要转账。',
    en: 'Real customer service never asks you to share your screen, install a meeting app or transfer money to "process a refund" or "close an account". Check through the official app or number; do not transfer.',
  },
  loan_scam: {
    zh: '正规贷款放款前不收取任何费用。要求先交保证金、解冻费、刷流水的都是诈骗，请不要转账。',
    en: 'Genuine lenders never charge fees before paying out. Any demand for a deposit, "unfreezing fee" or "account turnover" first is a scam; do not transfer.',
  },
  impersonation_acquaintance: {
    zh: '“领导”“熟人”“老师”通过新号码、新微信让您转账或代付的，请先打原号码或当面核实身份，核实前不要转账。',
    en: 'A "boss", friend or teacher who asks for money from a new number or account: call their known number or check in person before paying anything.',
  },
  other: {
    zh: '请暂停转账，与家人或社区民警核实后再操作。',
    en: 'Please pause any transfer and check with family or your community police officer first.',
  },
};
