/**
 * Ordinary texts, part E (issue 14, third pass): more hard negatives of the kinds the pack flagged
 * on texts of another origin: genuine bank and card notices (transactions, bills, limits, annual
 * fees, all pointing to the official app or the number on the card), verification codes, deliveries,
 * utility bills, payday, shop and carrier marketing with draws, points and coupons, licensed credit
 * offers; and the everyday talk the 冒充熟人/领导 script imitates without its ask: a relative or a
 * friend chatting about money, a boss or a teacher arranging a meeting, a classmate's reunion.
 * Written for this project in our own words; no text is copied.
 */
import type { NormalSource } from './types.ts';

export const BANK_CARD_E: NormalSource = {
  group: 'bank_notice',
  hard: true,
  sms: [
    '【{bank}】您尾号{tail}的储蓄卡于{date}{time}支出（快捷支付）{small}.00元，余额{amt}.35元。',
    '【{bank}】您尾号{tail}的信用卡本期账单{amt}.00元，最后还款日{date}，可通过手机银行APP还款。',
    '【{bank}】您尾号{tail}账户{time}收入（工资）{amt}.00元，余额{amt}.62元。',
    '【{bankShort}信用卡】您的卡片年费{small}元将于下月扣收，当年刷卡满6次可免，详询卡片背面客服电话。',
    '【{bank}】您申请的信用卡临时额度已调整，有效期至{date}，详情请登录手机银行查看。',
    '【{bank}】您尾号{tail}的账户向{fullName}转账{amt}.00元已成功，如有疑问请拨打我行官方客服热线。',
    '【{bank}】尊敬的客户，我行将于{date}凌晨进行系统升级，期间网银及手机银行暂停服务，给您带来不便敬请谅解。',
    '【{bank}】您的借记卡即将到期，新卡已制好，请携带本人身份证到开户网点领取。',
    '【{bankShort}】您本月的信用卡积分已入账{pts}分，可在手机银行“积分商城”兑换，积分有效期三年。',
    '【{bank}】您的定期存款{amt}元已于今日到期，已按约定自动转存，利息已入账。',
    '【{bank}】您有一笔分期还款{small}.00元将于{date}自动扣款，请确保尾号{tail}账户余额充足。',
    '【{bank}】您的账户于{time}在新设备登录手机银行，如非本人操作请立即致电官方客服冻结。',
  ],
  call: {
    open: [
      '您好，这里是{bank}信用卡中心，请问是{name}吗，',
      '{name}您好，我是{bank}网点的客户经理小{surname}，',
      '您好，{bank}客服，工号{badge}，',
      '喂，您好，我是{bank}的理财经理，',
    ],
    story: [
      '您上周在柜台申请的信用卡已经审批下来了，卡片会邮寄到您登记的地址。',
      '您的定期存款下周到期，到时候可以来网点办理，也可以在手机银行上自己操作。',
      '我们这边看到您的卡片有一笔境外交易，想跟您确认一下是不是本人消费。',
      '您预约的业务办好了，身份证原件记得带回去。',
      '这个月我们网点有存款活动，您有空可以过来了解，不办也没关系。',
    ],
    ask: [
      '如果不是您本人，您可以直接打卡片背面的电话挂失。',
      '您方便的时候来网点签个字就行。',
      '有问题您打我们的官方客服电话就可以。',
      '您不用在电话里提供任何密码和验证码。',
    ],
    press: ['那就不打扰您了，祝您生活愉快。', '感谢您的接听，再见。', '好的，有需要再联系。'],
  },
};

export const CODES_AND_BILLS_E: NormalSource = {
  group: 'payment_notice',
  hard: true,
  sms: [
    '【{payApp}】验证码{code}，用于登录验证，5分钟内有效，请勿泄露给他人。',
    '【{shop}】您的验证码是{code}，您正在进行修改收货地址操作，工作人员不会向您索取。',
    '【{bankShort}】动态密码{code}，您正在进行网上支付，金额{small}.00元，任何人索要都是诈骗。',
    '【{utility}】您家{date}燃气费{small}.40元已出账，请于月底前通过{payApp}或营业厅缴纳。',
    '【国家电网】户号尾号{tail}本月电费{small}.60元，已从您的账户代扣成功。',
    '【{utility}】温馨提示：您的水费已欠费{small}元，请尽快到营业厅或通过官方公众号缴费，以免影响使用。',
    '【{carrier}】您本月话费账单{small}.00元，其中套餐费{small}元，可发送CXZD查询明细。',
    '【{courier}】您的快递已到{city}转运中心，预计{date}送达，运单号{order}。',
    '【{courier}】您的包裹已放至小区菜鸟驿站，取件码{code}，营业时间8:00-21:00。',
    '【{shop}】您购买的{product}已发货，{courier}运单号{order}，可在APP内查看物流。',
    '【公积金】您的住房公积金账户本月汇缴{amt}元已到账，可在官方APP查询余额。',
    '【{city}社保】您本月养老金{amt}元已发放至社保卡银行账户，请注意查收。',
    '【人事处】{date}工资已发放，请登录OA系统查看工资条，有疑问联系人事。',
  ],
};

