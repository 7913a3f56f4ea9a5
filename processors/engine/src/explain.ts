/**
 * Plain-language explanations in Chinese and English: what one indicator was, what a window saw,
 * what a sequence saw. Numbers and accounts are always masked; SMS, report and call texts are never
 * quoted, only the keywords that matched and the text model's score with its strongest n-grams.
 */
import { type BilingualText, type Evidence, type FraudIndicator, FraudType } from '@fenghuo/contracts';
import { maskAccount, maskNumber } from '@fenghuo/kit/mask';
import type { ModelHit } from './compile.ts';
import { UnreachableError } from './errors.ts';
import { FRAUD_TYPE_GUIDES } from './fraud-type-guide.ts';
import { TextMemo } from './memo.ts';
import type { CompiledTemplate } from './template.ts';

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

const TYPE_ZH = new Map<string, string>(
  FraudType.anyOf.map((s) => [s.const as string, (s.description as string | undefined) ?? s.const]),
);

/** A fraud type's Chinese name (the contract's description), e.g. 冒充公检法及政府机关. */
export function fraudTypeZh(type: string): string {
  return TYPE_ZH.get(type) ?? type;
}

/** The strongest text-model hit (highest score), if any. */
function strongestHit(models: readonly ModelHit[]): ModelHit | undefined {
  let best: ModelHit | undefined;
  for (const m of models) if (best === undefined || m.score.fraud > best.score.fraud) best = m;
  return best;
}

/** Phrases of model scores already phrased (scores of remembered analyses are shared objects). */
const phrases = new WeakMap<ModelHit['score'], BilingualText>();

/** "text model: fraud 0.97 (prize_lottery); strongest n-grams …" and its Chinese twin. */
export function modelPhrase(hit: ModelHit): BilingualText {
  const known = phrases.get(hit.score);
  if (known !== undefined) return known;
  const p = hit.score.fraud.toFixed(2);
  const grams = hit.score.ngrams;
  const phrase = {
    zh: `文本模型判断为诈骗的概率 ${p}（${fraudTypeZh(hit.score.type)}）${grams.length > 0 ? `，最强特征“${grams.join('”“')}”` : ''}`,
    en: `text model: fraud probability ${p} (${hit.score.type.replaceAll('_', ' ')})${grams.length > 0 ? `, strongest n-grams ${grams.map((g) => `"${g}"`).join(', ')}` : ''}`,
  };
  phrases.set(hit.score, phrase);
  return phrase;
}

const REPORTER_ZH: Record<string, string> = {
  resident: '本人',
  family: '家属',
  bank: '银行',
  grid_worker: '网格员',
  app: '反诈APP',
};

/**
 * What an explanation says of an indicator's matches (its first 6 keywords and its strongest model
 * hit), the same for every indicator with those matches: made once per matches and remembered.
 */
interface MatchWords {
  /** The keywords (at most 6) and the hit's model these words are of. */
  readonly kw: readonly string[];
  readonly model: string | undefined;
  /** The tail of the evidence summary (keywords, the model's phrase). */
  readonly kwZh: string;
  readonly kwEn: string;
  /** `values.keywords` of the evidence (absent without keywords). */
  readonly keywords: string | undefined;
  /** `keywords` of the template values. */
  readonly templateKeywords: string;
  readonly hit: ModelHit | undefined;
  /** The hit's figures as the evidence's values and the template's give them. */
  readonly modelScore: number;
  readonly modelNgrams: string | undefined;
  readonly templateScore: string;
  readonly templateNgrams: string;
}

/** Match words without a model hit by keywords; with one, per hit score (scores are shared objects). */
const wordsNoHit = new TextMemo<MatchWords>(4_096, 2_048);
const wordsByScore = new WeakMap<ModelHit['score'], TextMemo<MatchWords>>();

