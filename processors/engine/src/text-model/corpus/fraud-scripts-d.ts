/**
 * Scam scripts, part D (issue 14, third pass): 冒充熟人、领导 in many more phrasings, as SMS and chat
 * messages and as the caller's side of a call. Written in our own words from public police notices
 * and news reports on the script (a "leader" adds the victim on a new WeChat or QQ, first asks after
 * their work, then says a relative or a client needs money and he cannot be seen to pay, sends a
 * faked transfer receipt and has the victim pay a designated account; a "friend" or "classmate"
 * rings with "guess who I am", has the victim save a new number, and the next day borrows money;
 * a "relative" has a broken phone, a hospital bill, a fight or an exam fee and asks not to tell the
 * family). What every variant asks for is general: move money to a new account, lend money, pay for
 * the caller, or add a new private contact, with an identity claim, a new number and urgency.
 * No text is copied.
 */
import type { ScriptSource } from './types.ts';

/** A boss or an official of the victim's own unit, on a new account. */
export const LEADER_D: ScriptSource = {
  type: 'impersonation_acquaintance',
  sms: [
    '小{surname}，我是{leader}，这是我私人微信，工作上的事以后在这里说，你通过一下。',
    '我是{leader}，原来的号码不用了，你加一下我新的{chatApp}，有个事情需要你马上处理。',
    '{leader}：我在市里开会，不方便接电话。一个老朋友家里急需{bigAmt}周转，我不便直接出面，你帮我转给他，明天我还你。',
    '小{surname}，我刚把{bigAmt}转到你卡上了，银行说跨行要延迟到账，你先从你那边转给这个账户，对方等着用。',
    '我是{leader}，有位领导的孩子要办出国手续，需要交一笔保证金，你先帮我垫上，这事不要对外讲。',
    '在吗？明天上午的会取消了。另外有笔款子比较急，你把公司备用金先打到我给你的账户上，我回来签字。',
    '我是{leader}，你手头方便的话先借我{amt}，我这边卡被限额了，晚上就还你。',
    '你好，我是{leader}，我手机坏了暂时用这个号，你把财务的联系方式发我，有笔合同款今天要付出去。',
    '小{surname}你好，我是你们单位新调来的{leader}，加我微信号{qq}，有工作要当面交代。',
    '{leader}交代：客户那边要求今天打定金，公账走不了，你先用个人账户转过去，账号稍后发你，办完回个截图。',
    '我换了新号，老号停用了。我人在外地，有个急事需要你帮忙，看到回复我。',
    '我是{leader}，现在在陪上级检查，说话不方便。这边要送一份礼，你帮我打{amt}到这张卡，户名{fullName}。',
    '别声张，我在纪委这边谈话，需要你帮我处理一笔钱，转到我发的卡号上，处理完删掉聊天记录。',
    '小{surname}，你先别下班，等我消息，有一笔钱要你帮我打出去，对方账户我马上发。',
    '我是{leader}，有个紧急的事情需要你尽快处理，你加我{chatApp}{qq}，我在上面跟你细说。',
    '你好，我是{leader}，最近工作辛苦了，有困难跟我说。我现在有件私事不方便出面，你加一下我的新号，细节私聊。',
    '{leader}让我转告你：马上把公司群里说的那笔款付掉，收款账户以我发你的为准，付完把回单发我。',
  ],
  call: {
    open: [
      '喂，小{surname}吗？我是{leader}，',
      '喂，听得出来吧，我是你们{leader}，',
      '小{surname}啊，我是{leader}，我换号了，',
      '喂，你好，我是{leader}办公室的，',
      '喂，是我，{leader}，你现在说话方便吗，',
      '喂，我{leader}啊，在开会呢，长话短说，',
    ],
    story: [
      '这个号码是我新办的，以后联系我就打这个，你存一下。',
      '我这边有个亲戚做生意，资金周转不过来，我不好直接出面。',
      '我刚给你转了一笔钱，银行说要二十四小时才到账，对方又等不了。',
      '有个合作方的款今天必须付，公司账户走流程来不及。',
      '上面来了个领导，要安排一下，我现在身上不方便。',
      '你最近工作表现不错，下个月调整的事我心里有数。',
      '我手机在开会的时候不能用，只能发消息。',
      '这个事情比较敏感，知道的人越少越好。',
    ],
    ask: [
      '你先从你卡上转{bigAmt}到我发给你的账户，我的钱到了你就不亏。',
      '你加一下我新的微信，具体账号我在微信上发你。',
      '你先借我{amt}应个急，下午我让人还你。',
      '你帮我把这笔钱打给对方，户名{fullName}，打完截图发我。',
      '你去银行帮我汇一下，用你自己的卡就行。',
      '你把财务的电话给我，我让他们也配合一下。',
    ],
    press: [
      '越快越好，对方就等这笔钱了。',
      '这事先别跟办公室其他人讲。',
      '我这边开完会就没时间了，你抓紧。',
      '你办妥了给我回个消息，别打电话。',
      '我信任你才让你办的。',
    ],
  },
};

