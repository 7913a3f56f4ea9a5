/**
 * The built-in fraud rule pack: keyword rules on SMS and report texts and on call transcripts for
 * each fraud type, rules on the built-in text model's score, and the behavioural rules (listed-number
 * calls, remote-control apps, transfers to new payees and their sequences) that the text data cannot
 * measure. Used until a rule set arrives on `rules.sets`. Valid against the FraudRuleSet contract
 * (builtin-pack.test.ts).
 *
 * Texts come in two lengths. An SMS or a report is short: one identity word and one trap word are a
 * signal. A call transcript is long and meets many words by chance (an ordinary customer-service
 * call says 客服, 退款, 验证 and 账户), so its keyword rules ask for one more trap word, and the
 * model, which weighs every n-gram of the whole text against its length, carries more of the score.
 */
import type {
  BilingualText,
  Condition,
  FraudRule,
  FraudRuleSet,
  FraudType,
  IndicatorPredicate,
} from '@fenghuo/contracts';
import { DEFAULT_SCRIPTS } from '../explain.ts';
import { FRAUD_TYPE_GUIDES } from '../fraud-type-guide.ts';
import { BUILTIN_TEXT_MODEL } from '../text-model/registry.ts';
import { KEYWORD_SETS, type KeywordSetName } from './keywords.ts';

/** Where each text-bearing indicator keeps its text, and whether the text is long. */
const TEXT_FIELDS = [
  { kind: 'sms', field: 'text', long: false },
  { kind: 'report', field: 'text', long: false },
  { kind: 'call', field: 'transcript', long: true },
] as const;

interface TextRuleSpec {
  readonly id: string;
  readonly name: string;
  readonly fraudType: FraudType;
  readonly weight: number;
  /** Keyword sets that must all match, with the least number of distinct keywords of each. */
  readonly all: readonly (readonly [KeywordSetName, number])[];
  /** Keyword sets none of whose keywords may occur. */
  readonly none?: readonly KeywordSetName[];
  /** Regular expressions (case-insensitive) the text must match, or with `negate` must not match. */
  readonly patterns?: readonly { readonly pattern: string; readonly negate?: boolean }[];
  readonly explain?: BilingualText;
  /**
   * On call transcripts: `stricter` asks for one more keyword of the last set of `all`, `same` keeps
   * the counts, `skip` leaves calls out (rules on words every conversation has).
   * @defaultValue 'stricter'
   */
  readonly call?: 'stricter' | 'same' | 'skip';
  /**
   * How the text model gates the rule: `floor` (the rule holds only when the model's fraud
   * probability is at least {@link MODEL_THRESHOLDS}.floor: keywords in a text the model reads as
   * clearly ordinary, such as a police reminder, count for nothing), `mid` (only at or above
   * `mid`), `notHigh` (only when it is below
   * `high`: a marketing look does not cancel a text the model is sure of), or `none`.
   * @defaultValue 'floor' for positive weights, 'notHigh' for negative ones
   */
  readonly gate?: 'floor' | 'mid' | 'notHigh' | 'none';
  /**
   * The gate on short texts (SMS, reports) when it differs from `gate`: `band` holds only while the
   * model reads from `floor` up to below `high` (the rule adds keyword evidence to a text the model is
   * unsure of, and no topic evidence to a text the model is already sure of).
   * @defaultValue `gate`
   */
  readonly shortGate?: 'floor' | 'mid' | 'notHigh' | 'band' | 'none';
}

/** Thresholds of the built-in model's calibrated fraud probability (see docs/fraud-model.md). */
export const MODEL_THRESHOLDS = {
  /** Alone enough for a notice (weight above `levels.notice`). */
  high: 0.9,
  /** Supports keyword evidence. */
  mid: 0.5,
  /** Below this the text reads as ordinary: the score is lowered. */
  low: 0.1,
  /** Keyword rules hold only at or above this. */
  floor: 0.05,
  /**
   * Share of the fraud probability the model gives its most likely type at or above which that type
   * names the alert (over four times the share of one of 14 types if the model could not tell them
   * apart). On the licensed data's tuning rows the model's type is right for 98% of the scams it
   * reads at this share or more, 63% below 0.2 (development figures, docs/fraud-model.md).
   */
  typeSure: 0.3,
  /**
   * Certain (ninth pass): with a way to reach the sender (a contact, an account, a link), enough for a
   * notice without an act from the list. On the licensed data's tuning rows 32 of 5,442 ordinary
   * texts reach it, and 1,183 of 2,800 scams (development figures, docs/fraud-model.md).
   */
  certain: 0.99,
} as const;

function gateCondition(gate: 'floor' | 'mid' | 'notHigh' | 'band', field: string): Condition {
  const model = BUILTIN_TEXT_MODEL.id;
  switch (gate) {
    case 'band':
      return {
        op: 'textModel',
        field,
        model,
        minScore: MODEL_THRESHOLDS.floor,
        maxScore: MODEL_THRESHOLDS.high,
      };
    case 'floor':
      return { op: 'textModel', field, model, minScore: MODEL_THRESHOLDS.floor };
    case 'mid':
      return { op: 'textModel', field, model, minScore: MODEL_THRESHOLDS.mid };
    case 'notHigh':
      return { op: 'textModel', field, model, minScore: 0, maxScore: MODEL_THRESHOLDS.high };
  }
}

/**
 * Weights of the rules on the model's score. A high score alone (30) stays below `notice` (40): the
 * model raises an alert only with a fraud act in the text (`fraud-act`, +15) or keyword evidence of
 * the type, so a text on a scam's topic (a bank, a refund, the police) with nothing asked of the
 * reader is not flagged on the model's word alone.
 */
