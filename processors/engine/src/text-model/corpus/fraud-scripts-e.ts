/**
 * Scam scripts, part E (issue 14, sixth pass): the pretexts that tell a fake loan from a fake
 * customer-service call, which share the words of credit (客服, 额度, 利率, 征信, 冻结).
 *
 * - 虚假网络贷款 (loan_scam): the victim applies for or is offered a loan, a credit card or a higher
 *   limit; the money is "approved" but held back until a fee is paid (解冻金, 保证金, 验资流水,
 *   会员费, 工本费, 包装费…). The caller may call themself the lender's 客服 or 专员: the pretext is
 *   still the new loan.
 * - 冒充电商物流客服 (fake_customer_service): the caller speaks for a shop, courier or payment
 *   platform about something the victim already has: an order, a parcel, a membership or insurance
 *   "opened by mistake", or a credit product (金条, 白条, 花呗, 借呗, 备用金) that must be closed or
 *   its rate "adjusted" or they will be charged or their credit will suffer. Police notices on
 *   冒充客服 list these pretexts (取消会员、百万保障、关闭金条/白条、调整利率、快递丢失理赔).
 * - A student-loan account to cancel (注销校园贷) or a credit record to repair for a fee stays
 *   虚假征信 (credit_repair, fraud-scripts-b/c), as public notices on 虚假征信 file it.
 *
 * Written in our own words from public police anti-fraud notices and news reports on these scripts;
 * no text of the licensed data set is used or paraphrased.
 */
import type { ScriptSource } from './types.ts';

export const LOAN_SCAM_E: ScriptSource = {
  type: 'loan_scam',
  sms: [
    '【{loanApp}】您提交的借款申请已通过初审，额度{bigAmt}元，放款前需完成银行卡验证，请转入{amt}元验证金。',
    '您好，您在我司的贷款已审批，因您的收入流水不足，需存入{amt}元做流水证明，证明后连同贷款一起放款。',
    '您的{bigAmt}元贷款已放款失败，原因：收款账户信息错误，资金已被冻结，请联系客服{hotline}缴纳解冻费。',
    '【{platform}信贷】征信花了也能贷，无视负债，当天下款，前期只需{small}元服务费，加微信{qq}。',
    '您好，您申请的信用卡已批卡，额度{amt}元，激活前需交{small}元年费和制卡工本费，详询{phone}。',
    '办理大额信用卡、提额，内部渠道包过，先付{small}元资料费，下卡后再付尾款。',
    '【{loanApp}】您的借款已通过审核，但您的账户被风控，请先还款{amt}元刷新信用后即可提现。',
    '亲，您的贷款申请材料已提交，审核专员需要您先交{amt}元保证金证明还款能力，放款时一并退回。',
    '您好，我是{platform}贷款客服，您的借款订单已生成，开通VIP会员后可优先放款，会员费{small}元。',
    '低息贷款，无抵押，凭身份证当天到账，首次借款送{small}元免息券，下载{link}立即申请。',
    '您的贷款已批但未到账，系统显示您的银行卡为二类卡，需转入{amt}元升级为一类卡后才能放款。',
    '您好，您的公积金信用贷预审批通过，额度{bigAmt}元，需先缴纳{pct}的担保费，请回复办理。',
  ],
  call: {
    open: [
      '您好，这里是{loanApp}的贷款客服，您昨天提交的借款申请，',
      '喂，您好，我是{platform}金融的放款专员，',
      '您好，您之前在网上咨询过低息贷款对吧，',
      '您好，我是信用卡中心的办卡专员，',
      '喂您好，我们这边有一个无抵押的信用贷款，',
      '您好，我是{bank}合作的贷款中介，',
      '您好，关于您申请的那笔{bigAmt}元的借款，',
      '喂，您好，我是您借款的客服，工号{badge}，',
    ],
    story: [
      '您的借款申请已经审核通过了，额度{bigAmt}元，今天就能放款。',
      '但是放款的时候系统提示您的收款卡号有误，资金被冻结在我们的账户里。',
      '您的流水不太够，需要先做一个验资，证明您有还款能力。',
      '您的征信有点花，我们可以帮您做包装，包装之后就能过审。',
      '您的信用卡已经批下来了，额度五万，就是激活前要先交一个年费。',
      '我们这个贷款不看征信，不要抵押，利息也低，月息只要几厘。',
      '系统把您列成了高风险用户，需要先交一笔保证金才能解除。',
      '您只要交完这笔费用，钱十分钟就能到您卡上。',
      '这笔钱是放在您自己名下的，放款的时候会一起退给您。',
      '我们是跟银行合作的，放款走的是内部通道，比银行快很多。',
      '您的额度已经批了，但是要开通会员才能提现。',
      '您的借款合同已经生成了，就差最后一步验证。',
    ],
    ask: [
      '您先转{amt}元解冻金到我们的对公账户，解冻以后马上放款。',
      '您往卡里存{amt}元，截图发给我，我帮您提交流水。',
      '您先交{small}元的包装费，我这边马上给您操作。',
      '您加一下我们审核专员的微信{qq}，按他说的交保证金。',
      '您下载一下我们的借款APP，在里面交会员费就能提现。',
      '您把激活费转到我发给您的账户，信用卡当天寄出。',
      '您把银行卡号和验证码发给我，我帮您把贷款提出来。',
      '您先交一笔担保费，放款后从贷款里扣回来。',
    ],
    press: [
      '这个额度只给您保留到今天下午，过了就作废了。',
      '您不交的话这笔贷款就取消了，以后也申请不了。',
      '交了这一笔以后就不会再有其他费用了。',
      '您放心，这个钱放款的时候全部退还给您。',
      '很多人都办过了，都是当天到账的。',
      '银行要是打电话问您，您就说是自己转的。',
      '您要是现在不处理，资金冻结了我们也解不开。',
      '您抓紧时间，财务马上就下班了。',
    ],
  },
};

