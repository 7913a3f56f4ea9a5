/**
 * Expands the project-written scripts and ordinary texts into the training corpus, deterministically
 * (a seeded generator): every SMS template is filled a few times with different slot values, and
 * calls are put together from the parts of one script (opening, story, asks, pressure) in speaking
 * order, some short, some long, some with the punctuation a speech-to-text system may leave out.
 *
 * Fragments are split into {@link FOLDS} folds by their position (i mod FOLDS) and a text uses the
 * fragments of one fold only, so cross-validation (for calibration) never scores a text with a model
 * that saw its sentences.
 */
import { readFileSync } from 'node:fs';
import {
  FAKE_CUSTOMER_SERVICE,
  FAKE_INVESTMENT,
  FAKE_KIDNAPPING,
  PHISHING_LINK,
  PIG_BUTCHERING,
  PRIZE_LOTTERY,
  TASK_SCAM,
} from './fraud-scripts-a.ts';
import {
  CREDIT_REPAIR,
  FAKE_REFUND,
  FAKE_SHOPPING,
  GAME_TRADING,
  IMPERSONATION_ACQUAINTANCE,
  IMPERSONATION_AUTHORITY,
  LOAN_SCAM,
} from './fraud-scripts-b.ts';
import { SCRIPTS_C } from './fraud-scripts-c.ts';
import { FAMILY_D, FRIEND_D, LEADER_D } from './fraud-scripts-d.ts';
import { SCRIPTS_E } from './fraud-scripts-e.ts';
import { BANK_NOTICE, BOOKING, CUSTOMER_SERVICE, PARCEL, PAYMENT_NOTICE } from './normal-texts-a.ts';
import {
  EVERYDAY,
  FAMILY_CHAT,
  FINANCE_GENUINE,
  GAME_GENUINE,
  GOV_NOTICE,
  MARKETING,
  POLICE_REMINDER,
  SCHOOL_NOTICE,
  WORK_MESSAGE,
} from './normal-texts-b.ts';
import {
  AFTER_SALES,
  APP_NOTICES,
  LICENSED_CREDIT,
  MONEY_CALLS,
  OFFICIAL_CALLS,
  POLICE_WARNING_CALLS,
  PROMOTIONS,
} from './normal-texts-c.ts';
import { GENUINE_NOTICES, GENUINE_SERVICE_CALLS, GOV_SERVICE, MONEY_CHAT } from './normal-texts-d.ts';
import { BANK_CARD_E, CODES_AND_BILLS_E, FAMILY_WORK_E, MARKETING_E } from './normal-texts-e.ts';
import {
  DRAWS_F,
  FINANCE_ADS_F,
  GREETINGS_F,
  HOUSEHOLD_MONEY_F,
  JOBS_F,
  SERVICE_COMPLAINT_CALLS_F,
  SERVICE_NOTICES_F,
  SHOP_PROMO_F,
} from './normal-texts-f.ts';
import { CONGRATS_G, LICENSED_CREDIT_G, LINK_NOTICES_G } from './normal-texts-g.ts';
import { Random } from './random.ts';
import { fill } from './slots.ts';
import type { CallParts, Channel, CorpusText, NormalSource, ScriptSource } from './types.ts';

export const FOLDS = 4;
const SEED = 20_261_127;

export const SCRIPTS: readonly ScriptSource[] = [
  PHISHING_LINK,
  PRIZE_LOTTERY,
  FAKE_KIDNAPPING,
  FAKE_INVESTMENT,
  PIG_BUTCHERING,
  TASK_SCAM,
  FAKE_CUSTOMER_SERVICE,
  LOAN_SCAM,
  CREDIT_REPAIR,
  IMPERSONATION_AUTHORITY,
  IMPERSONATION_ACQUAINTANCE,
  FAKE_SHOPPING,
  GAME_TRADING,
  FAKE_REFUND,
  ...SCRIPTS_C,
  LEADER_D,
  FAMILY_D,
  FRIEND_D,
  ...SCRIPTS_E,
];