const MODEL_WEIGHTS = {
  high: 30,
  mid: 15,
  low: -25,
  act: 15,
  actMulti: 10,
  claim: 10,
  /** Type vote of the model sure of the script: more than all the keyword rules of a type add up to. */
  typeSure: 500,
} as const;

/** One rule per text-bearing indicator kind (sms, report, call) for a keyword combination. */
function textRules(spec: TextRuleSpec): FraudRule[] {
  const onCalls = spec.call ?? 'stricter';
  const longGate = spec.gate ?? (spec.weight > 0 ? 'floor' : 'notHigh');
  return TEXT_FIELDS.filter((f) => !f.long || onCalls !== 'skip').map((f): FraudRule => {
    const gate = f.long ? longGate : (spec.shortGate ?? longGate);
    const all = spec.all.map(([set, min], i) => [
      set,
      f.long && onCalls === 'stricter' && i === spec.all.length - 1 ? min + 1 : min,
    ]) as [KeywordSetName, number][];
    return {
      id: `${spec.id}-${f.kind}`,
      name: `${spec.name} (${f.kind})`,
      fraudType: spec.fraudType,
      weight: spec.weight,
      kind: 'match',
      when: {
        kind: f.kind,
        where: [
          ...all.map(([set, minMatches]) => ({
            op: 'keywords' as const,
            field: f.field,
            set,
            minMatches,
          })),
          ...(spec.none ?? []).map((set) => ({
            op: 'keywords' as const,
            field: f.field,
            set,
            minMatches: 0,
            maxMatches: 0,
          })),
          ...(spec.patterns ?? []).map((p) => ({
            op: 'regex' as const,
            field: f.field,
            pattern: p.pattern,
            flags: 'i',
            ...(p.negate === true ? { negate: true } : {}),
          })),
          ...(gate === 'none' ? [] : [gateCondition(gate, f.field)]),
        ],
      },
      ...(spec.explain !== undefined ? { explain: spec.explain } : {}),
    };
  });
}

/**
 * A link that imitates an institution's or a brand's web address, as police anti-fraud notices
 * describe phishing SMS (积分兑换、ETC 认证、账户异常 "请登录 xxx-xx.top"): a host whose name is
 * joined with a hyphen (cmb-aq.com, etc-rz.cc), a host under a cheap generic top-level domain
 * (.top, .xyz, .vip…), or a bare IP address. Banks, operators and government services send their
 * own short domains (95588.cn, 10086.cn, 12123 in its app) or no link at all.
 */
export const LOOKALIKE_LINK =
  '[a-z0-9]+-[a-z0-9-]*\\.(?:com|cn|net|org|cc|co|me|top|xyz|vip|icu|club|shop|site|work|buzz|live|ink|fun|wang|ltd|info|pw|tk)(?![a-z0-9])' +
  '|[a-z0-9]\\.(?:top|xyz|vip|cc|icu|club|shop|site|work|buzz|live|ink|fun|wang|ltd|pw|tk)(?![a-z0-9])' +
  '|https?://\\d{1,3}(?:\\.\\d{1,3}){3}';

/**
 * A promise that the caller will NOT ask for the scam's act (tenth pass): "no fee to pay first", "we
 * will never ask for your code", "you need not do anything", "no need to open 借呗 or 备用金".
 * Genuine banks, couriers, insurers and hospitals say this to set the listener at ease; a scam's
 * script needs the act. The promise scams do make ("不会要你一分钱", "不收任何费用": no fee, then
 * one) is left out: 不会要 and 不收 are not promise words here.
 * A promise word, then at most six characters within the same clause, then an act word.
 */
export const NEGATED_ACT =
  '(?:不需要|无需|不用|不必|从不|绝不|决不|不会(?:让|向|索|问|收))[^，。,.!?！？、；;\\s]{0,6}?' +
  '(?:转账|转钱|汇款|先付|付款|付费|交钱|交费|垫付|手续费|保证金|验证码|密码|下载|共享屏幕|屏幕共享|借呗|备用金|操作|转给)';
/** Two such promises in one text (at most 300 characters apart). */
export const NEGATED_ACT_TWICE = `${NEGATED_ACT}[\\s\\S]{1,300}?${NEGATED_ACT}`;

/** Per fraud type: identity words and the trap it sets; both together are the signal. */
const TYPE_SETS: readonly {
  type: FraudType;
  id: string;
  zh: string;
  identity: KeywordSetName;
  trap: KeywordSetName;
}[] = [
  {
    type: 'impersonation_authority',
    id: 'authority',
    zh: '冒充公检法',
    identity: 'authority_identity',
    trap: 'authority_threat',
  },
  { type: 'loan_scam', id: 'loan', zh: '贷款诈骗', identity: 'loan_topic', trap: 'loan_trap' },
  {
    type: 'fake_customer_service',
    id: 'service',
    zh: '冒充客服',
    identity: 'service_identity',
    trap: 'service_trap',
  },
  {
    type: 'impersonation_acquaintance',
    id: 'acquaintance',
    zh: '冒充熟人领导',
    identity: 'acquaintance_identity',
    trap: 'acquaintance_ask',
  },
  {
    type: 'pig_butchering',
    id: 'investment',
    zh: '杀猪盘',
    identity: 'romance_hook',
    trap: 'investment_lure',
  },
  { type: 'task_scam', id: 'task', zh: '刷单返利', identity: 'task_lure', trap: 'request' },
  {
    type: 'fake_investment',
    id: 'invest',
    zh: '虚假投资理财',
    identity: 'invest_identity',
    trap: 'invest_trap',
  },
  { type: 'credit_repair', id: 'credit', zh: '虚假征信', identity: 'credit_identity', trap: 'credit_trap' },
  { type: 'fake_shopping', id: 'shopping', zh: '虚假购物', identity: 'shop_identity', trap: 'shop_trap' },
  { type: 'game_trading', id: 'game', zh: '游戏虚假交易', identity: 'game_identity', trap: 'game_trap' },
  { type: 'prize_lottery', id: 'prize', zh: '冒充中奖', identity: 'prize_identity', trap: 'prize_trap' },
  {
    type: 'fake_kidnapping',
    id: 'kidnap',
    zh: '虚构绑架、亲友出事',
    identity: 'kidnap_identity',
    trap: 'kidnap_trap',
  },
  { type: 'phishing_link', id: 'phishing', zh: '钓鱼链接', identity: 'phishing_bait', trap: 'link' },
  { type: 'fake_refund', id: 'refund', zh: '虚假退款补贴', identity: 'refund_identity', trap: 'refund_trap' },
];