function makeMatchWords(kw: readonly string[], hit: ModelHit | undefined): MatchWords {
  const model = hit === undefined ? undefined : modelPhrase(hit);
  return {
    kw: [...kw],
    model: hit?.model,
    kwZh:
      (kw.length > 0 ? `，含关键词“${kw.join('”“')}”` : '') + (model === undefined ? '' : `；${model.zh}`),
    kwEn:
      (kw.length > 0 ? ` with keywords ${kw.map((k) => `"${k}"`).join(', ')}` : '') +
      (model === undefined ? '' : `; ${model.en}`),
    keywords: kw.length > 0 ? kw.join(',') : undefined,
    templateKeywords: kw.join(', '),
    hit,
    modelScore: hit === undefined ? 0 : Math.round(hit.score.fraud * 1000) / 1000,
    modelNgrams: hit !== undefined && hit.score.ngrams.length > 0 ? hit.score.ngrams.join(',') : undefined,
    templateScore: hit === undefined ? '' : hit.score.fraud.toFixed(2),
    templateNgrams: hit === undefined ? '' : hit.score.ngrams.join('、'),
  };
}

function matchWords(keywords: readonly string[], models: readonly ModelHit[]): MatchWords {
  const kw = keywords.length > 6 ? keywords.slice(0, 6) : keywords;
  const hit = strongestHit(models);
  let memo = wordsNoHit;
  if (hit !== undefined) {
    const known = wordsByScore.get(hit.score);
    if (known === undefined) {
      memo = new TextMemo<MatchWords>(256, 2_048);
      wordsByScore.set(hit.score, memo);
    } else memo = known;
  }
  const key = hit === undefined ? kw.join('\u0000') : `${hit.model}\u0001${kw.join('\u0000')}`;
  let w = memo.get(key);
  if (w === undefined || !sameWords(w, kw, hit)) {
    w = makeMatchWords(kw, hit);
    memo.set(key, w);
  }
  return w;
}

/** Whether remembered words are of these keywords and this hit's model (a key could be ambiguous). */
function sameWords(w: MatchWords, kw: readonly string[], hit: ModelHit | undefined): boolean {
  if (w.model !== hit?.model || w.kw.length !== kw.length) return false;
  for (let i = 0; i < kw.length; i++) if (w.kw[i] !== kw[i]) return false;
  return true;
}

/**
 * What an explanation shows of an indicator besides its id and time: the evidence's summary and
 * values, the explain template's values and the phrases of the templates filled with them. The same
 * for every indicator of one shape (its kind and the fields shown) with the same match words, so
 * made once per shape and words and shared (an ordinary SMS from one sender, seen again and again,
 * no longer makes its summary, values and phrases anew). Shared: never to be changed.
 */
export class ShownIndicator {
  private template: Readonly<Record<string, string | number>> | undefined;
  /** Filled templates, `[template, phrase]` (the few rules that fire on one indicator). */
  private filled: [CompiledTemplate, BilingualText][] | undefined;

  constructor(
    private readonly ind: FraudIndicator,
    private readonly words: MatchWords,
    readonly summary: BilingualText,
    readonly values: Readonly<Record<string, string | number | boolean>>,
  ) {}

  /** The explain template's values (see {@link templateValues}). */
  templateValues(): Readonly<Record<string, string | number>> {
    this.template ??= makeTemplateValues(this.ind, this.words);
    return this.template;
  }

  /** A rule's explain template filled with {@link templateValues}. */
  phrase(fill: CompiledTemplate): BilingualText {
    const filled = this.filled;
    if (filled !== undefined) {
      for (let i = 0; i < filled.length; i++) {
        const f = filled[i] as [CompiledTemplate, BilingualText];
        if (f[0] === fill) return f[1];
      }
    }
    const phrase = fill(this.templateValues());
    if (filled === undefined) this.filled = [[fill, phrase]];
    else if (filled.length < 16) filled.push([fill, phrase]);
    return phrase;
  }
}

/**
 * The indicator's shape: every field its summary, values and template values read but its id and
 * time, numbers and booleans first, free strings length-prefixed (so no two shapes share a key).
 * Undefined for a transfer, whose amount seldom repeats (made each time, as before).
 */
function shapeKey(ind: FraudIndicator): string | undefined {
  switch (ind.kind) {
    case 'sms':
      return `s${ind.urls?.length ?? 0}\u0000${ind.senderNumber}`;
    case 'call': {
      const tags = ind.callerTags === undefined ? '' : ind.callerTags.join(',');
      return `c${ind.durationSec}\u0000${ind.callerListed === true}\u0000${ind.direction}\u0000${ind.transcript?.length ?? -1}\u0000${tags.length}:${tags}${ind.callerNumber}`;
    }
    case 'app_install':
      return `a${ind.category === undefined ? '' : `${ind.category.length}:${ind.category}`}\u0000${ind.appId.length}:${ind.appId}${ind.appName}`;
    case 'report':
      return `r${ind.reportedBy}`;
    case 'transfer':
      return undefined;
    default: {
      const never: never = ind;
      throw new UnreachableError('indicator kind', never);
    }
  }
}

