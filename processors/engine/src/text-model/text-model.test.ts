import { readFileSync } from 'node:fs';
import type { FraudRuleSet } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../compile.ts';
import { RuleCompileError } from '../errors.ts';
import { builtinRuleSet } from '../rule-pack/builtin-pack.ts';
import { scoreSubject } from '../score.ts';
import { withoutTextModels } from '../without-text-models.ts';
import { projectEvalTexts } from './corpus/compose.ts';
import { GramIndex, modelText, ngramsOf } from './features.ts';
import { serializeModel, sha256Hex } from './model-file.ts';
import { BUILTIN_MODEL_DIR, BUILTIN_TEXT_MODEL, modelFileName, TextModelRegistry } from './registry.ts';
import { TextModel } from './text-model.ts';
import { type TrainingText, trainTextModel } from './train.ts';

// Texts written for this test (not from any data set): a few of two fraud types and ordinary ones.
const TINY: TrainingText[] = [
  ...[
    '您的积分即将清零，请点击链接兑换现金',
    '积分到期作废，登录网址领取礼品',
    '信用卡积分兑换现金，点击链接办理',
  ].map((text, i) => ({ text, label: 'fraud' as const, type: 'phishing_link' as const, fold: i % 2 })),
  ...[
    '恭喜您中了一等奖，先交手续费才能领奖',
    '您被抽中幸运大奖，缴纳税费后发放奖金',
    '中奖通知：领奖前请先支付公证费',
  ].map((text, i) => ({ text, label: 'fraud' as const, type: 'prize_lottery' as const, fold: i % 2 })),
  ...[
    '您的快递已到驿站，请凭取件码取件',
    '明天上午十点开会，请准时参加',
    '您尾号1234的卡消费58元，余额3200元',
    '周末一起吃饭吗，老地方见',
    '您预订的酒店已确认，入住日期12月5日',
    '本月水费账单已出，可在营业厅缴纳',
  ].map((text, i) => ({ text, label: 'normal' as const, fold: i % 2 })),
];
const OPTIONS = { id: 'tiny', version: 1, description: 'test', minDf: 1, iterations: 40, folds: 2 };

function ruleSetWith(model: { id: string; version: number; sha256: string }, minScore = 0.5): FraudRuleSet {
  return {
    ...builtinRuleSet,
    ruleSetId: 'model-test',
    textModels: [model],
    rules: [
      {
        id: 'model-sms',
        name: 'model says fraud',
        fraudType: 'other',
        weight: 80,
        kind: 'match',
        when: { kind: 'sms', where: [{ op: 'textModel', field: 'text', model: model.id, minScore }] },
      },
    ],
  };
}