const textPack: FraudRule[] = [
  ...TYPE_SETS.flatMap((t) => [
    ...textRules({
      id: `${t.id}-text`,
      name: `${t.zh} script: ${t.identity} and ${t.trap} keywords`,
      fraudType: t.type,
      weight: 30,
      all: [
        [t.identity, 1],
        [t.trap, 1],
      ],
    }),
    ...textRules({
      id: `${t.id}-text-strong`,
      name: `${t.zh} script: ${t.identity} and 2+ ${t.trap} keywords`,
      fraudType: t.type,
      weight: 15,
      all: [
        [t.identity, 1],
        [t.trap, 2],
      ],
    }),
    ...textRules({
      id: `${t.id}-identity-multi`,
      name: `${t.zh} script: 2+ ${t.identity} keywords`,
      fraudType: t.type,
      weight: 10,
      all: [[t.identity, 2]],
      // Two identity words are a topic, not an act: on a short text the model already reads at
      // >= high they made an alert of two topics (30 + 10 = notice) with nothing asked.
      shortGate: 'band',
    }),
  ]),
  ...textRules({
    id: 'phishing-lookalike',
    name: '钓鱼链接 script: bait (points, certification, account) and a look-alike link',
    fraudType: 'phishing_link',
    // 65: still a notice when the model reads the SMS as ordinary (-25), as it reads the bank
    // marketing wording these SMS imitate (ninth pass).
    weight: 65,
    all: [['phishing_bait', 1]],
    patterns: [{ pattern: LOOKALIKE_LINK }],
    // A caller's speech does not carry a web address as text.
    call: 'skip',
    // Bait and a look-alike address are the whole script: no model gate (ninth pass).
    gate: 'none',
    explain: {
      zh: '以积分兑换、认证失效或账户异常为由，附仿冒官方的网址',
      en: 'points, an expired certification or an account problem as the bait, with a link that imitates an official address',
    },
  }),
  ...textRules({
    id: 'lookalike-link',
    name: 'A look-alike link, whatever the bait',
    fraudType: 'phishing_link',
    weight: 30,
    all: [],
    patterns: [{ pattern: LOOKALIKE_LINK }],
    call: 'skip',
  }),
  ...textRules({
    id: 'acquaintance-intro',
    name: '冒充熟人领导 script: self-introduction and a request for money or a favour',
    fraudType: 'impersonation_acquaintance',
    weight: 25,
    all: [
      ['self_intro', 1],
      ['acquaintance_ask', 1],
    ],
    none: ['institution'],
  }),
  ...textRules({
    id: 'acquaintance-intro-strong',
    name: '冒充熟人领导 script: self-introduction and several requests for money or favours',
    fraudType: 'impersonation_acquaintance',
    weight: 15,
    all: [
      ['self_intro', 1],
      ['acquaintance_ask', 2],
    ],
    none: ['institution'],
  }),
  ...textRules({
    id: 'acquaintance-plight',
    name: '冒充熟人领导 script: trouble (abroad, hospital, police, new number) and a personal money request',
    fraudType: 'impersonation_acquaintance',
    weight: 40,
    all: [
      ['acquaintance_plight', 1],
      ['acquaintance_plea', 1],
    ],
  }),
  ...textRules({
    id: 'purchase-errand',
    name: '冒充单位领导 script: an order to buy from a designated supplier',
    fraudType: 'impersonation_acquaintance',
    weight: 40,
    all: [['purchase_errand', 2]],
  }),
  ...textRules({
    id: 'school-parent',
    name: '冒充老师 script: a report, fee or refund about the child sent to the parent',
    fraudType: 'impersonation_acquaintance',
    weight: 30,
    all: [
      ['parent', 1],
      ['school_matter', 1],
    ],
  }),
  ...textRules({
    id: 'school-parent-link',
    name: "冒充老师 script: a link to the child's report or fee",
    fraudType: 'impersonation_acquaintance',
    weight: 15,
    all: [
      ['parent', 1],
      ['school_matter', 1],
      ['link', 1],
    ],
  }),
  ...textRules({
    id: 'company-review-chat',
    name: 'Company annual review moved to a private chat',
    fraudType: 'impersonation_acquaintance',
    weight: 30,
    all: [
      ['company_review', 1],
      ['request', 1],
    ],
  }),
  ...textRules({
    id: 'screen-share-text',
    name: 'Asks to install a meeting or screen-sharing app',
    fraudType: 'other',
    weight: 30,
    all: [['screen_share', 1]],
  }),
  ...textRules({
    id: 'request-text',
    name: 'Asks to transfer, install or switch channel',
    fraudType: 'other',
    weight: 10,
    all: [['request', 1]],
    call: 'skip',
    gate: 'notHigh',
  }),
  ...textRules({
    id: 'request-text-multi',
    name: 'Several requests to transfer, install or switch channel',
    fraudType: 'other',
    weight: 10,
    all: [['request', 2]],
    call: 'skip',
    gate: 'notHigh',
  }),
  ...textRules({
    id: 'script-opening',
    name: 'Conversational self-introduction',
    fraudType: 'other',
    weight: 5,
    all: [['script_opening', 1]],
    call: 'skip',
    gate: 'notHigh',
  }),
  ...textRules({
    id: 'marketing-text',
    name: 'Marketing or service notice',
    fraudType: 'other',
    weight: -30,
    all: [['marketing', 1]],
    // A genuine promotion never sends the reader to a look-alike address.
    patterns: [{ pattern: LOOKALIKE_LINK, negate: true }],
    call: 'same',
  }),
  ...textRules({
    id: 'finance-ad-text',
    name: 'Mortgage, car-insurance or property advertising',
    fraudType: 'other',
    weight: -30,
    all: [['finance_ad', 1]],
    call: 'same',
  }),
  ...textRules({
    id: 'marketing-text-multi',
    name: 'Marketing notice, several markers',
    fraudType: 'other',
    weight: -30,
    all: [['marketing', 2]],
    // A genuine promotion never sends the reader to a look-alike address.
    patterns: [{ pattern: LOOKALIKE_LINK, negate: true }],
    call: 'same',
  }),
  ...textRules({
    id: 'safe-notice',
    name: 'Says what genuine notices say (no code or password asked, official channels only, refund to the original account)',
    fraudType: 'other',
    weight: -20,
    all: [['safe_notice', 1]],
    call: 'same',
    gate: 'none',
  }),
  ...textRules({
    id: 'in-person',
    name: 'A money request made to be checked: collected in person, an IOU, "ask X if you doubt me"',
    fraudType: 'other',
    weight: -20,
    all: [['in_person', 1]],
    call: 'same',
    gate: 'none',
  }),
  // Two or three phrases of genuine practice (ninth pass): pay at the hospital's own counter and
  // transfer to no one, call the switchboard to check; an IOU and cash in person. The single-phrase
  // rules above stay at -20 each; a caller who says two or three such things is doing what the scam
  // cannot, and on calls the script's own rules stack high.
  ...textRules({
    id: 'genuine-practice',
    name: 'Says two things genuine callers say and scams cannot (official counter, no transfer to anyone, an IOU in person)',
    fraudType: 'other',
    weight: -40,
    all: [['genuine_practice', 2]],
    call: 'same',
    gate: 'none',
  }),
  ...textRules({
    id: 'genuine-practice-strong',
    name: 'Says three or more things genuine callers say and scams cannot',
    fraudType: 'other',
    weight: -40,
    all: [['genuine_practice', 3]],
    call: 'same',
    gate: 'none',
  }),
  ...textRules({
    id: 'police-reminder',
    name: "The police's own anti-fraud reminder or warning",
    fraudType: 'other',
    weight: -40,
    all: [['police_reminder', 2]],
    call: 'same',
    gate: 'none',
  }),
  // A promise not to ask for the act (tenth pass): one -20, two -30 more. No scam of the project's
  // texts makes one; 8 of the 2,800 scams of the licensed tuning rows do (counts only).
  ...textRules({
    id: 'negated-act',
    name: 'Promises not to ask for the act (no fee first, no code, no transfer, nothing to do)',
    fraudType: 'other',
    weight: -20,
    all: [],
    patterns: [{ pattern: NEGATED_ACT }],
    call: 'same',
    gate: 'none',
  }),
  ...textRules({
    id: 'negated-act-twice',
    name: 'Promises twice not to ask for the act',
    fraudType: 'other',
    weight: -30,
    all: [],
    patterns: [{ pattern: NEGATED_ACT_TWICE }],
    call: 'same',
    gate: 'none',
  }),
  // The police's reminder, three or more of its phrases (ninth pass): an officer's warning call names
  // the scam, its platform and its every step, so the script's own keyword rules stack high. No scam
  // of the tuning rows or the project's texts says three of these; 20 ordinary texts do.
  ...textRules({
    id: 'police-reminder-strong',
    name: "The police's own anti-fraud warning, three or more of its phrases",
    fraudType: 'other',
    weight: -100,
    all: [['police_reminder', 3]],
    call: 'same',
    gate: 'none',
  }),
];

