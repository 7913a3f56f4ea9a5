/**
 * Loads the labelled fraud-text data (Telecom_Fraud_Texts_5, research use only, see
 * <repo>/../shared/data/SOURCES.txt) for the rule-pack evaluation. Never copied into the repo.
 *
 * The split is fixed: in each file, rows whose 0-based index mod 10 is 0–6 are for tuning, 7–9 are
 * held out. `loadFraudText('tune')` never returns a held-out row, and the tuning tool only asks for
 * 'tune'; only the evaluation asks for 'heldout'.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FraudType } from '@fenghuo/contracts';
import { parse } from 'csv-parse/sync';

export type Split = 'tune' | 'heldout';

export interface LabelledText {
  /** `normal` for label00, else the fraud type the data label maps to. */
  readonly label: FraudType | 'normal';
  readonly file: string;
  readonly index: number;
  readonly text: string;
}

/** Data file → label. label04's original is GB18030; its UTF-8 copy is used. */
export const FILES: readonly { file: string; label: FraudType | 'normal'; dataLabel: string }[] = [
  { file: 'tft5_label00-last.csv', label: 'normal', dataLabel: 'label00 (normal)' },
  {
    file: 'tft5_label01-last.csv',
    label: 'impersonation_authority',
    dataLabel: 'label01 冒充公检法及政府机关类',
  },
  { file: 'tft5_label02-last.csv', label: 'loan_scam', dataLabel: 'label02 贷款、代办信用卡类' },
  { file: 'tft5_label03-last.csv', label: 'fake_customer_service', dataLabel: 'label03 冒充客服服务' },
  {
    file: 'tft5_label04-last.utf8.csv',
    label: 'impersonation_acquaintance',
    dataLabel: 'label04 冒充领导、熟人类',
  },
];

const here = dirname(fileURLToPath(import.meta.url));
/** <repo>/../shared/data/fraud-text, overridable with FENGHUO_DATA_DIR (the folder holding fraud-text/). */
export function dataDir(): string {
  const root = process.env.FENGHUO_DATA_DIR ?? resolve(here, '../../../../shared/data');
  return resolve(root, 'fraud-text');
}

export function inSplit(index: number, split: Split): boolean {
  const r = index % 10;
  return split === 'tune' ? r <= 6 : r >= 7;
}

/** Rows of one split, or undefined (with the reason) when the data is absent. */
export function loadFraudText(split: Split): { rows: LabelledText[] } | { missing: string } {
  const dir = dataDir();
  const rows: LabelledText[] = [];
  for (const { file, label } of FILES) {
    const path = resolve(dir, file);
    if (!existsSync(path)) return { missing: `${path} not found` };
    const records: string[][] = parse(readFileSync(path, 'utf8'), {
      bom: true,
      from_line: 2, // header: content,label
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    });
    records.forEach((rec, index) => {
      if (!inSplit(index, split)) return;
      const text = rec[0]?.trim() ?? '';
      if (text.length > 0) rows.push({ label, file, index, text });
    });
  }
  return { rows };
}
