/**
 * Keyword sets of the built-in rule pack, written from anti-fraud domain knowledge (public police
 * advisories on the common scam scripts) and checked against the tuning split of the labelled data
 * only. No text of the data set is copied here. Each set is written as space-separated keywords.
 */

/** `'a b  c'` → `['a', 'b', 'c']`. */
function words(list: string): string[] {
  return list.split(/\s+/).filter((w) => w.length > 0);
}

// A money request made to be checked: collected in person, with an IOU, or "ask X if you doubt
// me". Police notices on 冒充熟人 calls say the impostor can do none of these: he cannot come in
// person and keeps the victim from checking (eighth pass).
const IN_PERSON = words(
  '当面 到你家去拿 去你家拿 来你家拿 去你店里拿 上门去拿 过去拿 拿现金 写个欠条 写欠条 打个欠条 打欠条 ' +
    '你什么时候方便 不放心就给 不放心的话给 开车来 来接我 ' +
    // an IOU or cash handed over (ninth pass)
    '借条 给我现金 现金给我',
);

// What genuine notices and calls say instead (官方渠道、不会索要验证码、原路退回无需操作): negative
// evidence that lowers the score whatever the model says.
const SAFE_NOTICE = words(
  '不会索要 不会向您索要 不会索取 不会向您索取 不会要您 不会要你 切勿告知 切勿告诉 请勿告知 请勿告诉 ' +
    '勿告诉他人 不要告诉他人 请勿泄露 切勿泄露 如非本人操作 非本人操作请 无需提供 不需要您提供 不用提供 ' +
    '无需缴纳 不需要缴纳 不需要您做 无需额外操作 不需要您另外 无需您 原支付账户 原支付方式 卡片背面 ' +
    '卡背面 官方客服电话 拨打官方 本人携带 到网点 到营业厅 营业厅app 到窗口 严禁私下 一律走 不会推荐 ' +
    '不会让您 不会要求您 ' +
    // the ninth pass (public notices: hospitals, banks and couriers take money at their own counter or
    // app and never ask for a transfer to a person; "call the switchboard to check")
    '不用提前转账 不需要提前转账 不用转账给 不需要转账给 无需转账 不要转给个人 不要转给任何人 不用转给任何人 ' +
    '不需要进行任何操作 不需要您进行任何操作 不用进行任何操作 不需要您告诉 不能替您操作 收费窗口 住院处 ' +
    '总机核实 打医院总机 官方电话核实',
);

