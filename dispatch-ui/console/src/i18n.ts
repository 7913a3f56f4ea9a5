/**
 * The console's UI text in Chinese and English. Both tables have every key (the type says so), so a
 * missing translation breaks the build. The language is kept in localStorage and switched live.
 */
import type {
  AckStatus,
  AlertLevel,
  EscalationReason,
  EscalationRung,
  FraudType,
  IncidentCategory,
  Outcome,
  TimelineEventType,
  UnitKind,
  UnitState,
  UserRole,
} from '@fenghuo/contracts';

export type Lang = 'zh' | 'en';

const zh = {
  appName: '烽火 指挥台',
  username: '用户名',
  password: '密码',
  login: '登录',
  logout: '退出',
  loginFailed: '用户名或密码错误',
  loginLimited: '尝试次数过多，请稍后再试',
  loginUnavailable: '网关暂时无法访问',
  language: 'English',
  staleSince: '连接中断，数据停留于',
  connected: '已连接',
  connecting: '正在连接…',
  // figures strip
  warningsToday: '今日预警',
  dissuaded: '成功劝阻',
  lossesPrevented: '挽回损失',
  medianToDispatch: '派警中位时长',
  medianToOnScene: '到场中位时长',
  openAlerts: '待处置预警',
  activeOrders: '执行中指令',
  // queue and detail
  alertQueue: '预警队列',
  noAlerts: '暂无待处置预警',
  incidents: '警情',
  reason: '预警原因',
  script: '劝阻话术',
  evidence: '依据',
  timeline: '处置经过',
  noTimeline: '尚无记录',
  orders: '指令',
  assign: '派警',
  reassign: '改派',
  close: '结案',
  standDown: '撤回',
  chooseUnit: '选择警力',
  confirm: '确定',
  cancel: '取消',
  done: '已发送',
  failed: '失败',
  ago: '前',
  minutes: '分钟',
  seconds: '秒',
  score: '分值',
  level: '等级',
  // layers
  responseCircles: '1-3-5分钟响应圈',
  coverageGaps: '覆盖盲区',
  noGaps: '5分钟内全覆盖',
  units: '警力',
  legend: '图例',
  // call taker
  callTaker: '110 接警',
  category: '类别',
  priority: '优先级',
  place: '地点',
  pickOnMap: '在地图上点选',
  address: '地址',
  description: '描述',
  callerNumber: '来电号码',
  createIncident: '创建警情',
  placePicked: '已选定地点',
  // interceptions and watch list
  interceptions: '拦截围堵',
  noPursuits: '暂无追逃',
  checkpoints: '卡点',
  captured: '已抓获',
  stopPursuit: '停止追逃',
  watchList: '布控名单',
  plate: '车牌',
  add: '添加',
  remove: '移除',
  eta: '预计到达',
  vehicleEta: '嫌疑车最早到达',
  // supervisor
  escalations: '待处理升级',
  ladder: '升级阶梯（未结事项）',
  timeLeft: '剩余',
  overdue: '已超时',
  statutory: '法定时限',
  overdueOrders: '超时未签收指令',
  stationLoad: '各派出所警力负荷',
  station: '派出所',
  available: '可用',
  engaged: '出警中',
  offDuty: '离岗',
  load: '负荷',
  none: '无',
  // officer
  myOrder: '当前指令',
  noOrder: '暂无指令',
  route: '路线',
  instructions: '指令内容',
  accept: '接受',
  refuse: '拒绝',
  enRoute: '出发',
  onScene: '到达现场',
  complete: '完成',
  outcome: '处置结果',
  amountSaved: '挽回金额（元）',
  lossAmount: '损失金额（元）',
  recordOutcome: '提交结果',
  showContact: '查看当事人联系方式',
  contactName: '姓名',
  contactPhone: '电话',
  contactAddress: '住址',
  contactAudited: '本次查看已记入审计',
  contactNone: '没有该当事人的联系方式记录',
  contactRefused: '无权查看该当事人的联系方式',
  myStatus: '我的状态',
  onDuty: '上岗',
  busy: '忙碌',
  history: '历史记录',
  newOrder: '新指令',
  newUrgentAlert: '新的紧急预警',
  destination: '目的地',
  // analyst
  ruleFigures: '各规则效果',
  rule: '规则',
  fired: '触发次数',
  labelled: '已标注',
  confirmed: '确认',
  precision: '准确率',
  byLevel: '按等级',
  outcomes: '处置结果',
  noRuleFigures: '暂无规则数据',
  workbench: '规则工作台',
  rulesUnavailable: '规则服务暂不可用',
  ruleSets: '规则集',
  versions: '版本',
  drafts: '草稿',
  newDraft: '基于此版本新建草稿',
  save: '保存',
  validate: '校验',
  valid: '校验通过',
  publish: '发布',
  publishShadow: '影子发布',
  rollback: '回滚到此版本',
  backtest: '回测',
  from: '从',
  to: '至',
  running: '运行中',
  added: '新增预警',
  dropped: '减少预警',
  comment: '说明',
  live: '在用',
  shadow: '影子',
  diff: '差异',
  alertsPerVersion: '各版本预警数',
} as const;

