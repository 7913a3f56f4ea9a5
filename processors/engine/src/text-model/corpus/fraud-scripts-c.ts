/**
 * Scam scripts, part C (issue 14, second pass): more ways each common script asks for the fraud act
 * (click a link to redeem or verify, give a code, download an app, pay a fee or deposit first, move
 * money to a "safe" account, keep it secret). Written in our own words from public police anti-fraud
 * notices and news reports (积分兑换、ETC认证、补贴退税、刷单返利、冒充客服退款等); no text is copied.
 */
import type { ScriptSource } from './types.ts';

const NO_CALL = { open: [], story: [], ask: [], press: [] };

export const PHISHING_LINK_C: ScriptSource = {
  type: 'phishing_link',
  sms: [
    '{bank}提醒：您账户内{pts}积分将于{date}清零，可兑换{small}元现金，请速登录{link}兑换，逾期作废。',
    '尊敬的{bank}客户，您的信用卡积分可抵现{small}元，今日24点前登陆{link}领取，过期不候。',
    '【{carrier}】您的话费积分已满足兑换条件，可兑换{gift}，请点击{link}填写信息领取。',
    '您的ETC卡已失效，系统将于今日注销，请立即通过{link}重新认证，以免影响通行。',
    '【ETC】您的车辆{plate}认证信息过期，高速通行将受限，请访问{link}完成更新。',
    '【{city}人社】您有一笔{subsidy}待领取，金额{amt}元，请在{date}前登录{link}填写银行卡信息申领。',
    '【个税】您有一笔退税{amt}元未领取，请登录{link}核对银行卡后办理，逾期视为放弃。',
    '您的医保卡年度待遇即将失效，请点击{link}进行身份核验，输入银行卡号及验证码完成激活。',
    '【{courier}】您的包裹因地址错误无法派送，请在{link}更新地址并支付{small}元补寄费。',
    '尊敬的用户，您的{bank}账户存在风险已被冻结，请访问{link}输入卡号密码解除限制。',
  ],
  call: NO_CALL,
};

export const PRIZE_LOTTERY_C: ScriptSource = {
  type: 'prize_lottery',
  sms: [
    '恭喜您被{show}节目组抽中场外幸运观众，获得奖金{bigAmt}元及{gift}一台，请先缴纳{small}元公证费后领取，详询{qq}。',
    '您的手机号在周年庆活动中中得二等奖{amt}元，领奖需先付个人所得税{small}元，回复领取。',
  ],
  call: {
    open: ['您好，这里是{show}节目组，恭喜您，', '喂您好，我们是{shop}周年庆抽奖中心的，'],
    story: [
      '您的号码在我们的抽奖活动里中了一等奖，奖金{bigAmt}元外加一台电脑。',
      '按规定领奖前要先交个人所得税和公证费，奖金才能打到您卡上。',
      '您要是不领的话，按合同要承担违约金，我们会起诉您。',
    ],
    ask: [
      '您先把{small}元手续费转到我们公证处的账户，',
      '您把银行卡号和收到的验证码报给我，奖金马上就到账。',
    ],
    press: ['今天是最后一天，过了就作废了。', '这个事先别跟家里人说，中奖的事传出去不安全。'],
  },
};

export const FAKE_KIDNAPPING_C: ScriptSource = {
  type: 'fake_kidnapping',
  sms: [
    '你儿子在我们手上，马上准备{bigAmt}元打到这个卡上，敢报警就撕票。',
    '您好我是{hospital}的医生，您{kin}出车祸正在抢救，需要先交{amt}元手术押金，请转到这个账户。',
  ],
  call: {
    open: [
      '喂，是{name}的家长吗？我是{hospital}急诊科的，',
      '你{kin}在我们手里，你听好了，',
      '喂，我是学校的老师，',
    ],
    story: [
      '您孩子在学校突发疾病晕倒了，现在在医院抢救，要马上手术。',
      '你{kin}欠了我们的钱，人现在被我们扣着，想见人就拿钱来。',
      '你{kin}开车撞了人，对方要私了，不然就要坐牢。',
      '医院说要先交押金才能进手术室，医生现在联系不上家里其他人。',
    ],
    ask: [
      '你马上转{amt}元到这个账户，转完给我截图。',
      '手术费先打到医生的私人卡上，到医院再补手续。',
      '别挂电话，马上去银行汇钱。',
    ],
    press: [
      '敢报警你就再也见不到他了。',
      '时间来不及了，晚一分钟就危险一分钟。',
      '不要给他本人打电话，他现在接不了。',
    ],
  },
};