export const KEYWORD_SETS = {
  // 冒充公检法及政府机关
  authority_identity: words(
    '公安局 公安机关 公安部 公安厅 公安分局 派出所 警察 警官 民警 刑警 ' +
      '网警 警号 警务 公安 检察院 检察官 法院 法官 公检法 银监会 银保监 ' +
      '保监会 证监会 金融监管 人民银行 央行 医保中心 医保局 社保中心 社保局 ' +
      '通讯管理局 通信管理局 工信部 出入境 海关 税务局 市场监管 疫情防控 防疫 ' +
      '卫健委 疾控 经侦 反诈中心 国安 纪委 政府 管理局 稽查 执法 专案组 ' +
      '卫健局 医疗保障局 医保部门 警方 社保 医保 公安部门 防疫中心 保障局 ' +
      '警局 电信局',
  ),
  authority_threat: words(
    '涉嫌 犯罪 洗钱 案件 一宗 通缉 逮捕 拘留 冻结 资金清查 清查 安全账户 ' +
      '配合调查 协助调查 配合我们 调查 立案 违法 非法 传票 密接 密切接触 ' +
      '隔离 骗保 冒用 盗用 保密 不要告诉 诈骗案 涉案 嫌疑 核实 资金核查 ' +
      '财产安全 报案 证明清白 判刑 坐牢 拘捕 护照 身份信息 违规 洗黑钱 黑钱 ' +
      '确诊 泄露 法律行动 法律责任 指定的账户 指定账户 不法分子 封锁 资金情况',
  ),
  // 贷款、代办信用卡
  loan_topic: words(
    '贷款 借款 放款 额度 信用卡 征信 信贷 借贷 网贷 低利率 低息 无抵押 ' +
      '免息 资金周转 提额 审批 授信 下款 秒批 还款 分期 有钱花 消费金融 ' +
      '小额 信用记录 大额 信贷员 贷款专员 额度',
  ),
  loan_trap: words(
    '解冻 保证金 手续费 验资 刷流水 流水 激活 会员费 工本费 服务费 下载 ' +
      '转账 申请 添加 点击 链接 app 软件 银行卡 身份证 验证 操作 账户 ' +
      '填写 微信 qq 提现 审核 需求 办理 利息 利率 冻结',
  ),
  // 冒充电商物流客服
  service_identity: words(
    '客服 客户服务 工作人员 淘宝 天猫 京东 支付宝 抖音 快手 拼多多 物流 ' +
      '快递 平台 闲鱼 美团 唯品会 微信支付 商家 店铺 直播间 百万保障 银联 ' +
      '官方 蚂蚁 回访 航空 航班 机构 金条 白条 网站 公司',
  ),
  service_trap: words(
    '退款 退货 赔付 赔偿 理赔 运费险 会员 自动扣费 扣费 扣款 取消 关闭 ' +
      '注销 误操作 误开通 开通了 屏幕共享 共享屏幕 解除绑定 解绑 账户异常 ' +
      '异常 质量问题 丢失 损坏 备用金 金条 白条 花呗 征信 双倍 保证金 代理 ' +
      '退还 返还 核实 验证码 包裹 退费 学费 冻结 解冻 投屏 云会议 安全验证 ' +
      '变更 降低利率 利率 利息 问题 泄露 处理',
  ),
  // What tells the two neighbouring scripts apart (public police notices; the keyword sets above
  // share words such as 客服, 额度, 利率, 冻结, 金条): a loan scam is about a loan the victim applies
  // for or is offered, held back until a fee is paid (放款、下款、审核通过、无抵押、申请贷款); a fake
  // customer-service call is about an account or paid service the victim already has, which must be
  // closed or cancelled or they will be charged or their credit will suffer (关闭金条/白条、取消会员/
  // 百万保障、自动扣费). These only name the alert's type (rules `loan-pretext`, `service-pretext`).
  loan_release: words(
    '放款 下款 放贷 审核通过 审批通过 无抵押 免抵押 无需抵押 申请贷款 贷款申请 借款申请 申请借款 ' +
      '申请的贷款 申请了贷款',
  ),
  cancel_verb: words('关闭 注销 取消 解除 停用 退订'),
  service_product: words('金条 白条 花呗 借呗 微粒贷 备用金 会员 百万保障 扣费 续费'),
  // 冒充领导、熟人
  acquaintance_identity: words(
    '我是你 听出来我是谁 猜猜我是谁 听不出来 我是谁 老师 领导 主任 老板 ' +
      '局长 校长 经理 老同学 同学 老朋友 朋友 亲戚 表哥 表姐 表弟 舅 叔 ' +
      '姨 外公 外婆 爷爷 奶奶 儿子 女儿 孙子 外孙 侄子 老公 老婆 哥 爸 ' +
      '妈 新号码 换号 新微信 换了号 班主任 书记 处长 科长 总经理 听出我 ' +
      '我的声音 孩子 家长 我是xx 厂长 董事长 教导 姐姐 姐妹 哥们 弟弟 ' +
      '外甥 侄 房东 医生 辅导员 采购员 项目经理 预订员 李总 王总 张总 刘总 ' +
      '陈总 赵总 宝贝 闺蜜',
  ),
  acquaintance_ask: words(
    '转账 转钱 借钱 借点钱 借一些钱 垫付 帮忙 帮我 汇款 打款 急需 住院 ' +
      '医药费 手术费 打架 扣留 红包 送礼 账号 周转 还给你 还你 代付 不方便 ' +
      '付款 支付 转一下 打一半 货款 加我 添加我 急用 救急 麻烦你 麻烦您 ' +
      '费用 买一下 购买 订购 采购 保释 罚款 转点 一笔钱 等着用 订餐 聚餐 ' +
      '预订 代买 代购 垫 餐饮 送过来 送到 帮个忙 先转 转给 需要点钱 没钱 ' +
      '用钱 借我 付尾款 帮我付 块钱 汇到 汇我 请汇 私了 手术 机票 租金 ' +
      '报销 定购 碰瓷 门票 报名费 赔偿 医药 交纳 保证金',
  ),
  // The trouble a fake relative, friend or boss claims to be in (public advisories on 冒充熟人/领导:
  // "I'm abroad / in hospital / held by police / my phone broke, I need money urgently").
  acquaintance_plight: words(
    '急需 紧急情况 困境 手头 钱不够 没钱 出了点事 出事了 遇到麻烦 遇到了麻烦 打伤 打架 被抓 抓了 ' +
      '住院 车祸 医药费 喝醉 在国外 在外地 身处 海外 手机坏了 手机丢了 换了号 换了个号 新号码 ' +
      '在开会 帮帮我 救急 援手 急用 燃眉之急 走投无路 冲突 争执 受伤 拘留 碰瓷 赔钱 私了 ' +
      '资金不够 没有钱 另一个号码 不想让',
  ),
  // The personal money request at the end of that script: lend me, transfer to me, pay this for me.
  acquaintance_plea: words(
    '借我 借给我 借点 借一些 转给我 给我转 转我 转点 汇点 汇给 打给我 打钱 拿钱 先垫 垫付 ' +
      '垫一下 帮我付 付一下 帮忙付 帮我买 代为 代付 还给你 还你 偿还 归还 报销 酬谢 尾款 ' +
      '转一下 汇到 给我汇 转一点 转过来 把钱转 钱转给 转给他 向你借 向您借 借给 帮我付款 帮我充值',
  ),
  // The urgency the 冒充熟人/领导 caller presses with (public notices: 频繁使用"尽快""马上""立即").
  acquaintance_urgency: words('尽快 紧急 急事 马上 立刻 立即 抓紧 越快越好 赶紧 等着 来不及 今天之内 现在就'),
  // 冒充单位领导采购/订餐: an order that comes with a "designated supplier" the victim must pay first
  // (public police notices on the "big order" a fake army buyer or teacher gives a shop: the item is
  // bought first from his 供货商, 代理商 or 厂家, 垫付货款; seventh pass).
  purchase_errand: words(
    '供应商 经销商 进货 代购 代为购买 帮忙购买 帮我们购买 订餐 酒水 红酒 白酒 名酒 香烟 名烟 ' +
      '物资 货到付款 先打钱 先付款 订一批 采购 演习 演练 供货商 代理商 厂家 垫付货款',
  ),
  // 冒充老师/学校: a report on the child, a fee or a refund, sent to the parent.
  parent: words('家长 孩子 儿子 女儿 同学'),
  school_matter: words(
    '成绩 学习报告 学习情况 表现 评定 考核 开学以来 在校期间 缴费 报名费 学费 退费 培训费 资料费 班费',
  ),
  // A link to open, as in the fake school-report and fake notice messages.
  link: words('http www 链接 网址 附件 t.cn'),
  // 冒充银行/领导 on a company's annual review, moved to a private chat.
  company_review: words('年审 年检 年度审核 对公账户 公司账户'),
  // Ads for mortgages, car insurance and property (normal SMS), which lower the score.
  finance_ad: words('车险 寿险 按揭 房产 房地产 首付 购房 买房 购车 新车 二手车 公积金 楼盘 年息'),
  // 杀猪盘 / 虚假投资理财 (no label in the evaluation data; from public advisories)
  investment_lure: words(
    '投资 理财 稳赚 稳赚不赔 高收益 收益 回报 导师 带单 内幕 博彩 彩票 ' +
      '数字货币 虚拟币 usdt 比特币 外汇 期货 漏洞 翻倍 充值 提现 保证金 ' +
      '交易平台 资金盘',
  ),
  romance_hook: words('亲爱的 宝贝 老公 老婆 缘分 婚恋 交友 网恋 相亲 见面 未来'),
  // 刷单返利
  task_lure: words(
    '刷单 返利 返佣 佣金 点赞 做任务 接任务 抢单 兼职 日结 日赚 刷信誉 ' + '手工活 日入 提成 垫付任务',
  ),
  // Requests every script ends with: move money, install something, move to another channel.
  request: words(
    '转账 汇款 打款 下载 安装 添加 加我 微信 qq 验证码 屏幕共享 ' +
      '共享屏幕 远程 会议 zoom 银行卡 卡号 密码 账户 账号 链接',
  ),
  // Conversational openings of a phone script (the data are transcripts and chat messages).
  script_opening: words('我是 这里是 我们是 您好 你好 喂'),
  self_intro: words('我是 是我'),
  // Institutions a scammer claims to speak for; a personal plea (acquaintance type) names none.
  institution: words(
    '客服 银行 公司 平台 公安 警察 派出所 法院 检察 贷款 金融 信用卡 快递 物流 淘宝 京东 支付宝 ' +
      '微信支付 抖音 快手 客户服务 工作人员 中心 管理局 政府 官方',
  ),
  // 虚假网络投资理财: a stock-tips group, a mentor and a platform (public advisories on 荐股群/带单).
  invest_identity: words(
    '导师 老师带单 带单 荐股 股票群 炒股群 交流群 投资群 vip群 分析师 操盘 内幕 内部消息 新股 原始股 ' +
      '数字货币 虚拟币 usdt 比特币 外汇 期货 交易平台 理财平台 投资平台 量化',
  ),
  invest_trap: words(
    '稳赚 稳赚不赔 保本 高收益 翻倍 涨停 收益 回报 充值 入金 提现 体验金 盈利 中签 认购 保证金 解冻 个人所得税',
  ),
  // 虚假征信: closing a "student loan account" or "repairing" a credit record.
  credit_identity: words('征信 校园贷 学生账户 学生贷 信用记录 逾期记录 失信 黑名单 不良记录 信用分'),
  credit_trap: words(
    '注销 修复 消除 洗白 清零 核销 监管账户 额度 借出来 提现 转入 转到 影响征信 内部渠道 定金',
  ),
  // 虚假购物、服务: cheap goods, overseas buying, tickets; paid off the platform.
  shop_identity: words(
    '代购 低价 特价 清仓 门票 演唱会 内场 内部渠道 内部票 现票 转让 黄牛 茅台 二手 送养 海关 包裹 正品',
  ),
  shop_trap: words(
    '私下交易 微信交易 直接转 定金 关税 出票失败 补缴 运费 保险费 防疫费 先付款 先付 全款 扫码付款',
  ),
  // 网络游戏产品虚假交易.
  game_identity: words(
    '游戏 账号 装备 皮肤 点券 金币 钻石 王者荣耀 和平精英 原神 英雄联盟 蛋仔 交易平台 交易猫 收号 卖号',
  ),
  game_trap: words(
    '解冻 冻结 保证金 激活 会员费 认证费 提现 卡号填写错误 填错 扫码 家长的手机 妈妈的手机 验证码',
  ),
  // 冒充中奖: a prize that costs a fee.
  prize_identity: words(
    '中奖 抽中 幸运观众 幸运用户 大奖 奖金 一等奖 二等奖 特等奖 领奖 兑奖 刮刮卡 刮奖 奖品 栏目组 锦鲤',
  ),
  prize_trap: words(
    '手续费 个人所得税 所得税 税费 公证费 保证金 邮费 运费 激活 违约 起诉 先交 先缴 验证码 领取',
  ),
  // 虚构绑架 / 亲友出事.
  kidnap_identity: words(
    '绑架 在我们手上 在我手上 在我手里 在我们手里 撕票 赎金 放人 出车祸 车祸 手术费 抢救 打伤 被扣 扣住 被抓 拘留 出事了',
  ),
  kidnap_trap: words(
    '汇款 打钱 转钱 转到 打到 准备 不许报警 不准报警 别报警 敢报警 不许挂 别挂 不能挂 私了 赔钱 押金 保证金',
  ),
  // 银行积分、ETC 等钓鱼链接: the bait of the SMS (a link is the other half, see `link`).
  phishing_bait: words(
    '积分清零 即将清零 将于 清零 兑换现金 积分兑换 兑换礼品 认证失效 认证已失效 重新认证 验签 证书过期 已过期 ' +
      '已失效 被冻结 将被冻结 已被停用 停用 账户异常 信息异常 身份验证 实名认证 提额 补贴 退税 违章 罚款 逾期作废 过期作废 ' +
      // account lock-outs and points that "expire this month" (public notices on 银行积分/账户异常 SMS)
      '作废 兑换积分 限制登录 安全隐患 身份核验 核验身份 ' +
      // points "about to expire", a raised limit or a device "to activate today" (ninth pass)
      '即将过期 即将失效 即将到期 今日内激活 需激活 激活网址 临时额度',
  ),
  // 虚假退款、退改签理赔、退税补贴.
  refund_identity: words(
    '航班 机票 改签 退改签 退票 延误 取消 理赔 补偿 赔付 退税 补贴 补助 退费 多收 多缴 申领 补偿款',
  ),
  refund_trap: words(
    '链接 会议 屏幕共享 共享屏幕 开通 收款功能 企业账户 验证账户 余额 验证 转账 转到 贷款 借呗 备用金 银行卡号 验证码',
  ),
  // The police's own reminders and warnings, which name every scam and end in "do not transfer".
  police_reminder: words(
    '警方提醒 警方提示 民警提醒 反诈提醒 反诈中心提醒 反诈宣传 防骗提醒 反诈预警 谨防 警惕 都是诈骗 均为诈骗 一律是诈骗 ' +
      '都是骗局 均为骗局 是骗局 那是骗子 是骗子 诈骗高发 诈骗手法 诈骗套路 常见诈骗 防骗 反诈中心 反诈民警 ' +
      '请勿转账 不要转账 不转账 千万别转 不轻信 不透露 96110 国家反诈中心app 全民反诈 立即报警 拨打110 ' +
      '务必核实 当面核实 电话核实 官方渠道 不会要求 不会向您 不会让您 不会通过电话 有骗子 骗子打电话 骗子会 ' +
      '骗子冒充 千万别急着 别急着转 ' +
      // a police officer's warning call to a resident already caught up in a scam (劝阻电话, ninth pass)
      '诈骗平台 不要再充 不要再转 千万不要再 派出所报案 到派出所报案',
  ),
  // Remote screen viewing: the step every refund, loan and "safe account" script needs.
  screen_share: words(
    '屏幕共享 共享屏幕 投屏 云会议 腾讯会议 会议号 会议app zoom 瞩目 ' +
      '远程控制 远程操控 远程协助 乐播 视频会议 会议软件',
  ),
  // The fraud ACT every script ends in (public advisories: 转账到安全账户、点链接兑换/认证/退款、报验证码、
  // 下载APP/屏幕共享、先交手续费/保证金/解冻费、加私人联系方式、对家人保密). A topic (bank, police,
  // refund) is not an act; the text model's score alone raises no alert without one (builtin-pack.ts).
  fraud_act: words(
    '转到 打到 汇到 转入 转给我 打给我 汇给我 转过来 汇过来 把钱转 请转账 先转 先交 先缴 先付 先垫 垫付 ' +
      '请支付 需支付 需要支付 需缴纳 需要缴纳 请缴纳 缴纳 保证金 手续费 解冻 押金 公证费 税费 所得税 ' +
      '会员费 认证费 激活费 工本费 服务费 补寄费 重派费 充值 安全账户 监管账户 指定账户 核验账户 验证账户 ' +
      '专属账户 收款账户 国家账户 备用金 借出来 额度借 银行卡号 卡号 卡号和密码 验证码告诉 验证码报 验证码发 ' +
      '验证码读 把验证码 收到的验证码 下载 安装 屏幕共享 共享屏幕 会议软件 视频笔录 加微信 加我微信 加qq ' +
      '加v 加客服 私下交易 不要告诉 别告诉 不能告诉 不要跟 别跟 保密 不许报警 敢报警 别报警 不准报警 ' +
      '运保费 运费险费 邮费 保险费 联系领奖 领奖专员 回复姓名 拿钱来 拿十万 拿五万 去银行 别挂电话 不要挂电话 ' +
      '报警的话 扫码 进群 拉你进群 下注 充进去 先充 充一万 投进去 再投 转进来 注册一个 带你一起 ' +
      'http www .com .cn .top .vip .cc .xyz .net .shop .site .club .icu 链接 ' +
      // 冒充熟人/领导 (public police notices: "加我新微信", "帮我转一笔", "借我应急"): the personal asks
      // of that script, moving the victim to a private contact or asking money of them directly.
      '添加我 加一下我 加我的 加我新 添加微信 加个微信 微信号 qq号 加好友 转账 汇款 打款 借给我 借我 借点钱 ' +
      '借一点 帮我转 帮忙转 帮我付 帮我垫 帮我打 转我 汇我 转一笔 打一笔 汇一笔 ' +
      // money paid through the victim's own card to an account the caller sends
      '打过去 转过去 付过去 付给对方 付给合作方 用你的卡 你个人卡 个人卡上 你的个人账户 我发的账户 我发你的 账户我发 ' +
      '账号我发 卡号我发 账户我用 账号发你 账户发你 卡号发你 你先加上 加上我 ' +
      // the first contact of that script, before any money (public notices: "我换号了，你存一下",
      // "明天到我办公室来一趟", then "不方便出面"): save the new number, come to my office
      '存一下 存下我 存好我 保存一下 保存我的 备注一下 改个备注 来我办公室 到我办公室 来我这一趟 通过一下 ' +
      '通过好友 加q ' +
      // a deal moved off the platform (虚假购物、游戏交易: "不走平台，微信直接付款", "加Q详谈")
      '不走平台 绕开平台 脱离平台 平台外交易 微信直接付 直接微信付 直接转给我 ' +
      // tenth pass (public notices): a caller who walks the victim through an ATM or an app "step by
      // step"; a fee for speed; the task scam's chained orders ("连单", "卡单", "第三单" to unlock the
      // rest); a deposit into a trading platform, in USDT or "入金"
      '一步一步 教您操作 教你操作 按我说的 加急费 第三单 连单 联单 卡单 纠错单 usdt 入金',
  ),
  in_person: IN_PERSON,
  safe_notice: SAFE_NOTICE,
  // Two or more of the two sets above (ninth pass): a caller who both sends the family to pay at an
  // official counter and says to transfer to no one, or lends against an IOU in person, is doing what
  // the scam cannot. One phrase of each overlapping pair is left out so one phrase counts once.
  genuine_practice: [...IN_PERSON, ...SAFE_NOTICE.filter((w) => w !== '非本人操作请')],
  // Marketing and service notices (normal SMS), which lower the score.
  marketing: words(
    '退订 回td 回t 回复td 回复t 拒收 促销 特价 折起 满减 钜惠 大促 ' +
      '抢购 开业 新品 上市 盛大 光临 会员日 门店 专柜 到店 积分 抽奖 包邮 ' +
      '领券 限时 详询 流量 话费 楼盘 开盘 样板房 户型 家纺 美容 养生 装修 ' +
      '家具 彩铃 歌曲 公众号 营业厅 免费畅玩 新歌 折扣 回馈 好礼 惊喜 ' +
      '俱乐部 采摘 会员计划 赠费 返充 购机 炫铃 免费领取 感谢您对 感谢您一直 取件码 取件 签收 派送 已到达 驿站 温馨提示 特此通告 感谢您选择 营业网点 客服热线 致电 咨询电话 详情咨询 新老客户 ' +
      '旗舰店 上新 聚划算 优惠券 礼盒 年货 专享 等你 儿童节',
  ),
} as const satisfies Record<string, readonly string[]>;

export type KeywordSetName = keyof typeof KEYWORD_SETS;