export type TextKey = keyof typeof zh;

const en: Record<TextKey, string> = {
  appName: 'Fenghuo command console',
  username: 'Username',
  password: 'Password',
  login: 'Log in',
  logout: 'Log out',
  loginFailed: 'Wrong username or password',
  loginLimited: 'Too many attempts; try again later',
  loginUnavailable: 'The gateway does not answer',
  language: '中文',
  staleSince: 'Disconnected — stale since',
  connected: 'Connected',
  connecting: 'Connecting…',
  warningsToday: 'Warnings today',
  dissuaded: 'Dissuaded',
  lossesPrevented: 'Losses prevented',
  medianToDispatch: 'Median to dispatch',
  medianToOnScene: 'Median to on scene',
  openAlerts: 'Open alerts',
  activeOrders: 'Active orders',
  alertQueue: 'Alert queue',
  noAlerts: 'No open alerts',
  incidents: 'Incidents',
  reason: 'Reason',
  script: 'Dissuasion script',
  evidence: 'Evidence',
  timeline: 'Timeline',
  noTimeline: 'Nothing yet',
  orders: 'Orders',
  assign: 'Assign',
  reassign: 'Reassign',
  close: 'Close',
  standDown: 'Stand down',
  chooseUnit: 'Choose a unit',
  confirm: 'Confirm',
  cancel: 'Cancel',
  done: 'Sent',
  failed: 'Failed',
  ago: 'ago',
  minutes: 'min',
  seconds: 's',
  score: 'Score',
  level: 'Level',
  responseCircles: '1-3-5 min response circles',
  coverageGaps: 'Coverage gaps',
  noGaps: 'Everything within 5 min',
  units: 'Units',
  legend: 'Legend',
  callTaker: '110 call',
  category: 'Category',
  priority: 'Priority',
  place: 'Place',
  pickOnMap: 'Pick on the map',
  address: 'Address',
  description: 'Description',
  callerNumber: 'Caller number',
  createIncident: 'Create incident',
  placePicked: 'Place picked',
  interceptions: 'Interceptions',
  noPursuits: 'No pursuits',
  checkpoints: 'Checkpoints',
  captured: 'Captured',
  stopPursuit: 'Stop pursuit',
  watchList: 'Watch list',
  plate: 'Plate',
  add: 'Add',
  remove: 'Remove',
  eta: 'ETA',
  vehicleEta: 'Vehicle earliest',
  escalations: 'Escalations waiting',
  ladder: 'Ladder: open matters',
  timeLeft: 'left',
  overdue: 'overdue',
  statutory: 'Statutory',
  overdueOrders: 'Orders past their deadline',
  stationLoad: 'Station load',
  station: 'Station',
  available: 'Available',
  engaged: 'Engaged',
  offDuty: 'Off duty',
  load: 'Load',
  none: 'None',
  myOrder: 'Current order',
  noOrder: 'No order',
  route: 'Route',
  instructions: 'Instructions',
  accept: 'Accept',
  refuse: 'Refuse',
  enRoute: 'En route',
  onScene: 'On scene',
  complete: 'Done',
  outcome: 'Outcome',
  amountSaved: 'Amount saved (CNY)',
  lossAmount: 'Amount lost (CNY)',
  recordOutcome: 'Record outcome',
  showContact: "Show the resident's contact",
  contactName: 'Name',
  contactPhone: 'Phone',
  contactAddress: 'Address',
  contactAudited: 'This view is recorded in the audit trail',
  contactNone: 'No contact details are on record for this resident',
  contactRefused: "You may not see this resident's contact",
  myStatus: 'My status',
  onDuty: 'On duty',
  busy: 'Busy',
  history: 'History',
  newOrder: 'New order',
  newUrgentAlert: 'New urgent alert',
  destination: 'Destination',
  ruleFigures: 'Figures per rule',
  rule: 'Rule',
  fired: 'Fired',
  labelled: 'Labelled',
  confirmed: 'Confirmed',
  precision: 'Precision',
  byLevel: 'By level',
  outcomes: 'Outcomes',
  noRuleFigures: 'No rule figures yet',
  workbench: 'Rules workbench',
  rulesUnavailable: 'The rules service does not answer',
  ruleSets: 'Rule sets',
  versions: 'Versions',
  drafts: 'Drafts',
  newDraft: 'New draft from this version',
  save: 'Save',
  validate: 'Validate',
  valid: 'Valid',
  publish: 'Publish',
  publishShadow: 'Publish as shadow',
  rollback: 'Roll back to this version',
  backtest: 'Backtest',
  from: 'From',
  to: 'To',
  running: 'Running',
  added: 'Added alerts',
  dropped: 'Dropped alerts',
  comment: 'Comment',
  live: 'Live',
  shadow: 'Shadow',
  diff: 'Diff',
  alertsPerVersion: 'Alerts per version',
};