export const FAKE_INVESTMENT_C: ScriptSource = {
  type: 'fake_investment',
  sms: [
    '【内部消息】老师带你布局牛股，日收益{pct}，进群领取免费名额，加V：{qq}。',
    '跟着导师做外汇黄金，稳赚不赔月入{bigAmt}，下载{appName}注册即送体验金。',
  ],
  call: {
    open: ['您好，我是某某财富的投资顾问，', '喂，大哥，我是上次群里的助理，'],
    story: [
      '我们老师有内部消息，这支股票下周要翻倍，现在进场正好。',
      '我们平台是跟境外交易所合作的，收益每天都能提现，绝对稳赚。',
      '您前面那笔投资已经赚了{pct}，现在加大本金收益更高。',
      '您的账户现在提现需要先交{pct}的保证金，系统才能解冻。',
    ],
    ask: [
      '您先下载{appName}，注册后把钱充进去。',
      '把钱转到平台给您的专属收款账户，',
      '再充{amt}元就能提现了。',
    ],
    press: ['名额有限，明天就满了。', '这是内部渠道，别跟外人说。'],
  },
};

export const PIG_BUTCHERING_C: ScriptSource = {
  type: 'pig_butchering',
  sms: [
    '亲爱的，我舅舅在博彩平台做技术，发现了漏洞，你注册一下，我带你一起赚，我们结婚的钱就有了。',
    '宝贝，这个平台我投了很多了，你也充一点试试，等赚够了我就回国见你。',
  ],
  call: {
    open: ['亲爱的，是我呀，', '老公，今天想你了，'],
    story: [
      '我认识你这段时间，觉得你就是我要找的人，以后我们一起生活。',
      '我叔叔在平台内部，这几天有漏洞可以稳赚，机会很少。',
      '你那边提现不了是因为要先交个人所得税，交了就能全部取出来。',
    ],
    ask: [
      '你先往平台里充{amt}，我教你怎么下注。',
      '你把钱转到客服给的账户里，',
      '你先借点钱充进去，提出来再还。',
    ],
    press: ['别告诉家里人，他们不懂，会拦着你。', '今天晚上就结束了，错过就没有了。'],
  },
};

export const TASK_SCAM_C: ScriptSource = {
  type: 'task_scam',
  sms: [
    '招聘兼职：手机点赞关注，一单{small}元，日结，在家就能做，加{chatApp}：{qq}。',
    '【兼职】宝妈学生可做，给商家刷好评，佣金立返，先垫付后返本金加提成，联系{qq}。',
  ],
  call: {
    open: ['您好，我是{shop}的招聘专员，', '你好，群里的接待员让我联系你，'],
    story: [
      '我们这边有兼职，给视频点赞截图就行，每单佣金几块钱，马上结算。',
      '下载我们的任务APP，先做几单小任务，佣金会返到你账户。',
      '你这一单是联单任务，要连着做完三单才能一起返本金和佣金。',
      '你操作失误，账户被冻结了，需要再充值{amt}元才能解冻提现。',
    ],
    ask: [
      '你先垫付{small}元下单，完成后连本带佣金返给你。',
      '把钱转到财务给的账户，',
      '再做一单就能提现了。',
    ],
    press: ['不完成的话之前的钱都提不出来。', '这个任务名额有时间限制。'],
  },
};

