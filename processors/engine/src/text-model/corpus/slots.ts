/**
 * Values the corpus templates' `{slots}` take: banks, shops, couriers, names, amounts, links…
 * Written for this project; the links are made up (their spelling does not matter: the model sees
 * every URL as one marker).
 */
import type { Random } from './random.ts';

const list = (s: string) => s.split('|');

const VALUES: Record<string, readonly string[]> = {
  bank: list(
    '中国工商银行|中国建设银行|中国农业银行|中国银行|交通银行|招商银行|邮储银行|浦发银行|中信银行|兴业银行|平安银行|光大银行|民生银行|广发银行|华夏银行|北京银行|上海银行|农商银行',
  ),
  bankShort: list('工行|建行|农行|中行|交行|招行|邮储|浦发|中信|兴业|平安|光大|民生|广发'),
  shop: list('淘宝|京东|拼多多|抖音商城|唯品会|天猫|快手小店|闲鱼|苏宁易购|得物'),
  courier: list('顺丰|中通|圆通|韵达|申通|京东物流|极兔|邮政EMS|德邦|菜鸟驿站'),
  carrier: list('中国移动|中国联通|中国电信|中国广电'),
  payApp: list('支付宝|微信支付|云闪付|京东金融|美团'),
  loanApp: list('借呗|微粒贷|京东金条|美团借钱|360借条|度小满|招联金融|安逸花|分期乐|花呗'),
  game: list(
    '王者荣耀|和平精英|原神|梦幻西游|英雄联盟|蛋仔派对|第五人格|逆水寒|穿越火线|我的世界|阴阳师|天涯明月刀',
  ),
  platform: list('鑫汇|恒信|聚财|金鼎|华盈|盛达|汇通|嘉禾|融信|博远|天弘汇|国信达'),
  city: list('北京|上海|广州|深圳|杭州|成都|武汉|南京|西安|重庆|长沙|郑州|苏州|天津|青岛|昆明'),
  airline: list('南方航空|东方航空|中国国航|海南航空|厦门航空|四川航空|深圳航空|春秋航空|吉祥航空'),
  show: list(
    '《奔跑吧》|《中国好声音》|《王牌对王牌》|《极限挑战》|《开门大吉》|《幸运星》|《快乐大本营》|《星光大道》|《非诚勿扰》|《向往的生活》',
  ),
  child: list('儿子|女儿|孙子|孙女|外孙|外孙女'),
  kin: list('儿子|女儿|侄子|外甥|孙子|老公|弟弟|表弟'),
  leader: list('王总|李总|张局|刘主任|陈书记|赵校长|周处长|吴经理|孙董|郑科长|黄主任|林总'),
  surname: list('张|王|李|赵|刘|陈|杨|黄|周|吴|徐|孙|马|朱|胡|郭|何|林|高|罗'),
  given: list('伟|芳|娜|敏|静|磊|军|洋|勇|艳|杰|娟|涛|明|超|秀英|建华|志强|海燕|晓东'),
  honor: list('先生|女士'),
  product: list(
    '扫地机器人|空气炸锅|蓝牙耳机|羽绒服|茅台酒|手机|平板电脑|电动牙刷|奶粉|护肤套装|运动鞋|微波炉|净水器|电饭煲',
  ),
  gift: list('空气炸锅|电饭煲|行李箱|蓝牙音箱|保温杯|豆浆机|加湿器|台灯|现金红包|话费'),
  item: list('皮肤|账号|装备|金币|点券|角色|坐骑|钻石|道具|礼包'),
  concert: list('周杰伦|五月天|林俊杰|张学友|薛之谦|邓紫棋|陈奕迅|刀郎|李健|华晨宇'),
  subsidy: list('育儿补贴|失业补助金|个税退税|医保补贴|住房补贴|高温补贴|职业技能补贴|新冠疫苗补偿|社保补贴'),
  agency: list('公安局|检察院|人民法院|公安分局|刑侦大队|经侦支队|反诈中心'),
  org: list('医保局|社保中心|税务局|市场监管局|通信管理局|卫健委|疾控中心'),
  coin: list('USDT|比特币|以太坊|数字货币|虚拟币|外汇|黄金期货|原油期货'),
  teacherRole: list('班主任|数学老师|语文老师|英语老师|辅导员|教导主任'),
  hospital: list('人民医院|中心医院|第一医院|中医院|妇幼保健院'),
  store: list('星巴克|肯德基|麦当劳|海底捞|名创优品|屈臣氏|优衣库|周大福|永辉超市|盒马|瑞幸咖啡|华为商城'),
  hotel: list('如家酒店|汉庭酒店|全季酒店|锦江之星|亚朵酒店|维也纳酒店|希尔顿欢朋|桔子酒店'),
  restaurant: list('海底捞|西贝莜面村|外婆家|绿茶餐厅|小龙坎|太二酸菜鱼|眉州东坡|全聚德'),
  utility: list('燃气公司|自来水公司|供电公司|物业服务中心|热力公司'),
  insurer: list('中国人寿|平安保险|太平洋保险|人保财险|泰康人寿|新华保险'),
  appName: list('腾讯会议|钉钉|飞书|ZOOM|瞩目|向日葵|全时云会议|小鱼易连'),
  chatApp: list('QQ|微信|钉钉|Skype|Telegram|蝙蝠|Line'),
  weekday: list('周一|周二|周三|周四|周五|周六|周日'),
};