/** Type vote of a script's distinctive pretext (weight 0: it names the alert's type, never makes one). */
const PRETEXT_TYPE_WEIGHT = 40;

/**
 * The pretexts that tell a loan scam from a fake customer-service call (keywords.ts: `loan_release`,
 * `cancel_verb` + `service_product`; public police notices). Both scripts speak of 客服, 额度, 利率,
 * 冻结 and 征信, so both keyword rules fire and the type went to whichever set had one more word. A
 * loan scam's pretext is a loan the victim applies for or is offered, held back until a fee is paid;
 * a fake customer-service call's is an account or paid service the victim already has (京东金条/白条,
 * 花呗, 百万保障, a membership) that must be closed or cancelled, or they will be charged or their
 * credit will suffer: it is typed fake_customer_service, as police notices on 冒充客服 file "关闭金条/
 * 白条、取消会员" calls. A student-loan account to cancel (注销校园贷) is left to the model and the
 * 虚假征信 keywords (credit_repair, as the project's corpus types it). Weight 0: they name the alert's
 * type, never make or remove an alert. `typeWeight` 40: more than a keyword rule of the other type,
 * far less than the model sure of a script (500).
 */
function pretextRules(): FraudRule[] {
  const specs: { id: string; name: string; type: FraudType; sets: KeywordSetName[] }[] = [
    {
      id: 'loan-pretext',
      name: '贷款诈骗 pretext: a loan applied for or offered, held back before release',
      type: 'loan_scam',
      sets: ['loan_release'],
    },
    {
      id: 'service-pretext',
      name: '冒充客服 pretext: an account or paid service the victim has, to be closed or cancelled',
      type: 'fake_customer_service',
      sets: ['cancel_verb', 'service_product'],
    },
  ];
  return specs.flatMap((s) =>
    TEXT_FIELDS.map(
      (f): FraudRule => ({
        id: `${s.id}-${f.kind}`,
        name: `${s.name} (${f.kind})`,
        fraudType: s.type,
        weight: 0,
        typeWeight: PRETEXT_TYPE_WEIGHT,
        kind: 'match',
        when: {
          kind: f.kind,
          where: s.sets.map((set) => ({ op: 'keywords' as const, field: f.field, set, minMatches: 1 })),
        },
      }),
    ),
  );
}