export const FAKE_CUSTOMER_SERVICE_C: ScriptSource = {
  type: 'fake_customer_service',
  sms: [
    '【{shop}客服】您购买的商品因质量问题被召回，可获双倍赔偿，请添加客服{qq}办理退款。',
    '您开通的{payApp}百万保障服务即将扣费每月{small}元，如需取消请联系{hotline}。',
  ],
  call: {
    open: [
      '您好，我是{shop}的客服，工号{num}，',
      '您好，这里是{payApp}客服中心，',
      '喂您好，我是{courier}理赔专员，',
    ],
    story: [
      '您在我们平台买的商品检测出质量问题，我们给您办理双倍退款。',
      '您之前误开通了我们的会员，每月自动扣费{small}元，不取消会影响征信。',
      '您的快递在运输中丢失了，我们按三倍赔付给您。',
      '系统显示您是学生代理，现在要帮您关闭，不然每个月都扣钱。',
    ],
    ask: [
      '您打开{payApp}的备用金，把钱先借出来转到我们的核验账户，',
      '您下载一个会议软件，打开屏幕共享我指导您操作，',
      '您把收到的验证码读给我，我这边给您退款。',
      '您扫这个二维码填一下银行卡信息，退款直接到卡上。',
    ],
    press: ['验证完钱会全部退回的。', '今天不处理的话扣费就停不了了。', '操作过程中不要接听其他电话。'],
  },
};

export const LOAN_SCAM_C: ScriptSource = {
  type: 'loan_scam',
  sms: [
    '【{loanApp}】无抵押无征信，最快{num}分钟放款，最高{bigAmt}元，下载{link}申请。',
    '您申请的贷款{bigAmt}元已审批通过，因银行卡号填写错误被冻结，需缴纳{small}元解冻费。',
  ],
  call: {
    open: ['您好，我是{loanApp}的信贷专员，', '喂您好，您之前在我们这里申请过贷款，'],
    story: [
      '您的贷款已经批了，但是您的银行流水不够，要先刷一下流水。',
      '您填的卡号有误，资金被冻结了，要交解冻金才能放款。',
      '放款前需要验证您的还款能力，先转{amt}元保证金到指定账户，放款后一起退回。',
    ],
    ask: [
      '您先下载我们的APP，在里面填写身份证和银行卡，',
      '您先把{small}元手续费转过来，',
      '把验证码发给我，我帮您提现。',
    ],
    press: ['今天不交的话就影响您的征信了。', '这个钱放款的时候会一起退给您。'],
  },
};

export const CREDIT_REPAIR_C: ScriptSource = {
  type: 'credit_repair',
  sms: ['【征信中心】您的征信存在不良记录，可内部渠道消除逾期记录，费用{amt}元，联系{qq}。'],
  call: {
    open: ['您好，我是银保监会的工作人员，', '喂您好，我们是征信修复中心的，'],
    story: [
      '您以前开通过校园贷账户，现在国家要求全部注销，不注销会影响您的征信。',
      '您名下的贷款额度要清零，不然会上征信黑名单，以后买房贷款都不行。',
      '我们有内部渠道，可以帮您把逾期记录删掉。',
    ],
    ask: [
      '您在各个借款平台把额度借出来，转到我们的监管账户清零，',
      '先交{amt}元服务费，',
      '您下载这个会议APP开一下屏幕共享。',
    ],
    press: ['今天是最后期限。', '这个操作不要告诉别人。'],
  },
};

export const IMPERSONATION_AUTHORITY_C: ScriptSource = {
  type: 'impersonation_authority',
  sms: ['【{city}公安】您涉嫌一起洗钱案件，请立即拨打{phone}联系办案民警配合调查，否则将冻结您名下账户。'],
  call: {
    open: [
      '你好，这里是{city}公安局刑侦支队，我姓{surname}，警号{badge}，',
      '您好，我是{city}市检察院的，',
      '您好，这里是社保中心，',
    ],
    story: [
      '我们在办一个洗钱案，查到你名下有一张银行卡涉案，流水很大。',
      '你的医保卡在外地被人冒用骗保，你现在涉嫌犯罪。',
      '现在要对你的资金做清查，证明你的钱是干净的。',
      '案件属于机密，我们会给你发通缉令，你先看一下。',
    ],
    ask: [
      '你把钱转到我们的安全账户，清查完会退给你。',
      '你找一个没人的房间，下载这个APP配合我们视频笔录。',
      '把你所有银行卡的卡号和余额报给我。',
    ],
    press: ['这件事不能告诉任何人，包括家人，否则就是妨碍办案。', '你不配合的话今天就对你实施拘留。'],
  },
};