/** Shown indicators per match words (the words are remembered objects), by shape. */
const shownByWords = new WeakMap<MatchWords, TextMemo<ShownIndicator>>();

export function shownIndicator(
  ind: FraudIndicator,
  keywords: readonly string[],
  models: readonly ModelHit[],
): ShownIndicator {
  const words = matchWords(keywords, models);
  const key = shapeKey(ind);
  if (key === undefined) return makeShown(ind, words);
  let memo = shownByWords.get(words);
  if (memo === undefined) {
    memo = new TextMemo<ShownIndicator>(4_096, 2_048);
    shownByWords.set(words, memo);
  }
  let shown = memo.get(key);
  if (shown === undefined) {
    shown = makeShown(ind, words);
    memo.set(key, shown);
  }
  return shown;
}

function makeShown(ind: FraudIndicator, words: MatchWords): ShownIndicator {
  const { kwZh, kwEn, hit } = words;
  let summary: BilingualText;
  let values: Record<string, string | number | boolean>;
  switch (ind.kind) {
    case 'call': {
      const n = maskNumber(ind.callerNumber);
      const listed = ind.callerListed === true;
      const mins = Math.round(ind.durationSec / 60);
      summary = {
        zh: `来自${listed ? '标记号码' : '号码'} ${n} 的${ind.direction === 'outbound' ? '去电' : '来电'}（${mins} 分钟）${kwZh}`,
        en: `${ind.direction === 'outbound' ? 'call to' : 'call from'} ${listed ? 'listed ' : ''}number ${n} (${mins} min)${kwEn}`,
      };
      values = { callerNumber: n, durationSec: ind.durationSec, callerListed: listed };
      if (ind.transcript !== undefined) values.transcriptChars = ind.transcript.length;
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
  if (words.keywords !== undefined) values.keywords = words.keywords;
  if (hit !== undefined) {
    values.model = hit.model;
    values.modelScore = words.modelScore;
    values.modelType = hit.score.type;
    if (words.modelNgrams !== undefined) values.modelNgrams = words.modelNgrams;
  }
  return new ShownIndicator(ind, words, summary, values);
}

/**
 * The indicator as evidence (of `ruleId`): its own id and time, with the summary and values of its
 * shape and matches, which are shared (see {@link ShownIndicator}).
 */
export function indicatorEvidence(
  ind: FraudIndicator,
  keywords: readonly string[],
  ruleId?: string,
  models: readonly ModelHit[] = [],
): Evidence {
  return shownEvidence(ind, shownIndicator(ind, keywords, models), ruleId);
}

/** The indicator as evidence, shown as `shown` (what {@link shownIndicator} gave for it). */
export function shownEvidence(ind: FraudIndicator, shown: ShownIndicator, ruleId?: string): Evidence {
  const { summary, values } = shown;
  const ev: Evidence = {
    eventId: ind.eventId,
    kind: ind.kind,
    occurredAt: ind.occurredAt,
    summary,
    values: values as Record<string, string | number | boolean>,
  };
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

/** Values an explain template can use, from one indicator (shared: not to be changed). */
export function templateValues(
  ind: FraudIndicator,
  keywords: readonly string[],
  models: readonly ModelHit[] = [],
): Readonly<Record<string, string | number>> {
  return shownIndicator(ind, keywords, models).templateValues();
}

function makeTemplateValues(ind: FraudIndicator, words: MatchWords): Record<string, string | number> {
  const v: Record<string, string | number> = { keywords: words.templateKeywords };
  const hit = words.hit;
  if (hit !== undefined) {
    v.modelScore = words.templateScore;
    v.modelType = hit.score.type;
    v.modelTypeZh = fraudTypeZh(hit.score.type);
    v.modelNgrams = words.templateNgrams;
  }
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
export const DEFAULT_SCRIPTS: Readonly<Record<FraudType, BilingualText>> = Object.fromEntries(
  Object.entries(FRAUD_TYPE_GUIDES).map(([type, guide]) => [type, guide.script]),
) as Record<FraudType, BilingualText>;
