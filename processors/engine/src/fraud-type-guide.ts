/**
 * For every fraud type: what the scam is (for the officer reading the alert) and what to tell the
 * resident (the dissuasion script), in Chinese and English. Written from the public descriptions of
 * each script (police anti-fraud notices; see docs/fraud-model.md). A rule set's `scripts` override
 * the scripts; the explanations feed the built-in pack's reasons.
 */
import type { BilingualText, FraudType } from '@fenghuo/contracts';

export interface FraudTypeGuide {
  /** What the scammer does, in one or two sentences. */
  readonly explanation: BilingualText;
  /** What the officer tells the resident. */
  readonly script: BilingualText;
}

export const FRAUD_TYPE_GUIDES: Readonly<Record<FraudType, FraudTypeGuide>> = {
  impersonation_authority: {
    explanation: {
      zh: '冒充公检法或政府机关，称对方涉嫌洗钱、骗保等案件，以“资金清查”“证明清白”为名，要求下载会议软件、共享屏幕、把钱转入“安全账户”，并要求保密。',
      en: 'Poses as police, prosecutors, courts or officials, claims the resident is a suspect (money laundering, insurance fraud) and demands secrecy, a meeting app or screen sharing, and transfers to a "safe account" to "prove innocence".',
    },
    script: {
      zh: '公检法机关不会通过电话、网络办案，不存在“安全账户”，更不会要求转账或下载软件配合调查。请立即挂断电话，不要转账。',
      en: 'Police, prosecutors and courts never handle cases by phone or online, there is no "safe account", and they never ask for transfers or app installs. Hang up now and do not transfer money.',
    },
  },
  pig_butchering: {
    explanation: {
      zh: '在婚恋、交友平台以“高富帅”“白富美”身份建立恋爱关系，长期培养感情后，以内部消息、平台漏洞诱导投资或博彩，或以遇到变故为由借钱，最终无法提现。',
      en: 'Builds an online romance on a dating or social app, then steers the victim into a rigged investment or betting platform ("an inside tip", "a loophole") or asks for money over a made-up crisis; withdrawals never come.',
    },
    script: {
      zh: '网上结识、从未见面却带您投资理财、博彩“稳赚不赔”或向您借钱的，都是诈骗。平台无法提现、要求先交保证金或税费，请立即停止转账。',
      en: 'Someone met online who never meets you in person but coaches you to invest or bet with "guaranteed returns", or asks to borrow money, is a scammer. If withdrawals need a deposit or tax first, stop transferring now.',
    },
  },
  task_scam: {
    explanation: {
      zh: '以点赞、关注、刷单等兼职为诱饵，先返小额佣金取得信任，再以“联单”“卡单”“操作失误”为由要求不断垫付、充值，本金无法提现。',
      en: 'Recruits for paid "tasks" (likes, follows, fake orders), pays small commissions first, then demands ever larger advances for "combined orders" or to "unfreeze" the account; the money never comes back.',
    },
    script: {
      zh: '刷单、点赞、做任务返利都是诈骗，先给小甜头再让您垫付大额资金。请不要再垫付任何钱款。',
      en: 'Paid "tasks" (fake orders, likes, reviews) are scams: small payouts first, then large advances you never get back. Do not advance any more money.',
    },
  },
  fake_customer_service: {
    explanation: {
      zh: '冒充电商、快递或平台客服，以商品质量问题理赔、快递丢失赔偿、关闭“百万保障”、取消会员扣费等为由，诱导开启屏幕共享、借出备用金或贷款并转账。',
      en: 'Poses as shop, courier or platform customer service with a refund, lost-parcel compensation or an unwanted "membership" to cancel, then has the resident share the screen, draw on credit products and transfer the money.',
    },
    script: {
      zh: '正规客服不会要求您开启屏幕共享、下载会议软件或向“指定账户”转账来办理退款、注销账户。请通过官方渠道核实，不要转账。',
      en: 'Real customer service never asks you to share your screen, install a meeting app or transfer money to "process a refund" or "close an account". Check through the official app or number; do not transfer.',
    },
  },
  loan_scam: {
    explanation: {
      zh: '以“无抵押、低利息、秒到账”的网络贷款或代办信用卡为诱饵，再以保证金、解冻费、刷流水、会员费等名目要求先交钱，贷款永远不到账。',
      en: 'Advertises easy online loans or credit cards ("no collateral, low interest, instant"), then charges a deposit, an "unfreezing fee", "account turnover" or a membership fee first; the loan never arrives.',
    },
    script: {
      zh: '正规贷款放款前不收取任何费用。要求先交保证金、解冻费、刷流水的都是诈骗，请不要转账。',
      en: 'Genuine lenders never charge fees before paying out. Any demand for a deposit, "unfreezing fee" or "account turnover" first is a scam; do not transfer.',
    },
  },
  impersonation_acquaintance: {
    explanation: {
      zh: '冒充领导、老师、亲友或同学，以新号码、新微信联系，以急事、送礼、垫付货款、代缴费用为由要求转账，并称“不方便接电话”。',
      en: 'Poses as a boss, teacher, relative or classmate from a new number or account, with an urgent payment (a gift, a supplier, a fee) and an excuse for not taking a call.',
    },
    script: {
      zh: '“领导”“熟人”“老师”通过新号码、新微信让您转账或代付的，请先打原号码或当面核实身份，核实前不要转账。',
      en: 'A "boss", friend or teacher who asks for money from a new number or account: call their known number or check in person before paying anything.',
    },
  },
  other: {
    explanation: {
      zh: '多个可疑迹象同时出现，但无法确定具体诈骗类型。',
      en: 'Several warning signs together, without a clear fraud type.',
    },
    script: {
      zh: '请暂停转账，与家人或社区民警核实后再操作。',
      en: 'Please pause any transfer and check with family or your community police officer first.',
    },
  },
  fake_investment: {
    explanation: {
      zh: '拉人进“荐股群”“投资群”，冒充导师、分析师带单，晒盈利截图，诱导在虚假平台投资股票、数字货币、外汇，先让小额盈利提现，大额投入后以税费、保证金、解冻为由拒绝提现。',
      en: 'Pulls the victim into "stock tips" or investment groups run by fake mentors, shows fake profits, lets small withdrawals through, then blocks large ones behind taxes, deposits or "unfreezing" on a rigged platform.',
    },
    script: {
      zh: '网上“导师”“老师”带您投资、承诺高收益稳赚不赔的都是诈骗，所谓平台由骗子控制。提现要先交钱的，请立即停止投入。',
      en: 'Online "mentors" promising high, guaranteed returns are scammers and the platform is theirs. If a withdrawal needs money first, stop putting money in now.',
    },
  },
  credit_repair: {
    explanation: {
      zh: '冒充金融平台或监管机构，称“校园贷账户未注销会影响征信”或可“修复征信”，诱导在多个平台贷款提现，再转入所谓监管账户“清零核销”。',
      en: 'Poses as a lender or regulator: a "student loan account" must be closed or the credit record suffers, or bad records can be "repaired"; the victim borrows on several apps and transfers the money to a "supervision account".',
    },
    script: {
      zh: '征信记录无法人为修改，也没有“注销校园贷”这回事。任何要求您贷款、转账来“清零”“修复征信”的都是诈骗，请立即停止操作。',
      en: 'Credit records cannot be "repaired" by anyone and there is no "closing a student loan account". Anyone asking you to borrow and transfer money to "clear" your credit is a scammer; stop now.',
    },
  },
  fake_shopping: {
    explanation: {
      zh: '以低价商品、海外代购、演唱会门票、宠物等为诱饵，诱导绕开正规平台私下交易，收款后失联，或以关税、定金、出票失败解冻等名义继续收钱。',
      en: 'Lures with cheap goods, overseas buying, concert tickets or pets, moves the deal off the platform, then vanishes after payment or keeps charging "customs duty", deposits or "unfreezing" a failed ticket order.',
    },
    script: {
      zh: '低价商品、内部票源要求私下转账的，大多是诈骗。请只在正规平台下单付款，以关税、解冻为由再收费的请立即停止付款。',
      en: 'Cheap goods or "insider" tickets paid by private transfer are usually scams. Only pay through the official platform; stop paying anyone who asks for duty or "unfreezing" fees.',
    },
  },
  game_trading: {
    explanation: {
      zh: '以高价收购或低价出售游戏账号、装备、点券为诱饵，引到虚假交易平台，再以卡号填错、账户冻结、保证金、会员费为由要求转账；或诱骗未成年人扫码“领皮肤”。',
      en: 'Offers to buy or sell game accounts, items or credits, moves the deal to a fake trading site, then demands "unfreezing", deposit or membership fees; or tricks children into scanning a code for "free skins" on a parent’s phone.',
    },
    script: {
      zh: '游戏账号、装备交易请只走官方平台。提现要先交解冻费、保证金的都是诈骗；“免费领皮肤”要用家长手机扫码付款的也是诈骗。',
      en: 'Trade game accounts and items only on the official platform. Paying to "unfreeze" a withdrawal is a scam, and so is a "free skin" that needs a parent’s phone to scan and pay.',
    },
  },
  prize_lottery: {
    explanation: {
      zh: '冒充电视节目组、电商平台或抽奖活动，称中了大奖，要求先交手续费、个人所得税、公证费、保证金才能领奖，不交还威胁起诉。',
      en: 'Poses as a TV show, a shop or a lottery: the resident has won a big prize but must first pay a handling fee, income tax, notary or deposit, and is threatened with a lawsuit if not.',
    },
    script: {
      zh: '没有参加抽奖却“中大奖”、领奖要先交钱的都是诈骗，正规活动不会先收费。请不要回拨、不要转账，更不用怕“不领奖要起诉”。',
      en: 'A prize you never entered for, that needs money before it is paid, is a scam; real prizes never cost a fee. Do not call back or pay, and ignore threats of being sued for not claiming.',
    },
  },
  fake_kidnapping: {
    explanation: {
      zh: '谎称子女、亲人被绑架、出车祸、打伤人或被拘留，伴有哭声和恐吓，要求不许挂电话、不许报警，立即汇款赎人、交手术费或赔偿金。',
      en: 'Claims a child or relative has been kidnapped, hurt in an accident, arrested or has injured someone, with crying and threats, and demands immediate money while forbidding the resident to hang up or call the police.',
    },
    script: {
      zh: '请先挂断电话，直接打给孩子本人、学校或其他家人确认平安，并马上拨打110。“绑匪”“医生”催您立刻汇款的，基本都是诈骗。',
      en: 'Hang up and call your child, their school or other family directly, and call 110 now. A "kidnapper" or "doctor" who wants money immediately is almost always a scammer.',
    },
  },
  phishing_link: {
    explanation: {
      zh: '冒充银行、运营商、ETC、医保或交管部门群发短信，以积分即将清零可兑换现金、ETC认证失效、账户异常等为由，诱导点击钓鱼链接填写卡号、密码、验证码，随后盗刷。',
      en: 'Mass SMS posing as a bank, telecom operator, ETC, health insurance or traffic police ("points expire today, redeem for cash", "ETC authentication expired", "account abnormal") with a phishing link that harvests card numbers, passwords and codes.',
    },
    script: {
      zh: '银行、运营商、ETC不会用短信链接让您兑换积分或重新认证。请不要点击链接、不要填写卡号密码和验证码；已填写的请立即联系银行冻结卡片并修改密码。',
      en: 'Banks, operators and ETC never send links to redeem points or re-authenticate. Do not open the link or enter card numbers, passwords or codes; if you did, call your bank to freeze the card and change the password now.',
    },
  },
  fake_refund: {
    explanation: {
      zh: '以航班取消退改签理赔、退税、补贴补偿发放、多收费退款为名，诱导点击链接或下载会议软件，以“验证账户”“开通收款”为由让对方转账或贷款。',
      en: 'Offers a flight-cancellation refund or compensation, a tax refund, a subsidy or an overcharge refund, then has the resident open a link or meeting app and transfer or borrow money to "verify the account" or "enable receiving".',
    },
    script: {
      zh: '退票、理赔、退税和补贴都只会原路退回或打入本人账户，不需要您先转账、贷款或共享屏幕。请通过航空公司、税务、人社的官方渠道核实。',
      en: 'Refunds, compensation, tax refunds and subsidies are paid back to you directly; you never transfer, borrow or share your screen to receive them. Check with the airline, tax office or social-security office through their official channels.',
    },
  },
};