/** A child, a spouse or another relative with a new number and a sudden need. */
export const FAMILY_D: ScriptSource = {
  type: 'impersonation_acquaintance',
  sms: [
    '爸，我手机掉水里了，这是借同学的号，学校要交{amt}的考试报名费，今天截止，你直接转这个卡。',
    '妈，是我，我的号欠费停机了，先用这个号。我在医院，急需{amt}交押金，你先给我转一下。',
    '{kin}这边出了点事，跟人起了冲突，对方要私了，要{amt}，你先帮我凑一下，千万别告诉家里。',
    '姐，我换号了，微信也换了，你加一下新的。我最近手头紧，能不能先借我{amt}，月底还你。',
    '舅，是我啊，我在{city}被车蹭了，对方要我垫医药费，我钱不够，你先打{amt}到这个账户救个急。',
    '奶奶，我是你孙子，我在外面惹了事，现在需要{amt}才能解决，你别跟我爸妈说，钱转到这个卡上。',
    '老婆，我手机没电了借别人的发消息，客户那边要先付{amt}订金，你帮我转到这个账号，回家跟你说。',
    '叔，我新号码，旧的不用了。最近家里老人住院，手术费还差{bigAmt}，你看能不能先借我一点。',
    '哥，我在外地钱包被偷了，身份证银行卡都没了，你先给这个号码的微信转{amt}，我回去马上还。',
    '爸，我学校要买电脑上课，老师让今天交{amt}，你打到这个卡上，户名是老师的。',
    '妈，我是{child}，我换了新号，你存一下，以后打这个，我明天再跟你说个事。',
    '大姨，我是你外甥，我在{city}做生意差一笔货款，你借我{amt}周转几天，这事先别跟我妈提。',
  ],
  call: {
    open: [
      '喂，妈，是我，',
      '喂，爸，我啊，你听不出来了？',
      '喂，奶奶，我是你孙子，',
      '喂，舅，是我，我换号了，',
      '喂，姐，我嗓子哑了，是我，',
      '喂，{kin}，是我，我借别人的电话打的，',
    ],
    story: [
      '我手机摔坏了，先用这个号码，你存一下。',
      '我在{city}出了点事，跟人打架把人打伤了，对方要私了。',
      '我同学家里出事住院了，我替他垫了钱，现在自己没钱吃饭了。',
      '我在医院，检查要先交押金，我卡里的钱不够。',
      '学校临时要收一笔费用，今天不交就没名额了。',
      '我现在不方便多说，旁边有人。',
      '我不敢跟爸说，怕他骂我。',
    ],
    ask: [
      '你先给我转{amt}，转到我发给你的这个卡上。',
      '你借我{amt}，我下个月发工资就还你。',
      '你别打我原来的号，直接往这个账户打钱就行。',
      '你去银行帮我汇一下，卡号我短信发你。',
      '你加一下我这个新微信，钱从微信转过来。',
    ],
    press: [
      '很急，今天晚上之前一定要。',
      '千万别跟家里其他人说。',
      '你先别给我打电话，我这边说话不方便。',
      '你就当帮我这一次。',
      '对方说再不给钱就报警抓我。',
    ],
  },
};

/** An old classmate, a friend or a colleague: "guess who", a saved number, then a loan. */
export const FRIEND_D: ScriptSource = {
  type: 'impersonation_acquaintance',
  sms: [
    '老同学，好久不见，我换号了，这是新号，有空聚聚。对了，能先借我{amt}应个急吗？下周就还。',
    '是我啊，{fullName}，你不会把我忘了吧？我现在遇到点难处，你方便的话借我{amt}。',
    '兄弟，我是你大学室友，我QQ被盗了，别信那个号发的。我这边急用钱，你先借我{amt}，转这个卡。',
    '在吗？我是班长，家里老人住院急需用钱，想跟你借{amt}应急，下个月一定还你。',
    '我是你以前的同事小{surname}啊，孩子要交艺考培训费，还差{amt}，你先借我周转一下行吗？',
    '我在国外被海关扣了，要交一笔清关费{amt}，家里人联系不上，你先帮我付一下，回国就还你。',
    '亲，我微信支付被限额了，有个急款要付，你先帮我转给对方{amt}，我把钱转你微信。',
    '哥们，帮个忙，我卡被冻结了，你先帮我转{amt}到这个账户，明早一定还你，别跟别人说。',
    '猜猜我是谁？我是你初中同学，换了个号码，最近缺钱，借我{amt}，过几天就还。',
    '你好呀，我是你姐妹{fullName}，我手机号换了，有急事找你帮忙，看到回我。',
  ],
  call: {
    open: [
      '喂，猜猜我是谁？',
      '喂，老同学，听得出我声音吗，',
      '喂，是我啊，你不会把我忘了吧，',
      '喂，兄弟，是我，换号了，',
      '喂，我是你大学同学，你猜猜是哪个，',
    ],
    story: [
      '对对对，就是我，我换了个新号，你存一下。',
      '我明天正好去你那边出差，到时候找你吃饭。',
      '我这边遇到点麻烦，路上被交警扣了车，要交罚款。',
      '我家里人突然住院了，医院催着交钱，我一时凑不齐。',
      '我跟领导出来办事，领导要送点东西，我身上没带够钱。',
      '本来不好意思开口的，实在是没办法了。',
    ],
    ask: [
      '你先借我{amt}，我回去就还你。',
      '你帮我转到这个账户，是我朋友的卡。',
      '你加一下我新的微信，我把账号发你。',
      '你先帮我垫一下，明天见面给你。',
      '你能不能先打{amt}过来救个急。',
    ],
    press: [
      '就差这一点了，你帮帮忙。',
      '我这边等着呢，越快越好。',
      '咱俩的关系你还信不过我吗。',
      '这事你别跟别的同学说，怪丢人的。',
      '我这会儿说话不方便，你转了给我发个消息。',
    ],
  },
};