/** Every fraud type the built-in model knows (all but `other`). */
const MODEL_TYPES = (Object.keys(FRAUD_TYPE_GUIDES) as FraudType[]).filter((t) => t !== 'other');

/**
 * The scripts a 冒充熟人/领导 call is read as (seventh pass): the model splits a "relative in trouble"
 * call (a fight, a hospital bill, held by the police) between 冒充熟人 and 虚构绑架/亲友出事, the same
 * story told by a fake relative, so the call rules below hold when either is the model's type.
 */
const ACQUAINTANCE_CALL_TYPES: readonly FraudType[] = ['impersonation_acquaintance', 'fake_kidnapping'];

/**
 * On call transcripts: the model reads a 冒充熟人/领导 script (probability >= mid since the seventh
 * pass; >= high before) and the caller introduces themself as a boss, relative, friend or teacher
 * ("我是你们王总", "是我，你舅舅"). The caller's first call often only sets up the new number or a
 * private contact, with no money asked yet, so no fraud act is said; the claim stands in for it. From
 * the mid band a claim needs more (an ask, haste or an act: 15 + 10 + 10 + 10); when the model is sure
 * one more is enough (30 + 10). Not on SMS, where the keyword rules already hold.
 */
function acquaintanceClaimRule(f: (typeof TEXT_FIELDS)[number]): FraudRule {
  const model = BUILTIN_TEXT_MODEL.id;
  return {
    id: `model-claim-impersonation_acquaintance-${f.kind}`,
    name: `Text model: impersonation_acquaintance script (probability >= ${MODEL_THRESHOLDS.mid}) in which the speaker claims to be a boss, relative, friend or teacher (${f.kind})`,
    fraudType: 'impersonation_acquaintance',
    weight: MODEL_WEIGHTS.claim,
    kind: 'match',
    when: {
      kind: f.kind,
      where: [
        { op: 'keywords', field: f.field, set: 'self_intro', minMatches: 1 },
        { op: 'keywords', field: f.field, set: 'acquaintance_identity', minMatches: 1 },
        {
          op: 'textModel',
          field: f.field,
          model,
          minScore: MODEL_THRESHOLDS.mid,
          types: [...ACQUAINTANCE_CALL_TYPES],
        },
      ],
    },
    explain: {
      zh: '自称领导、亲友、同学或老师，文本模型判断为冒充熟人领导话术（概率 {modelScore}）',
      en: 'the speaker claims to be a boss, relative, friend or teacher; text model: impersonation acquaintance script (probability {modelScore})',
    },
  };
}

/**
 * On call transcripts: the model reads a 冒充熟人/领导 script (>= mid since the seventh pass) and the
 * caller presses for haste (尽快, 紧急, 马上…), which public notices name as that script's mark; like
 * the claim above, it stands in for an act the first call may not ask yet.
 */
function acquaintanceUrgencyRule(f: (typeof TEXT_FIELDS)[number]): FraudRule {
  const model = BUILTIN_TEXT_MODEL.id;
  return {
    id: `model-urgent-impersonation_acquaintance-${f.kind}`,
    name: `Text model: impersonation_acquaintance script (probability >= ${MODEL_THRESHOLDS.mid}) pressing for haste (${f.kind})`,
    fraudType: 'impersonation_acquaintance',
    weight: MODEL_WEIGHTS.claim,
    kind: 'match',
    when: {
      kind: f.kind,
      where: [
        { op: 'keywords', field: f.field, set: 'acquaintance_urgency', minMatches: 1 },
        {
          op: 'textModel',
          field: f.field,
          model,
          minScore: MODEL_THRESHOLDS.mid,
          types: [...ACQUAINTANCE_CALL_TYPES],
        },
      ],
    },
    explain: {
      zh: '催促尽快办理，文本模型判断为冒充熟人领导话术（概率 {modelScore}）',
      en: 'presses for haste; text model: impersonation acquaintance script (probability {modelScore})',
    },
  };
}

/**
 * On call transcripts (seventh pass): the model is sure the call is a scam (>= high) but names
 * another script, and the caller introduces themself (我是, 是我) and asks one of the 冒充熟人/领导
 * script's favours (`acquaintance_ask`: 帮忙, 转账, 借钱, 垫付…). A fake boss or relative whose story
 * the model reads as a kidnapping, an official's call or a purchase is still asking as that script
 * asks; the self-introduction and the ask stand in for the act the list does not know (30 + 10).
 * It votes impersonation_acquaintance, but a model sure of its type still names the alert.
 */
