/**
 * Ordinary texts, part G (issue 14, fourth pass): genuine texts that carry what the model still took
 * for a phishing, prize or loan script on texts of another origin (aggregate counts only): a short
 * link in an ordinary notice (an e-bill, an e-invoice, parcel tracking, a satisfaction survey, an
 * event sign-up, an app update), licensed lenders' and card issuers' own marketing of credit limits
 * and instalments, and shops' and carriers' "congratulations, you have won / received" messages for
 * prizes that are already in the account or collected at the counter. None of them asks for a fee
 * first, a code, a card number, a transfer to a person or a move off the platform. Written for this
 * project in our own words; no text is copied.
 */
import type { NormalSource } from './types.ts';

export const LINK_NOTICES_G: NormalSource = {
  group: 'service_notice',
  hard: true,
  sms: [
    '【{carrier}】您{date}的电子账单已生成，本月消费{small}.60元，查看详情：{link}，退订回TD。',
    '【{shop}】您的订单已开具电子发票，可在订单详情下载，也可访问 {link} 查看。',
    '【{courier}】您的快件已从{city}发出，运单号{order}，实时物流：{link}',
    '【{hotel}】感谢您的入住，诚邀您参与满意度调查，约需2分钟：{link}，退订回T。',
    '【{city}马拉松组委会】您的报名已成功，参赛号码和领物时间请查看：{link}',
    '【{payApp}】您的年度账单已出炉，点击 {link} 回顾这一年，退订回T。',
    '【{hospital}】您的检验报告已出，可在医院公众号或 {link} 凭就诊卡号查询。',
    '【{airline}】您的行程单已发送至预留邮箱，电子登机牌请在值机后通过 {link} 获取。',
    '【{city}图书馆】您借阅的图书将于{date}到期，可通过 {link} 在线续借。',
    '【{store}】您的会员积分明细已更新，查看与兑换：{link}，兑换无需支付任何费用，退订回T。',
    '【{bank}】您的{date}信用卡电子对账单已发送至您的邮箱，也可登录手机银行查看，我行不会通过短信链接要求您输入密码。',
    '【{restaurant}】您的预订已确认，{date}晚{time}，{num}位，导航及菜单：{link}',
    '【{city}政务服务】您申请的居住证已办结，请凭身份证到受理窗口领取，办件进度：{link}',
    '【某网课平台】您购买的课程明晚8点开课，上课入口：{link}，请提前安装官方APP。',
    '【{shop}】您关注的店铺开始直播啦，{product}秒杀中，观看直播：{link}，退订回T。',
    '【{carrier}】您的号码已成功办理{small}元流量包，生效时间为今天，用量查询：{link}',
  ],
};

export const LICENSED_CREDIT_G: NormalSource = {
  group: 'licensed_credit',
  hard: true,
  sms: [
    '【{bankShort}信用卡】您的信用卡额度已调整为{amt}0元，可在手机银行查看，理性消费，按时还款。',
    '【{loanApp}】您有一笔借款将于{date}到期，应还{small}.00元，请确保绑定的银行卡余额充足，如已还款请忽略。',
    '【{bank}】您的账单可申请分期，手续费按期收取，详情请在手机银行“账单分期”查看，退订回TD。',
    '【{loanApp}】您的额度已更新，最高可借{amt}0元，年化利率以借款页面展示为准，请在官方APP内操作，谨防诈骗。',
    '【{bank}】我行消费贷产品利率下调，有需要的客户可在手机银行申请或到网点咨询，贷款资金不得用于购房及投资。',
    '【{bankShort}信用卡】您本期账单{amt}.00元，最低还款{small}.00元，还款日{date}，可通过手机银行自动还款。',
    '【{loanApp}】您已成功还款{small}.00元，当前无待还款项，感谢您的守约，良好的还款记录有助于信用积累。',
    '【{bank}】您申请的个人经营贷已审批通过，请本人携带身份证到网点签署合同，我行不收取任何审批费用。',
    '【{bankShort}信用卡】您的信用卡已激活，首刷可享积分双倍，请妥善保管卡片，切勿将卡片和密码交给他人。',
    '【{bank}】您的房贷本月还款{amt}.00元已从尾号{tail}账户扣收，剩余期数可在手机银行查询。',
  ],
};

export const CONGRATS_G: NormalSource = {
  group: 'marketing',
  hard: true,
  sms: [
    '【{carrier}】恭喜您获得{small}元话费，已直接充入您的号码，可在营业厅APP查询，退订回TD。',
    '【{shop}】恭喜！您参与的新品试用申请已通过，商品将在三日内发货，无需支付任何费用，退订回T。',
    '【{store}】恭喜您成为本店第{amt}位会员，获赠{gift}一份，请于本周内到店凭会员码领取。',
    '【{payApp}】恭喜您获得{small}元出行红包，已放入卡包，下次乘车自动抵扣，退订回T。',
    '【{bankShort}信用卡】恭喜您获得本期刷卡活动奖励{small}元，已返还至您的信用卡账户。',
    '【{city}文旅】恭喜您抽中博物馆夜场门票，请于{date}凭身份证入场，门票免费，无需支付任何费用。',
    '【{restaurant}】恭喜您在集赞活动中获得免单券一张，已放入会员账户，到店出示会员码即可使用。',
    '【{hotel}】恭喜您的会员积分已满足升级条件，已自动升级为铂金会员，感谢您的支持。',
  ],
};