export const NORMALS: readonly NormalSource[] = [
  BANK_NOTICE,
  PAYMENT_NOTICE,
  PARCEL,
  CUSTOMER_SERVICE,
  BOOKING,
  POLICE_REMINDER,
  GOV_NOTICE,
  FINANCE_GENUINE,
  SCHOOL_NOTICE,
  FAMILY_CHAT,
  WORK_MESSAGE,
  GAME_GENUINE,
  MARKETING,
  EVERYDAY,
  PROMOTIONS,
  APP_NOTICES,
  LICENSED_CREDIT,
  MONEY_CALLS,
  AFTER_SALES,
  POLICE_WARNING_CALLS,
  OFFICIAL_CALLS,
  GENUINE_SERVICE_CALLS,
  GENUINE_NOTICES,
  GOV_SERVICE,
  MONEY_CHAT,
  BANK_CARD_E,
  CODES_AND_BILLS_E,
  MARKETING_E,
  FAMILY_WORK_E,
  FINANCE_ADS_F,
  JOBS_F,
  SHOP_PROMO_F,
  DRAWS_F,
  GREETINGS_F,
  SERVICE_NOTICES_F,
  HOUSEHOLD_MONEY_F,
  SERVICE_COMPLAINT_CALLS_F,
  LINK_NOTICES_G,
  LICENSED_CREDIT_G,
  CONGRATS_G,
];

export interface ComposeOptions {
  /**
   * Fillings of each fraud SMS template.
   * @defaultValue 2
   */
  readonly smsFills?: number;
  /**
   * Fillings of each ordinary SMS template.
   * @defaultValue 3
   */
  readonly normalFills?: number;
  /**
   * Calls per script (or ordinary call kind) per fold.
   * @defaultValue 8
   */
  readonly callsPerFold?: number;
}

const inFold = <T>(xs: readonly T[], f: number): T[] => xs.filter((_, i) => i % FOLDS === f);

/** Drops the punctuation of a transcript, as some speech-to-text output has none. */
function unpunctuated(text: string, rng: Random): string {
  return text.replace(/[，。！？、；：]/g, () => (rng.int(3) === 0 ? ' ' : ''));
}

/** Whether fold `f` has the lines a call needs (short sources have fewer lines than folds). */
function callableIn(parts: CallParts, f: number): boolean {
  return inFold(parts.open, f).length > 0 && inFold(parts.story, f).length + inFold(parts.ask, f).length > 0;
}

function composeCall(parts: CallParts, f: number, rng: Random): string {
  const open = inFold(parts.open, f);
  const story = inFold(parts.story, f);
  const ask = inFold(parts.ask, f);
  const press = inFold(parts.press, f);
  const short = rng.int(4) === 0;
  const lines = [
    rng.pick(open),
    ...rng.sample(story, short ? 1 : 2 + rng.int(story.length - 1)),
    ...rng.sample(ask, short ? 1 : 1 + rng.int(ask.length)),
    ...rng.sample(press, short ? 0 : 1 + rng.int(press.length)),
  ];
  const text = fill(lines.join(''), rng);
  return rng.int(4) === 0 ? unpunctuated(text, rng) : text;
}

/** The training corpus: every script and ordinary source, expanded (see the file comment). */
export function composeCorpus(options: ComposeOptions = {}): CorpusText[] {
  const smsFills = options.smsFills ?? 2;
  const normalFills = options.normalFills ?? 3;
  const callsPerFold = options.callsPerFold ?? 8;
  const rng = new Random(SEED);
  const out: CorpusText[] = [];
  const push = (text: string, base: Omit<CorpusText, 'text' | 'channel'>, channel: Channel) =>
    out.push({ ...base, text, channel });
  for (const s of SCRIPTS) {
    s.sms.forEach((template, i) => {
      for (let k = 0; k < smsFills; k++) {
        push(fill(template, rng), { label: 'fraud', type: s.type, fold: i % FOLDS }, 'sms');
      }
    });
    for (let f = 0; f < FOLDS; f++) {
      if (!callableIn(s.call, f)) continue;
      for (let k = 0; k < callsPerFold; k++) {
        push(composeCall(s.call, f, rng), { label: 'fraud', type: s.type, fold: f }, 'call');
      }
    }
  }
  for (const n of NORMALS) {
    const base = { label: 'normal' as const, group: n.group, hard: n.hard };
    n.sms.forEach((template, i) => {
      for (let k = 0; k < normalFills; k++) push(fill(template, rng), { ...base, fold: i % FOLDS }, 'sms');
    });
    const call = n.call;
    if (call === undefined) continue;
    for (let f = 0; f < FOLDS; f++) {
      if (!callableIn(call, f)) continue;
      for (let k = 0; k < callsPerFold; k++) push(composeCall(call, f, rng), { ...base, fold: f }, 'call');
    }
  }
  return out;
}