export const FAKE_CUSTOMER_SERVICE_E: ScriptSource = {
  type: 'fake_customer_service',
  sms: [
    '【{payApp}】您开通的金条账户年化利率超出监管标准，须于今日关闭，逾期未关闭将持续计息并上报征信，客服{hotline}。',
    '尊敬的用户，您的白条账户被误开通了分期服务，每月将自动扣费{small}元，如需关闭请联系客服{hotline}。',
    '【{payApp}客服】您的花呗额度存在异常，需关闭后重新开通，否则将影响个人信用，请添加客服{qq}办理。',
    '您在{shop}开通的会员服务将于明日自动扣费{amt}元，如非本人操作，请立即联系客服{hotline}取消。',
    '亲，您购买的{product}在运输中损坏，快递公司同意理赔{amt}元，请添加理赔客服{qq}领取。',
    '【{courier}】您的快件丢失，我司按商品价值赔付，请联系客服{hotline}，需提供收款账户。',
    '您好，您在{shop}的店铺被系统误设为商家会员，每年将扣除{amt}元服务费，请联系客服解除。',
    '【{payApp}】您的备用金服务即将到期自动续费，续费后将产生利息并影响征信，取消请回电{hotline}。',
    '尊敬的客户，您的{payApp}账户开通了百万医疗保障，下月起每月扣费{small}元，如需退订请联系客服。',
    '您的{loanApp}账户因系统升级需要调整利率，请在今天内联系客服{hotline}关闭原账户，否则影响征信。',
    '亲，您前几天买的{product}因库存问题无法发货，我们给您退款并补偿{amt}元，请点击{link}填写退款信息。',
    '【{shop}】您的订单{order}支付异常被冻结，请联系客服{hotline}办理退款，退款需验证您的账户。',
  ],
  call: {
    open: [
      '您好，我是{payApp}的客服，工号{badge}，关于您的金条账户，',
      '喂您好，这边是{shop}平台的客服，您在我们这开通了一项会员服务，',
      '您好，我是{courier}的理赔客服，您有一个包裹出了问题，',
      '您好，这里是{payApp}客服中心，系统显示您的白条账户有问题，',
      '喂，请问是{name}吗？我是{shop}售后的，您买的{product}，',
      '您好，我是{payApp}的客服，您之前开通过百万保障，',
      '您好，我这边是{loanApp}的客服，关于您账户的利率问题，',
      '您好，这边是{shop}的官方客服，关于您的订单{order}，',
    ],
    story: [
      '您的金条账户利率超过了国家规定的标准，我们这边需要帮您把账户关闭。',
      '您之前误开通了这个服务，下个月开始每个月会自动扣费{small}元。',
      '您的快递在运输中丢失了，我们这边按照商品价值给您理赔。',
      '如果不关闭的话，账户会一直产生利息，还会影响您的个人征信。',
      '您买的这批商品有质量问题，商家要给您全额退款再补偿一笔钱。',
      '关闭账户之前要先把账户里的额度清空，不然系统关不掉。',
      '您的白条是按学生身份开的，现在需要关闭，不然以后每月扣费。',
      '这个百万保障是默认开通的，不取消的话每个月都要扣钱。',
      '您的订单因为系统故障没有付款成功，钱被冻结在平台上了。',
      '我们需要验证一下您账户的资金，才能把退款打给您。',
      '这个操作是平台统一要求的，所有用户都要处理。',
      '您放心，我们这边全程指导您，几分钟就能关掉。',
    ],
    ask: [
      '您打开{payApp}，把金条里的额度借出来，转到我们的核验账户做清零。',
      '您下载一个会议软件，开一下屏幕共享，我教您怎么关闭。',
      '您把收到的验证码念给我，我这边帮您取消扣费。',
      '您把备用金借出来，转到我给您的账户，验证完马上退回。',
      '您扫一下这个二维码，填一下收款的银行卡号，理赔款直接打给您。',
      '您把{amt}元转到平台的监管账户，系统核实后原路退回。',
      '您在{loanApp}里申请一下额度，证明账户正常，我们才能关闭。',
      '您加一下我们的理赔专员QQ{qq}，他会发您退款链接。',
    ],
    press: [
      '今天不处理的话，明天就开始扣费了。',
      '不关闭的话会上报征信，以后买房买车贷款都受影响。',
      '操作过程中银行会有风险提示，您不用理会，点继续就行。',
      '您不要挂电话，挂了要重新排队处理。',
      '我们是官方客服，您的信息我这边都能查到。',
      '钱转过来以后系统五分钟内就退回您的卡上。',
      '这个操作别让家里人知道，不然会影响处理进度。',
      '超过今天系统就自动扣款了，我们也撤不回来。',
    ],
  },
};

export const SCRIPTS_E: readonly ScriptSource[] = [LOAN_SCAM_E, FAKE_CUSTOMER_SERVICE_E];