export const MARKETING_E: NormalSource = {
  group: 'marketing',
  hard: true,
  sms: [
    '【{store}】会员日全场8折，消费满{small}元可参与店内抽奖，一等奖{gift}，详情到店咨询，退订回T。',
    '【{shop}】双11预售开启，付定金立减{small}元，叠加店铺券更优惠，打开APP搜索即可，拒收请回复R。',
    '【{carrier}】恭喜您获得{small}元话费券，可在营业厅APP“我的卡券”中使用，有效期至月底，退订回TD。',
    '【{bank}】刷卡满{amt}元抽{gift}，活动详情请查看手机银行“活动专区”，退订回N。',
    '【{hotel}】您的会员等级已升级为金卡，入住可享延迟退房，感谢您的支持。',
    '【{restaurant}】新店开业，凭短信到店消费赠送甜品一份，地址：{city}万达广场三楼，退订回T。',
    '【{bankShort}信用卡】尊享分期手续费8折，可在手机银行申请账单分期，详询官方客服，退订回TD。',
    '【{loanApp}】您的借款额度已更新，如有需要可在官方APP内查看，请理性借贷，按时还款。',
    '【{insurer}】您的车险将于{date}到期，续保可享优惠，请联系您的专属顾问或致电官方热线。',
    '【{store}】您参与的周年庆抽奖已开奖，您获得{small}元优惠券，已放入会员账户，下次消费自动抵扣。',
    '【{shop}】新人专享：下载{shop}APP注册即可免费领取{small}元新人红包，应用商店搜索“{shop}”，退订回T。',
    '【{store}】会员福利：本周凭会员码到店免费领取{gift}一份，数量有限，领完即止，详询门店。',
    '【{carrier}】免费领取10GB定向流量，打开营业厅APP首页“福利中心”点击领取，当月有效，退订回TD。',
    '【{payApp}】您有一张{small}元消费券待领取，打开{payApp}搜索“消费券”即可领取使用，以APP内页面为准。',
    '【{city}文旅】文旅消费券今日10点开抢，通过官方小程序领取，每人限领一张，退订回T。',
    '【{insurer}】感谢您的信任，您的保单已生效，电子保单可在官方APP“我的保单”中下载查看。',
    '【{bank}】手机银行新版本已上线，请在应用商店下载更新，我行不会通过短信发送下载链接。',
    '【{restaurant}】免费试吃活动：关注官方公众号报名，到店出示报名页面即可领取试吃套餐，退订回T。',
  ],
};

export const FAMILY_WORK_E: NormalSource = {
  group: 'family_chat',
  hard: true,
  sms: [
    '妈，我到学校了，一切都好，钱还够用，你和爸注意身体。',
    '{kin}，周末回来吃饭吗？你爸买了条鱼，到了提前说一声。',
    '哥，我换了个号码，原来那个也还在用，有事两个都能打，周末见面聊。',
    '老公，晚上我加班，孩子你去接一下，饭在冰箱里。',
    '爸，你那个药我在网上买好了，直接寄到家，到了你签收就行。',
    '小{surname}，明天上午九点在三楼会议室开周会，带上上周的数据，{leader}。',
    '{leader}：下午的汇报改到四点，大家准备一下，材料发群里。',
    '各位同事，周五下午团建，地点在公司楼下，费用公司出，不用交钱。',
    '老同学们，毕业十周年聚会定在{date}，地点{restaurant}，AA制，到时候现场结账，请在群里接龙报名。',
    '{teacherRole}：明天下午家长会，请家长准时到教室，不收取任何费用。',
    '小{surname}，报销单我签了，你直接交财务，走正常流程。',
    '兄弟，上回借你的书看完了，明天带给你，顺便一起吃个饭。',
    '{leader}，我到单位了，您要的文件放您办公室桌上了。',
    '姐，我给妈买了件羽绒服，你看看颜色行不行，不行我去退。',
    '老婆，这个月的房贷已经扣了，物业费我下班顺路去物业交。',
    '妈，你给的生活费收到了，这个月够用，不用再打了。',
    '{kin}，过年的红包我发你微信了，给孩子买点吃的。',
    '老公，信用卡账单出来了，我用工资卡还上了，你不用管。',
    '爸，电费我在{payApp}上帮你们交了，以后每个月我来交。',
    '弟，上次聚餐的钱我们AA，我算好了每人{small}，你有空转我就行，不急。',
  ],
  call: {
    open: [
      '喂，妈，是我，',
      '喂，小{surname}，我{leader}，',
      '喂，老同学，好久不见啊，',
      '喂，爸，吃饭了吗，',
      '喂，{teacherRole}您好，我是孩子家长，',
    ],
    story: [
      '我下周回家，车票已经买好了，你们不用来接。',
      '明天上午的会改到十点，你通知一下其他人。',
      '我们几个同学商量着聚一聚，就在老地方，你来不来？',
      '孩子最近在学校挺好的，老师说上课很认真。',
      '你上次问的那个房子，我帮你打听了，价格还可以。',
      '这个项目的合同下周签，具体的你跟法务对一下。',
    ],
    ask: [
      '你到了给我发个消息。',
      '材料明天上午交到我办公室就行。',
      '你有空回个电话，不急。',
      '周六中午，你看行不行？',
    ],
    press: ['好，那就这样，挂了。', '你忙吧，有事再说。', '路上注意安全。'],
  },
};
