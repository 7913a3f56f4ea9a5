import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Classifier,
  type EvalText,
  evaluate,
  printFlaggedAs,
} from '../../processors/fraud-scorer/scripts/fraud-text-metrics.ts';

/** Flags a text when it names a type word, typed by that word. */
const byWord: Classifier = (text) => {
  if (text.includes('loan')) return { fraud: true, fraudType: 'loan_scam' };
  if (text.includes('service')) return { fraud: true, fraudType: 'fake_customer_service' };
  return { fraud: false, fraudType: 'other' };
};

describe('evaluate', () => {
  const rows: EvalText[] = [
    { label: 'loan_scam', text: 'loan' },
    { label: 'loan_scam', text: 'service about a loan' },
    { label: 'loan_scam', text: 'service' },
    { label: 'fake_customer_service', text: 'service' },
    { label: 'fake_customer_service', text: 'nothing' },
    { label: 'normal', text: 'a loan ad', hard: true },
    { label: 'normal', text: 'hello', hard: true },
  ];
  const m = evaluate(byWord, rows, 'sms');

  it('counts detection, typed precision and the flagged normals', () => {
    expect(m).toMatchObject({ n: 7, tp: 4, fp: 1, fn: 1, hardNegatives: 2, hardNegativeFlagRate: 0.5 });
    // Typed as a loan: two loan texts and the ad; as customer service: one of each label.
    expect(m.perType.loan_scam?.typedPrecision).toBeCloseTo(2 / 3);
    expect(m.perType.fake_customer_service?.typedPrecision).toBeCloseTo(1 / 2);
  });

  it('says where each label’s flagged texts went', () => {
    expect(m.flaggedAs).toEqual({
      loan_scam: { loan_scam: 2, fake_customer_service: 1 },
      fake_customer_service: { fake_customer_service: 1 },
      normal: { loan_scam: 1 },
    });
    const lines: string[] = [];
    printFlaggedAs(m, (l) => lines.push(l));
    expect(lines).toContain(`  ${'loan_scam'.padEnd(27)} =loan_scam 2, fake_customer_service 1`);
    expect(lines).toContain(`  ${'normal'.padEnd(27)} loan_scam 1`);
  });
});

describe('npm run eval:fraud-text -- --file', () => {
  it('scores a file of its own with the built-in pack and ends with one JSON line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-fraud-text-'));
    const file = join(dir, 'mine.ndjson');
    const lines = [
      {
        text: '【公安局】您好，我是市公安局刑警，你的银行卡涉嫌洗钱犯罪，案件保密不要告诉家人，马上把资金转到我们的安全账户配合调查，否则立即逮捕。',
        label: 'fraud',
        type: 'impersonation_authority',
      },
      { text: '妈，我晚上不回家吃饭了，在同学家写作业，九点前回来。', label: 'normal', hard: true },
      { text: '测试一行不认识的类型', label: 'fraud', type: 'dragons' },
    ];
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'processors/fraud-scorer/scripts/eval-fraud-text.ts', '--file', file, '--errors'],
      { encoding: 'utf8', env: { ...process.env, FENGHUO_DATA_DIR: dir } },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${file}:3: type "dragons" is not a FraudType; counted as other`);
    expect(run.stdout).toContain('flagged as (label → alert type: count)');
    expect(run.stdout).toContain(`${file}:3 sms other: missed`);
    const json = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(json).toMatchObject({
      eval: 'fraud-text',
      file,
      n: 3,
      normalFlagRate: 0,
      hardNegativeFlagRate: 0,
    });
    expect(json.perType.impersonation_authority).toMatchObject({ n: 1, recall: 1, typedPrecision: 1 });
  }, 60_000);

  it('refuses --errors without a file', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'processors/fraud-scorer/scripts/eval-fraud-text.ts', '--errors'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--errors lists the texts the pack gets wrong and works only with --file');
  }, 60_000);
});