function acquaintancePleaRule(f: (typeof TEXT_FIELDS)[number]): FraudRule {
  return {
    id: `model-plea-impersonation_acquaintance-${f.kind}`,
    name: `Text model: a scam (probability >= ${MODEL_THRESHOLDS.high}, any type) in which the caller introduces themself and asks a personal favour (${f.kind})`,
    fraudType: 'impersonation_acquaintance',
    weight: MODEL_WEIGHTS.claim,
    kind: 'match',
    when: {
      kind: f.kind,
      where: [
        { op: 'keywords', field: f.field, set: 'self_intro', minMatches: 1 },
        { op: 'keywords', field: f.field, set: 'acquaintance_ask', minMatches: 1 },
        { op: 'textModel', field: f.field, model: BUILTIN_TEXT_MODEL.id, minScore: MODEL_THRESHOLDS.high },
      ],
    },
    explain: {
      zh: '来电者自报身份并请求帮忙或转账，文本模型判断为诈骗（概率 {modelScore}）',
      en: 'the caller introduces themself and asks a favour or a transfer; text model: a scam (probability {modelScore})',
    },
  };
}

/**
 * On call transcripts: the model reads a script of type T (probability >= mid) and the caller says
 * one word of that script's trap (the money or favour asked, the threat, the fee…). A long transcript
 * meets trap words by chance, so the keyword rules on calls ask for two; when the model already names
 * the script, one is evidence. From the mid band, an ask and a fraud act make an alert (15 + 10 + 15);
 * a caller who asks nothing the act list knows needs the model to be sure (30 + 10). A second word
 * of the trap (`asks` 2, `model-trap2-…`, seventh pass) is a second ask and adds 10 more, as the
 * keyword rules' `-strong` twins do. For the 冒充熟人/领导 script the model's type may also be
 * 虚构绑架/亲友出事 (`ACQUAINTANCE_CALL_TYPES`).
 */
function modelTrapRule(
  t: (typeof TYPE_SETS)[number],
  f: (typeof TEXT_FIELDS)[number],
  asks: 1 | 2 = 1,
): FraudRule {
  const model = BUILTIN_TEXT_MODEL.id;
  const types = t.type === 'impersonation_acquaintance' ? [...ACQUAINTANCE_CALL_TYPES] : [t.type];
  return {
    id: `model-trap${asks === 1 ? '' : asks}-${t.type}-${f.kind}`,
    name: `Text model: ${t.type} script (probability >= ${MODEL_THRESHOLDS.mid}) with ${asks === 1 ? 'a' : `${asks}+`} ${t.trap} keyword${asks === 1 ? '' : 's'} (${f.kind})`,
    fraudType: t.type,
    weight: MODEL_WEIGHTS.claim,
    kind: 'match',
    when: {
      kind: f.kind,
      where: [
        { op: 'keywords', field: f.field, set: t.trap, minMatches: asks },
        { op: 'textModel', field: f.field, model, minScore: MODEL_THRESHOLDS.mid, types },
      ],
    },
    explain: {
      zh: `说出${t.zh}话术的要求，文本模型判断为该话术（概率 {modelScore}）`,
      en: `says what the ${t.type.replaceAll('_', ' ')} script asks; text model: that script (probability {modelScore})`,
    },
  };
}

