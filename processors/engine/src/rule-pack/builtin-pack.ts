/**
 * The built-in fraud rule pack: keyword rules on SMS and report texts for each fraud type, plus the
 * behavioural rules (listed-number calls, remote-control apps, transfers to new payees and their
 * sequences) that the text data cannot measure. Used until a rule set arrives on `rules.sets`.
 * Valid against the FraudRuleSet contract (builtin-pack.test.ts).
 */
import type {
  BilingualText,
  FraudRule,
  FraudRuleSet,
  FraudType,
  IndicatorPredicate,
} from '@fenghuo/contracts';
import { DEFAULT_SCRIPTS } from '../explain.ts';
import { KEYWORD_SETS, type KeywordSetName } from './keywords.ts';

const TEXT_KINDS = ['sms', 'report'] as const;

interface TextRuleSpec {
  readonly id: string;
  readonly name: string;
  readonly fraudType: FraudType;
  readonly weight: number;
  /** Keyword sets that must all match, with the least number of distinct keywords of each. */
  readonly all: readonly (readonly [KeywordSetName, number])[];
  /** Keyword sets none of whose keywords may occur. */
  readonly none?: readonly KeywordSetName[];
  readonly explain?: BilingualText;
}

/** One rule per text-bearing indicator kind (sms, report) for a keyword combination. */
function textRules(spec: TextRuleSpec): FraudRule[] {
  return TEXT_KINDS.map(
    (kind): FraudRule => ({
      id: `${spec.id}-${kind}`,
      name: `${spec.name} (${kind})`,
      fraudType: spec.fraudType,
      weight: spec.weight,
      kind: 'match',
      when: {
        kind,
        where: [
          ...spec.all.map(([set, minMatches]) => ({
            op: 'keywords' as const,
            field: 'text',
            set,
            minMatches,
          })),
          ...(spec.none ?? []).map((set) => ({
            op: 'keywords' as const,
            field: 'text',
            set,
            minMatches: 0,
            maxMatches: 0,
          })),
        ],
      },
      ...(spec.explain !== undefined ? { explain: spec.explain } : {}),
    }),
  );
}

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
    }),
  ]),
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
  }),
  ...textRules({
    id: 'request-text-multi',
    name: 'Several requests to transfer, install or switch channel',
    fraudType: 'other',
    weight: 10,
    all: [['request', 2]],
  }),
  ...textRules({
    id: 'script-opening',
    name: 'Conversational self-introduction',
    fraudType: 'other',
    weight: 5,
    all: [['script_opening', 1]],
  }),
  ...textRules({
    id: 'marketing-text',
    name: 'Marketing or service notice',
    fraudType: 'other',
    weight: -30,
    all: [['marketing', 1]],
  }),
  ...textRules({
    id: 'finance-ad-text',
    name: 'Mortgage, car-insurance or property advertising',
    fraudType: 'other',
    weight: -30,
    all: [['finance_ad', 1]],
  }),
  ...textRules({
    id: 'marketing-text-multi',
    name: 'Marketing notice, several markers',
    fraudType: 'other',
    weight: -30,
    all: [['marketing', 2]],
  }),
];

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
    fraudType: 'pig_butchering',
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
    fraudType: 'pig_butchering',
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
    'Built-in pack: keyword rules on SMS/report texts per fraud type and behavioural rules on calls, apps and transfers.',
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
  scripts: {
    impersonation_authority: DEFAULT_SCRIPTS.impersonation_authority,
    pig_butchering: DEFAULT_SCRIPTS.pig_butchering,
    task_scam: DEFAULT_SCRIPTS.task_scam,
    fake_customer_service: DEFAULT_SCRIPTS.fake_customer_service,
    loan_scam: DEFAULT_SCRIPTS.loan_scam,
    impersonation_acquaintance: DEFAULT_SCRIPTS.impersonation_acquaintance,
    other: DEFAULT_SCRIPTS.other,
  },
  rules: [...behaviourPack, ...textPack],
};