function digits(rng: Random, n: number): string {
  let s = String(1 + rng.int(9));
  while (s.length < n) s += String(rng.int(10));
  return s;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
function word(rng: Random, min: number, max: number): string {
  const n = min + rng.int(max - min + 1);
  let s = '';
  for (let i = 0; i < n; i++) s += LETTERS[rng.int(LETTERS.length)];
  return s;
}

const TLDS = ['cn', 'com', 'top', 'vip', 'cc', 'xyz', 'net', 'icu', 'club', 'shop'];
const SHORT = ['t.cn', 'dwz.cn', 'url.cn', 'suo.im', 'c.tb.cn', 'u.jd.com', 'v.douyin.com'];

/** Computed slots: a fresh value on every use. */
const COMPUTED: Record<string, (rng: Random) => string> = {
  link: (rng) => {
    const r = rng.int(3);
    if (r === 0) return `http://${word(rng, 4, 9)}.${rng.pick(TLDS)}/${word(rng, 2, 6)}`;
    if (r === 1) return `${rng.pick(SHORT)}/${word(rng, 4, 7)}`;
    return `https://${word(rng, 2, 4)}-${word(rng, 3, 6)}.${rng.pick(TLDS)}`;
  },
  amt: (rng) =>
    rng.pick([
      '300',
      '500',
      '800',
      '1000',
      '1500',
      '2000',
      '3000',
      '5000',
      '8000',
      '10000',
      '20000',
      '50000',
    ]),
  bigAmt: (rng) =>
    rng.pick(['5万', '8万', '10万', '20万', '30万', '50万', '100万', '18000', '68000', '120000']),
  small: (rng) => rng.pick(['10', '20', '30', '50', '88', '99', '128', '168', '199', '299']),
  pts: (rng) => digits(rng, 4 + rng.int(2)),
  tail: (rng) => digits(rng, 4),
  code: (rng) => digits(rng, 6),
  phone: (rng) => `1${rng.pick(['3', '5', '7', '8', '9'])}${digits(rng, 9)}`,
  hotline: (rng) =>
    rng.pick([
      `400-${digits(rng, 3)}-${digits(rng, 4)}`,
      `0${digits(rng, 2)}-${digits(rng, 8)}`,
      `95${digits(rng, 3)}`,
    ]),
  order: (rng) => digits(rng, 12),
  plate: (rng) =>
    `${rng.pick(['京', '沪', '粤', '浙', '苏', '川', '鄂'])}${rng.pick(['A', 'B', 'C', 'D'])}${digits(rng, 5)}`,
  date: (rng) =>
    rng.pick(['明日', '今天24点前', `${1 + rng.int(12)}月${1 + rng.int(28)}日`, '本月底', '三日内', '今晚']),
  time: (rng) => `${8 + rng.int(12)}:${rng.pick(['00', '15', '30', '45'])}`,
  num: (rng) => String(2 + rng.int(9)),
  pct: (rng) => rng.pick(['5%', '8%', '10%', '15%', '20%', '30%']),
  name: (rng) => `${rng.pick(VALUES.surname as string[])}${rng.pick(VALUES.honor as string[])}`,
  fullName: (rng) => `${rng.pick(VALUES.surname as string[])}${rng.pick(VALUES.given as string[])}`,
  badge: (rng) => digits(rng, 6),
  qq: (rng) => digits(rng, 9),
  flight: (rng) => `${rng.pick(['CZ', 'MU', 'CA', 'HU', 'MF', '3U', 'ZH', '9C'])}${digits(rng, 4)}`,
  room: (rng) => `${1 + rng.int(20)}0${1 + rng.int(9)}`,
};

/** Fills every `{slot}` of a template. Unknown slots are a bug in the corpus: they throw. */
export function fill(template: string, rng: Random): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const computed = COMPUTED[name];
    if (computed !== undefined) return computed(rng);
    const values = VALUES[name];
    if (values === undefined) throw new Error(`corpus: unknown slot {${name}} in "${template}"`);
    return rng.pick(values);
  });
}

/** Slot names, for the corpus test. */
export const SLOT_NAMES: ReadonlySet<string> = new Set([...Object.keys(VALUES), ...Object.keys(COMPUTED)]);