/** The lines of one of the corpus's NDJSON files. */
function readCorpusFile(name: string): CorpusText[] {
  const text = readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => ({ ...(JSON.parse(l) as Omit<CorpusText, 'fold'>), fold: -1 }));
}

/**
 * The project's development texts, never trained on: corpus/eval.ndjson (164 texts written separately
 * from the training scripts, used while building the first pack), corpus/dev.ndjson (61 texts
 * written for the second pass: the scam kinds of issue 14 and hard negatives such as genuine
 * customer-service calls, bank and points notices, verification codes and family money chat) and
 * corpus/dev3.ndjson (53 texts written for the third pass, separately from fraud-scripts-d and
 * normal-texts-e: 冒充熟人/领导 SMS and calls, and bank, code, delivery, utility, marketing, family
 * and work hard negatives) and corpus/dev4.ndjson (76 texts written during the fourth pass, after
 * its pack and corpus changes were made and never used to set them: 36 scams of 14 types, SMS and
 * calls, and 40 hard negatives) and corpus/dev6.ndjson (30 texts written during the sixth pass, before its
 * corpus change was measured on them: fake loans, fake customer service and credit repair, SMS and
 * calls, and 11 hard negatives such as lenders' own notices, genuine renewals, parcel claims and
 * refunds, and a police reminder on these scripts) and corpus/dev7.ndjson (207 texts written on
 * 2026-12-05 by a writer who had not read the pack, the model or its corpus, from public police
 * descriptions: 116 scams of 14 types, SMS and calls, weighted to bank-points and other phishing
 * links, lottery, kidnapping, investment and customer-service calls, and 91 hard negatives; scored
 * once blind before the eighth pass, then used to develop it) and corpus/dev8.ndjson (248 texts
 * written on 2026-12-05 the same blind way for the ninth pass: 156 scams of 14 types, weighted to
 * lottery, kidnapping and investment calls and phishing SMS, in spoken and filter-dodging styles, and
 * 92 hard negatives; scored once blind, then used to develop the ninth pass) and corpus/dev9.ndjson
 * (208 texts written the same blind way during the ninth pass, scored only when the pass was done:
 * 126 scams, 82 hard negatives in the scams' own vocabulary without their act) and corpus/dev10.ndjson
 * (220 texts written the same blind way on 2026-12-05 for the tenth pass: 120 scams of 14 types, 100
 * hard negatives; scored once blind, then used to develop the tenth pass) and corpus/dev11.ndjson (200
 * texts written the same blind way during the tenth pass, in speech-to-text style with dialect
 * colouring: 100 scams weighted to investment, lottery, kidnapping, acquaintance, customer-service
 * and task calls, 100 hard negatives; scored once blind, then used to develop the tenth pass) and
 * corpus/dev12.ndjson (160 texts written the same blind way at the end of the tenth pass, on the line
 * between relatives' and acquaintances' calls and the scams that imitate them, and between genuine
 * and fake customer service: 70 scams, 90 hard negatives; scored once blind). The pack's weights are set on these
 * and on the licensed data's tuning rows, never on its held-out rows.
 */
export function projectEvalTexts(): CorpusText[] {
  return [
    ...readCorpusFile('eval.ndjson'),
    ...readCorpusFile('dev.ndjson'),
    ...readCorpusFile('dev3.ndjson'),
    ...readCorpusFile('dev4.ndjson'),
    ...readCorpusFile('dev6.ndjson'),
    ...readCorpusFile('dev7.ndjson'),
    ...readCorpusFile('dev8.ndjson'),
    ...readCorpusFile('dev9.ndjson'),
    ...readCorpusFile('dev10.ndjson'),
    ...readCorpusFile('dev11.ndjson'),
    ...readCorpusFile('dev12.ndjson'),
  ];
}