/** Rules on the built-in text model's score, per text field: typed high and mid bands, one low band. */
function modelRules(): FraudRule[] {
  const model = BUILTIN_TEXT_MODEL.id;
  return TEXT_FIELDS.flatMap((f) => [
    ...(f.long ? [acquaintanceClaimRule(f), acquaintanceUrgencyRule(f)] : []),
    ...(f.long ? [acquaintancePleaRule(f)] : []),
    // Only for the acquaintance script: for the other types the model's confidence on ordinary texts
    // (promotions read as prize or investment scripts) made one trap word too cheap.
    ...(f.long
      ? TYPE_SETS.filter((t) => t.type === 'impersonation_acquaintance').flatMap((t) => [
          modelTrapRule(t, f),
          modelTrapRule(t, f, 2),
        ])
      : []),
    ...MODEL_TYPES.flatMap((type): FraudRule[] => {
      const guide = FRAUD_TYPE_GUIDES[type].explanation;
      return [
        // The model is sure of the script (its type takes at least `typeSure` of the fraud
        // probability): that type names the alert, whatever keyword rules of other types fired. Weight 0: it changes the
        // alert's type, never whether there is an alert. Below that share the alert's type is the
        // type with the most evidence (the model's band, 30 or 15, and keyword rules of a type).
        {
          id: `model-sure-${type}-${f.kind}`,
          name: `Text model: sure of the ${type} script (type share >= ${MODEL_THRESHOLDS.typeSure}, probability >= ${MODEL_THRESHOLDS.mid}) (${f.kind})`,
          fraudType: type,
          weight: 0,
          typeWeight: MODEL_WEIGHTS.typeSure,
          kind: 'match',
          when: {
            kind: f.kind,
            where: [
              {
                op: 'textModel',
                field: f.field,
                model,
                minScore: MODEL_THRESHOLDS.mid,
                types: [type],
                minTypeShare: MODEL_THRESHOLDS.typeSure,
              },
            ],
          },
          explain: {
            zh: '文本模型确信为{modelTypeZh}话术（概率 {modelScore}，该类型占诈骗概率的三成以上），按此类型处置',
            en: `text model sure of the ${type.replaceAll('_', ' ')} script (probability {modelScore}, the type holds 30% of it or more): the alert takes this type`,
          },
        },
        {
          id: `model-${type}-${f.kind}`,
          name: `Text model: ${type} script, fraud probability >= ${MODEL_THRESHOLDS.high} (${f.kind})`,
          fraudType: type,
          weight: MODEL_WEIGHTS.high,
          kind: 'match',
          when: {
            kind: f.kind,
            where: [
              { op: 'textModel', field: f.field, model, minScore: MODEL_THRESHOLDS.high, types: [type] },
            ],
          },
          explain: {
            zh: `{modelTypeZh}话术：文本模型判断为诈骗的概率 {modelScore}，最强特征“{modelNgrams}”。${guide.zh}`,
            en: `${type.replaceAll('_', ' ')} script: text model fraud probability {modelScore}, strongest n-grams {modelNgrams}. ${guide.en}`,
          },
        },
        {
          id: `model-mid-${type}-${f.kind}`,
          name: `Text model: ${type} script, fraud probability ${MODEL_THRESHOLDS.mid}–${MODEL_THRESHOLDS.high} (${f.kind})`,
          fraudType: type,
          weight: MODEL_WEIGHTS.mid,
          kind: 'match',
          when: {
            kind: f.kind,
            where: [
              {
                op: 'textModel',
                field: f.field,
                model,
                minScore: MODEL_THRESHOLDS.mid,
                maxScore: MODEL_THRESHOLDS.high,
                types: [type],
              },
            ],
          },
          explain: {
            zh: '文本模型认为可能是{modelTypeZh}话术（概率 {modelScore}，特征“{modelNgrams}”）',
            en: `text model: possibly a ${type.replaceAll('_', ' ')} script (probability {modelScore}, n-grams {modelNgrams})`,
          },
        },
      ];
    }),
    // A fraud act is evidence that the text is a scam, not of which scam: every script asks for a
    // transfer, a fee, a link or a code. So the act rules hold whatever type the model reads (>= mid)
    // and name no type (`other`): they add to the score, and the alert's type is chosen by the
    // evidence of a script (the model's type band, keyword rules of a type), not by how many acts
    // were asked. Until the fifth pass they were one rule per type, which gave the model's type 25
    // more in the type vote than a keyword type with the same evidence.
    ...(
      [
        ['act', 1, MODEL_WEIGHTS.act],
        ['act2', 2, MODEL_WEIGHTS.actMulti],
      ] as const
    ).map(
      ([name, minMatches, weight]): FraudRule => ({
        id: `model-${name}-${f.kind}`,
        name: `Text model: a fraud script (probability >= ${MODEL_THRESHOLDS.mid}) asking for ${minMatches === 1 ? 'a fraud act' : 'several fraud acts'} (${f.kind})`,
        fraudType: 'other',
        weight,
        kind: 'match',
        when: {
          kind: f.kind,
          where: [
            { op: 'keywords', field: f.field, set: 'fraud_act', minMatches },
            { op: 'textModel', field: f.field, model, minScore: MODEL_THRESHOLDS.mid },
            ...(minMatches > 1
              ? [{ op: 'regex' as const, field: f.field, pattern: NEGATED_ACT, flags: 'i', negate: true }]
              : []),
          ],
        },
        explain: {
          zh: '要求转账、先交费用、点链接、报验证码、下载软件或保密等诈骗动作，文本模型判断为{modelTypeZh}话术（概率 {modelScore}）',
          en: 'asks for a fraud act (transfer, fee first, link, code, app, secrecy); text model: {modelType} script (probability {modelScore})',
        },
      }),
    ),
    // The model certain of a scam (any type) whose text gives a way to reach the sender or to pay
    // (`request`: 微信, qq, a link, an account, a download…) but no act of `fraud_act`: first
    // contacts and stock-tip or job SMS whose only act is a contact written to dodge filters. 30 + 10
    // reaches the notice level; marketing and genuine-practice penalties still keep it under. Short
    // texts only: on the tuning rows as calls it caught no scam more and flagged two ordinary calls.
    ...(f.long ? [] : [modelCertainRule(f)]),
    {
      id: `model-low-${f.kind}`,
      name: `Text model: ordinary text, fraud probability below ${MODEL_THRESHOLDS.low} (${f.kind})`,
      fraudType: 'other',
      weight: MODEL_WEIGHTS.low,
      kind: 'match',
      when: {
        kind: f.kind,
        where: [{ op: 'textModel', field: f.field, model, minScore: 0, maxScore: MODEL_THRESHOLDS.low }],
      },
      explain: {
        zh: '文本模型认为是普通文本（诈骗概率 {modelScore}）',
        en: 'text model: reads as an ordinary text (fraud probability {modelScore})',
      },
    },
  ]);
}

function modelCertainRule(f: (typeof TEXT_FIELDS)[number]): FraudRule {
  const model = BUILTIN_TEXT_MODEL.id;
  return {
    id: `model-certain-${f.kind}`,
    name: `Text model: certain of a fraud script (probability >= ${MODEL_THRESHOLDS.certain}) that gives a contact, an account or a link (${f.kind})`,
    fraudType: 'other',
    weight: MODEL_WEIGHTS.claim,
    kind: 'match',
    when: {
      kind: f.kind,
      where: [
        { op: 'keywords', field: f.field, set: 'request', minMatches: 1 },
        { op: 'textModel', field: f.field, model, minScore: MODEL_THRESHOLDS.certain },
      ],
    },
    explain: {
      zh: '文本模型确定为{modelTypeZh}话术（概率 {modelScore}），并留有联系方式、账户或链接',
      en: 'text model certain of a {modelType} script (probability {modelScore}), with a contact, an account or a link',
    },
  };
}