describe('text model', () => {
  it('trains deterministically: the same texts give the same file bytes', () => {
    const a = serializeModel(trainTextModel(TINY, OPTIONS));
    const b = serializeModel(trainTextModel(TINY, OPTIONS));
    expect(sha256Hex(a)).toBe(sha256Hex(b));
    const m = TextModel.fromText(a);
    expect(m.score('积分即将清零，点击链接兑换').type).toBe('phishing_link');
  });

  it('ships a built-in model file whose SHA-256 is the one the built-in pack names', () => {
    const bytes = readFileSync(
      `${BUILTIN_MODEL_DIR}${modelFileName(BUILTIN_TEXT_MODEL.id, BUILTIN_TEXT_MODEL.version)}`,
      'utf8',
    );
    expect(sha256Hex(bytes)).toBe(BUILTIN_TEXT_MODEL.sha256);
    expect(builtinRuleSet.textModels).toEqual([BUILTIN_TEXT_MODEL]);
  });

  it('puts its score and strongest n-grams in the evidence of a textModel condition', () => {
    const bytes = serializeModel(trainTextModel(TINY, OPTIONS));
    const model = TextModel.fromText(bytes);
    const ref = { id: 'tiny', version: 1, sha256: sha256Hex(bytes) };
    const c = compileRuleSet(ruleSetWith(ref, 0), { textModels: new TextModelRegistry().add(model) });
    const r = scoreSubject(c, 's', undefined, [
      {
        version: 1,
        eventId: 'e1',
        occurredAt: '2026-11-27T08:00:00.000Z',
        subjectId: 's',
        kind: 'sms',
        senderNumber: '10659000123',
        text: '恭喜您中了大奖，请先交手续费领奖',
      },
    ]);
    const ev = r.alerts[0]?.evidence[0];
    expect(ev?.values?.model).toBe('tiny');
    expect(typeof ev?.values?.modelScore).toBe('number');
    expect(String(ev?.values?.modelNgrams ?? '').length).toBeGreaterThan(0);
    expect(ev?.summary.en).toContain('text model: fraud probability');
  });

  it('holds a minTypeShare condition only when the model gives its type that share of the fraud probability', () => {
    const bytes = serializeModel(trainTextModel(TINY, OPTIONS));
    const model = TextModel.fromText(bytes);
    const ref = { id: 'tiny', version: 1, sha256: sha256Hex(bytes) };
    const text = '恭喜您中了大奖，请先交手续费领奖';
    const { type, typeShare } = model.score(text);
    expect(type).toBe('prize_lottery');
    const fires = (minTypeShare: number) => {
      const rs = ruleSetWith(ref, 0);
      const rule = rs.rules[0];
      if (rule?.kind !== 'match') throw new Error('match rule expected');
      const c = compileRuleSet(
        {
          ...rs,
          rules: [
            {
              ...rule,
              when: {
                kind: 'sms',
                where: [{ op: 'textModel', field: 'text', model: 'tiny', minScore: 0, minTypeShare }],
              },
            },
          ],
        },
        { textModels: new TextModelRegistry().add(model) },
      );
      const r = scoreSubject(c, 's', undefined, [
        {
          version: 1,
          eventId: 'e1',
          occurredAt: '2026-11-27T08:00:00.000Z',
          subjectId: 's',
          kind: 'sms',
          senderNumber: '10659000123',
          text,
        },
      ]);
      return r.alerts.length === 1;
    };
    expect(fires(typeShare)).toBe(true);
    expect(fires(Math.min(1, typeShare + 0.01))).toBe(false);
  });

  it('refuses to compile a rule set whose model file differs or is not listed', () => {
    const bytes = serializeModel(trainTextModel(TINY, OPTIONS));
    const registry = new TextModelRegistry().add(TextModel.fromText(bytes));
    const wrongHash = { id: 'tiny', version: 1, sha256: '0'.repeat(64) };
    expect(() => compileRuleSet(ruleSetWith(wrongHash), { textModels: registry })).toThrow(RuleCompileError);
    const missing = { id: 'absent', version: 1, sha256: '0'.repeat(64) };
    expect(() => compileRuleSet(ruleSetWith(missing), { textModels: registry })).toThrow(RuleCompileError);
    const unlisted: FraudRuleSet = { ...ruleSetWith({ id: 'tiny', version: 1, sha256: sha256Hex(bytes) }) };
    delete unlisted.textModels;
    expect(() => compileRuleSet(unlisted, { textModels: registry })).toThrow(
      /not in the rule set's textModels/,
    );
  });

  it('leaves no model condition in the rule set without text models', () => {
    const stripped = withoutTextModels(builtinRuleSet);
    expect(stripped.textModels).toBeUndefined();
    expect(JSON.stringify(stripped.rules)).not.toContain('"textModel"');
    expect(() => compileRuleSet(stripped)).not.toThrow();
  });

  it('finds by integer keys exactly the vocabulary n-grams the string n-grams of a text hold', () => {
    const vocabulary = [
      '积',
      '积分',
      '积分兑',
      '链接',
      '\u2197',
      '点\u2197',
      '0元',
      '😀',
      '😀红',
      '包',
      '清零',
      'a',
    ];
    const index = new GramIndex(vocabulary);
    for (const text of [
      '积分即将清零，点击 www.jf-dh.top 兑换288元红包😀红包，积分兑换积分兑换',
      '',
      '普通文本 no vocabulary here',
      '😀😀😀红红包包 A a',
    ]) {
      const form = modelText(text);
      const { found, chars } = index.collect(form);
      const got = Array.from(index.hits.slice(0, found), (r) => vocabulary[r]).sort();
      const want = [...ngramsOf(form)].filter((g) => vocabulary.includes(g)).sort();
      expect(got).toEqual(want);
      expect(chars).toBe(Array.from(form).length);
    }
  });

  it('names the strongest n-grams lazily, and they survive spreading and JSON', () => {
    const m = TextModel.fromText(serializeModel(trainTextModel(TINY, OPTIONS)));
    const s = m.score('您的积分即将清零，请点击链接兑换现金', { explain: true });
    expect(s.ngrams.length).toBeGreaterThan(0);
    expect({ ...s }.ngrams).toEqual(s.ngrams);
    expect(JSON.parse(JSON.stringify(s)).ngrams).toEqual(s.ngrams);
  });

  it('scores as the plain formula over the file does, for long transcripts too (packed sums flushed)', () => {
    const bytes = readFileSync(
      `${BUILTIN_MODEL_DIR}${modelFileName(BUILTIN_TEXT_MODEL.id, BUILTIN_TEXT_MODEL.version)}`,
      'utf8',
    );
    const model = TextModel.fromText(bytes);
    const file = model.file;
    const c = file.classes.length;
    const vocab = new Map(file.vocabulary.split('\n').map((g, i) => [g, i]));
    const q = new Int8Array(Buffer.from(file.weights, 'base64'));
    const base =
      '您好，我是市公安局的民警，你的银行卡涉嫌洗钱，请把钱转到安全账户。妈，我到家了，晚上吃饺子。您的快递已到驿站，取件码3-2-1108。';
    const long = projectEvalTexts()
      .slice(0, 40)
      .map((t) => t.text)
      .join('');
    expect(model.analyse(long).rows.length).toBeGreaterThan(1000);
    for (const text of [base, long, 'ok']) {
      const form = modelText(text);
      const z = Array.from({ length: c }, () => 0);
      for (const g of ngramsOf(form)) {
        const r = vocab.get(g);
        if (r === undefined) continue;
        for (let k = 0; k < c; k++)
          z[k] = (z[k] as number) + (q[r * c + k] as number) * (file.scales[k] as number);
      }
      const scale =
        1 / Math.sqrt([1, 2, 3].reduce((a, n) => a + Math.max(0, Array.from(form).length - n + 1), 0));
      const logits = z.map((v, k) => (file.bias[k] as number) + v * scale);
      const max = Math.max(...logits);
      const e = logits.map((v) => Math.exp(v - max));
      const pNormal = (e[0] as number) / e.reduce((a, b) => a + b, 0);
      const p = Math.min(1 - 1e-7, Math.max(1e-7, 1 - pNormal));
      const want = 1 / (1 + Math.exp(-(file.calibration.a * Math.log(p / (1 - p)) + file.calibration.b)));
      expect(model.score(text).fraud).toBeCloseTo(want, 9);
    }
  });
});