const LEVELS: Record<AlertLevel, [string, string]> = {
  notice: ['提示', 'Notice'],
  warning: ['预警', 'Warning'],
  urgent: ['紧急', 'Urgent'],
};

const FRAUD_TYPES: Record<FraudType, [string, string]> = {
  impersonation_authority: ['冒充公检法', 'Impersonating authorities'],
  pig_butchering: ['婚恋交友/杀猪盘', 'Romance (pig butchering)'],
  task_scam: ['刷单返利', 'Task scam'],
  fake_customer_service: ['冒充客服', 'Fake customer service'],
  loan_scam: ['贷款诈骗', 'Loan scam'],
  impersonation_acquaintance: ['冒充熟人领导', 'Impersonating an acquaintance'],
  fake_investment: ['虚假投资理财', 'Fake investment'],
  credit_repair: ['虚假征信', 'Fake credit repair'],
  fake_shopping: ['虚假购物', 'Fake shopping'],
  game_trading: ['游戏虚假交易', 'Fake game-item trade'],
  prize_lottery: ['冒充中奖', 'Fake prize or lottery'],
  fake_kidnapping: ['虚构绑架/亲友出事', 'Fake kidnapping or accident'],
  phishing_link: ['钓鱼链接', 'Phishing link'],
  fake_refund: ['虚假退款补贴', 'Fake refund or benefit'],
  other: ['其他', 'Other'],
};

const UNIT_STATES: Record<UnitState, [string, string]> = {
  available: ['可用', 'Available'],
  dispatched: ['已派', 'Dispatched'],
  en_route: ['途中', 'En route'],
  on_scene: ['在现场', 'On scene'],
  busy: ['忙碌', 'Busy'],
  off_duty: ['离岗', 'Off duty'],
};

const UNIT_KINDS: Record<UnitKind, [string, string]> = {
  patrol_car: ['巡逻车', 'Patrol car'],
  motorcycle: ['摩托', 'Motorcycle'],
  foot: ['步巡', 'Foot'],
  community_officer: ['社区民警', 'Community officer'],
  duty_desk: ['值班室', 'Duty desk'],
};

const OUTCOMES: Record<Outcome, [string, string]> = {
  dissuaded: ['成功劝阻', 'Dissuaded'],
  loss_prevented: ['挽回损失', 'Loss prevented'],
  too_late: ['已被骗', 'Too late'],
  false_alarm: ['误报', 'False alarm'],
};

const RUNGS: Record<EscalationRung, [string, string]> = {
  officer: ['责任民警', 'Officer'],
  duty_desk: ['值班室', 'Duty desk'],
  patrol: ['巡逻警力', 'Patrol'],
  district: ['分局', 'District'],
  city: ['市局指挥中心', 'City command'],
};

const ESCALATION_REASONS: Record<EscalationReason, [string, string]> = {
  no_ack: ['超时未签收', 'not accepted in time'],
  refused: ['被拒绝', 'refused'],
  unavailable: ['警力不可用', 'unit unavailable'],
  operator: ['指挥员升级', 'escalated by an operator'],
};