/**
 * Ids of the rules on the text model's score (with the fraud-act rules, which hold only with the
 * model's type), for evaluating the pack with and without the model.
 */
export const MODEL_RULE_IDS: ReadonlySet<string> = new Set(modelRules().map((r) => r.id));

const listedCall: IndicatorPredicate = {
  kind: 'call',
  where: [{ op: 'eq', field: 'callerListed', value: true }],
};
const remoteApp: IndicatorPredicate = {
  kind: 'app_install',
  where: [{ op: 'in', field: 'category', values: ['remote_control', 'screen_share', 'meeting'] }],
};
const newPayee: IndicatorPredicate = {
  kind: 'transfer',
  where: [{ op: 'eq', field: 'payeeNew', value: true }],
};

const behaviourPack: FraudRule[] = [
  {
    id: 'listed-call',
    name: 'Call from a listed number',
    fraudType: 'other',
    weight: 15,
    kind: 'match',
    when: listedCall,
  },
  {
    id: 'listed-calls-20m',
    name: '3+ calls from listed numbers in 20 min',
    fraudType: 'impersonation_authority',
    weight: 30,
    kind: 'window',
    when: listedCall,
    aggregate: 'count',
    windowMin: 20,
    op: 'gte',
    threshold: 3,
  },
  {
    id: 'overseas-call-long',
    name: 'Long call from an overseas or VoIP number',
    fraudType: 'other',
    weight: 15,
    kind: 'match',
    when: {
      kind: 'call',
      where: [
        { op: 'in', field: 'callerTags', values: ['overseas', 'voip', 'spoofed', 'virtual_operator'] },
        { op: 'gte', field: 'durationSec', value: 300 },
      ],
    },
  },
  {
    id: 'remote-app',
    name: 'Remote-control, screen-share or meeting app installed',
    fraudType: 'fake_customer_service',
    weight: 25,
    kind: 'match',
    when: remoteApp,
  },
  {
    id: 'investment-app',
    name: 'Investment or loan app installed',
    fraudType: 'fake_investment',
    weight: 10,
    kind: 'match',
    when: { kind: 'app_install', where: [{ op: 'in', field: 'category', values: ['investment', 'loan'] }] },
  },
  {
    id: 'large-new-payee',
    name: 'Transfer of 10,000 CNY or more to a new payee',
    fraudType: 'other',
    weight: 20,
    kind: 'match',
    when: {
      kind: 'transfer',
      where: [
        { op: 'eq', field: 'payeeNew', value: true },
        { op: 'gte', field: 'amount', value: 10_000 },
      ],
    },
  },
  {
    id: 'new-payee-sum-1h',
    name: 'Transfers to new payees over 50,000 CNY in 1 h',
    fraudType: 'other',
    weight: 30,
    kind: 'window',
    when: newPayee,
    aggregate: 'sum',
    field: 'amount',
    windowMin: 60,
    op: 'gt',
    threshold: 50_000,
  },
  {
    id: 'many-new-payees-1d',
    name: '3+ distinct new payees in 24 h',
    fraudType: 'task_scam',
    weight: 25,
    kind: 'window',
    when: newPayee,
    aggregate: 'distinct',
    field: 'payeeAccount',
    windowMin: 24 * 60,
    op: 'gte',
    threshold: 3,
  },
  {
    id: 'call-app-transfer-30m',
    name: 'Listed call, then remote-control app, then transfer to a new payee within 30 min',
    fraudType: 'impersonation_authority',
    weight: 60,
    kind: 'sequence',
    withinMin: 30,
    steps: [listedCall, remoteApp, newPayee],
  },
  {
    id: 'app-transfer-30m',
    name: 'Remote-control app, then transfer to a new payee within 30 min',
    fraudType: 'fake_customer_service',
    weight: 30,
    kind: 'sequence',
    withinMin: 30,
    steps: [remoteApp, newPayee],
  },
  {
    id: 'investment-app-transfers-7d',
    name: 'Investment app, then two transfers to new payees within 7 days',
    fraudType: 'fake_investment',
    weight: 35,
    kind: 'sequence',
    withinMin: 7 * 24 * 60,
    steps: [
      { kind: 'app_install', where: [{ op: 'eq', field: 'category', value: 'investment' }] },
      newPayee,
      newPayee,
    ],
  },
];

export const BUILTIN_RULE_SET_ID = 'builtin-fraud';

export const builtinRuleSet: FraudRuleSet = {
  version: 1,
  kind: 'fraud',
  ruleSetId: BUILTIN_RULE_SET_ID,
  ruleSetVersion: 1,
  publishedAt: '2026-11-27T00:00:00.000Z',
  publishedBy: 'fraud-scorer',
  description:
    'Built-in pack: keyword rules on SMS/report texts and call transcripts per fraud type, rules on the built-in text model, and behavioural rules on calls, apps and transfers.',
  levels: { notice: 40, warning: 70, urgent: 100 },
  denyLevel: 'warning',
  cooldownMin: 60,
  alertTtlMin: 24 * 60,
  keywordSets: Object.fromEntries(Object.entries(KEYWORD_SETS).map(([k, v]) => [k, [...v]])),
  lists: {
    allow: { numbers: ['110', '96110', '12110'], payees: [], apps: [] },
    deny: {
      numbers: [],
      payees: [],
      apps: ['com.anydesk.anydeskandroid', 'com.teamviewer.quicksupport.market', 'us.zoom.videomeetings'],
    },
  },
  textModels: [BUILTIN_TEXT_MODEL],
  scripts: { ...DEFAULT_SCRIPTS },
  rules: [...behaviourPack, ...textPack, ...pretextRules(), ...modelRules()],
};