export const IMPERSONATION_ACQUAINTANCE_C: ScriptSource = {
  type: 'impersonation_acquaintance',
  sms: [
    '我是{leader}，这是我新微信，明天上午来我办公室一趟。',
    '小{surname}，我在开会不方便接电话，有个朋友急需一笔款，你先从公司账户帮我转{amt}给他，回头我签字。',
    '猜猜我是谁？我换号了，最近手头有点紧，能借我{amt}吗，过两天就还你。',
  ],
  call: {
    open: ['喂，听得出我是谁吗？', '小{surname}，是我，{leader}，', '喂，老同学，是我啊，'],
    story: [
      '我换了个号码，旧号不用了，你存一下。',
      '我这边在外地出了点事，急需用钱，又不方便跟家里说。',
      '有个领导的礼金要送，我现在不方便出面，你先帮我垫一下。',
    ],
    ask: ['你先转{amt}到这个卡上，我明天就还你。', '你帮我把钱打给这个账户，对方是我朋友。'],
    press: ['这件事你别跟别人说。', '很急，越快越好。'],
  },
};

export const GAME_TRADING_C: ScriptSource = {
  type: 'game_trading',
  sms: [
    '低价出售{game}账号，满级带{item}，只要{small}元，加{qq}私下交易，比平台便宜。',
    '【交易平台】您出售的{item}已被买家购买，因您的账户未认证，资金被冻结，请缴纳{small}元保证金解冻。',
  ],
  call: {
    open: ['您好，这里是游戏交易平台客服，', '喂，你是卖{game}账号的那个吗，'],
    story: [
      '你的账号卖出去了，但是你的银行卡号填错了，资金被冻结。',
      '我们私下交易，不走平台，省手续费。',
      '你要先交一笔保证金，证明有还款能力，才能解冻提现。',
    ],
    ask: ['你先转{small}元认证费到这个账户。', '点这个链接登录你的游戏账号领取{item}。'],
    press: ['不交的话资金就退不回去了。', '半小时内不操作就永久冻结。'],
  },
};

export const FAKE_REFUND_C: ScriptSource = {
  type: 'fake_refund',
  sms: [
    '【{airline}】您预订的{flight}航班因机械故障取消，可改签并获{small}元补偿，请联系{hotline}办理退款。',
    '【{shop}】您的订单因物流异常将全额退款并额外赔偿{small}元，请点击{link}填写收款信息。',
  ],
  call: {
    open: ['您好，我是{airline}的客服，', '您好，这里是{shop}退款中心，'],
    story: [
      '您的航班取消了，我们给您全额退票，再补偿{small}元。',
      '退款要通过银行系统操作，需要验证您的银行卡。',
      '系统显示您的账户余额不足，无法接收退款，需要先存入{amt}元激活。',
    ],
    ask: [
      '您到ATM机上按我说的操作，',
      '把收到的验证码告诉我，退款马上到账。',
      '您下载这个APP，开屏幕共享我帮您操作。',
    ],
    press: ['过时就不能退了。', '操作时不要挂电话。'],
  },
};

export const SCRIPTS_C: readonly ScriptSource[] = [
  PHISHING_LINK_C,
  PRIZE_LOTTERY_C,
  FAKE_KIDNAPPING_C,
  FAKE_INVESTMENT_C,
  PIG_BUTCHERING_C,
  TASK_SCAM_C,
  FAKE_CUSTOMER_SERVICE_C,
  LOAN_SCAM_C,
  CREDIT_REPAIR_C,
  IMPERSONATION_AUTHORITY_C,
  IMPERSONATION_ACQUAINTANCE_C,
  GAME_TRADING_C,
  FAKE_REFUND_C,
];