const TIMELINE: Record<TimelineEventType, [string, string]> = {
  raised: ['预警/报警', 'Raised'],
  dispatched: ['派警', 'Dispatched'],
  acknowledged: ['已接受', 'Accepted'],
  refused: ['已拒绝', 'Refused'],
  escalated: ['升级', 'Escalated'],
  en_route: ['出发', 'En route'],
  on_scene: ['到达现场', 'On scene'],
  stood_down: ['撤回', 'Stood down'],
  resolved: ['完成', 'Done'],
  'incident.resolved': ['警情办结', 'Incident resolved'],
  outcome: ['处置结果', 'Outcome'],
  closed: ['结案', 'Closed'],
};

const ACKS: Record<AckStatus, [string, string]> = {
  received: ['已收到', 'Received'],
  accepted: ['已接受', 'Accepted'],
  refused: ['已拒绝', 'Refused'],
  en_route: ['出发', 'En route'],
  on_scene: ['到达现场', 'On scene'],
  completed: ['完成', 'Done'],
};

const CATEGORIES: Record<IncidentCategory, [string, string]> = {
  violence: ['暴力', 'Violence'],
  theft: ['盗窃', 'Theft'],
  robbery: ['抢劫', 'Robbery'],
  fraud: ['诈骗', 'Fraud'],
  traffic: ['交通', 'Traffic'],
  fire: ['火警', 'Fire'],
  medical: ['急救', 'Medical'],
  disturbance: ['纠纷扰序', 'Disturbance'],
  suspicious: ['可疑情况', 'Suspicious'],
  missing_person: ['走失', 'Missing person'],
  alarm: ['报警器', 'Alarm'],
  neighbour_dispute: ['邻里纠纷', 'Neighbour dispute'],
  family_dispute: ['家庭纠纷', 'Family dispute'],
  protection_order: ['人身安全保护令', 'Protection order'],
  fleeing_vehicle: ['逃逸车辆', 'Fleeing vehicle'],
  other: ['其他', 'Other'],
};

const ROLES: Record<UserRole, [string, string]> = {
  operator: ['指挥员', 'Operator'],
  supervisor: ['值班长', 'Supervisor'],
  officer: ['民警', 'Officer'],
  grid_worker: ['网格员', 'Grid worker'],
  analyst: ['分析员', 'Analyst'],
  admin: ['管理员', 'Admin'],
};

const TABLES = { zh, en } as const;
const KEY = 'fenghuo.lang';

let current: Lang = readLang();
const listeners = new Set<() => void>();

function readLang(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // No storage (private mode): fall back to the browser's language.
  }
  const nav = globalThis.navigator?.language ?? 'zh';
  return nav.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  try {
    globalThis.localStorage?.setItem(KEY, next);
  } catch {
    // Not kept; still switched for this page.
  }
  if (globalThis.document) document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  for (const l of listeners) l();
}

export function onLangChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A UI text in the current language. */
export function t(key: TextKey): string {
  return TABLES[current][key];
}

const pick = (pair: [string, string]) => (current === 'zh' ? pair[0] : pair[1]);
export const levelText = (l: AlertLevel) => pick(LEVELS[l]);
export const fraudTypeText = (f: FraudType) => pick(FRAUD_TYPES[f]);
export const unitStateText = (s: UnitState) => pick(UNIT_STATES[s]);
export const unitKindText = (k: UnitKind) => pick(UNIT_KINDS[k]);
export const outcomeText = (o: Outcome) => pick(OUTCOMES[o]);
export const timelineText = (e: TimelineEventType) => pick(TIMELINE[e]);
export const rungText = (r: EscalationRung) => pick(RUNGS[r]);
export const escalationReasonText = (r: EscalationReason) => pick(ESCALATION_REASONS[r]);
export const ackText = (a: AckStatus) => pick(ACKS[a]);
export const categoryText = (c: IncidentCategory) => pick(CATEGORIES[c]);
export const roleText = (r: UserRole) => pick(ROLES[r]);

/** A bilingual text from an event (`{zh, en}`) in the current language. */
export function bi(text: { zh: string; en: string }): string {
  return current === 'zh' ? text.zh : text.en;
}

/** Every key of both tables, for the completeness test. */
export const TEXT_TABLES: Readonly<Record<Lang, Readonly<Record<TextKey, string>>>> = TABLES;
