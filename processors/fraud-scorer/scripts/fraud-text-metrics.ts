/** Precision and recall of the rule pack on labelled texts: fraud vs normal overall, and per type. */
import type { FraudType } from '@fenghuo/contracts';
import { type CompiledRuleSet, classifyText, type TextVerdict } from '@fenghuo/engine';
import type { LabelledText } from './fraud-text-data.ts';

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  n: number;
}
export interface Metrics {
  readonly overall: Counts & { precision: number; recall: number };
  /** Per fraud type: detection (flagged as any fraud) and typed (flagged with this type). */
  readonly perType: Record<
    string,
    {
      n: number;
      detectionRecall: number;
      /** Precision of "fraud" on this type's rows plus all normal rows. */
      detectionPrecision: number;
      typedPrecision: number;
      typedRecall: number;
    }
  >;
  readonly verdicts: readonly { row: LabelledText; verdict: TextVerdict }[];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function evaluateTexts(c: CompiledRuleSet, rows: readonly LabelledText[]): Metrics {
  const verdicts = rows.map((row) => ({ row, verdict: classifyText(c, row.text) }));
  const overall: Counts = { tp: 0, fp: 0, fn: 0, n: rows.length };
  for (const { row, verdict } of verdicts) {
    const isFraud = row.label !== 'normal';
    if (verdict.fraud && isFraud) overall.tp++;
    else if (verdict.fraud && !isFraud) overall.fp++;
    else if (!verdict.fraud && isFraud) overall.fn++;
  }
  const normalFlagged = verdicts.filter((v) => v.row.label === 'normal' && v.verdict.fraud).length;
  const types = [...new Set(rows.map((r) => r.label))].filter((l): l is FraudType => l !== 'normal');
  const perType: Metrics['perType'] = {};
  for (const t of types) {
    const mine = verdicts.filter((v) => v.row.label === t);
    const detected = mine.filter((v) => v.verdict.fraud).length;
    const typedTp = mine.filter((v) => v.verdict.fraud && v.verdict.fraudType === t).length;
    const predictedT = verdicts.filter((v) => v.verdict.fraud && v.verdict.fraudType === t).length;
    perType[t] = {
      n: mine.length,
      detectionRecall: ratio(detected, mine.length),
      detectionPrecision: ratio(detected, detected + normalFlagged),
      typedPrecision: ratio(typedTp, predictedT),
      typedRecall: ratio(typedTp, mine.length),
    };
  }
  return {
    overall: {
      ...overall,
      precision: ratio(overall.tp, overall.tp + overall.fp),
      recall: ratio(overall.tp, overall.tp + overall.fn),
    },
    perType,
    verdicts,
  };
}

export function printMetrics(m: Metrics, log: (line: string) => void = console.log): void {
  const f = (x: number) => x.toFixed(3);
  log(
    `overall (fraud vs normal): n=${m.overall.n} tp=${m.overall.tp} fp=${m.overall.fp} fn=${m.overall.fn} precision=${f(m.overall.precision)} recall=${f(m.overall.recall)}`,
  );
  log('type                        n    det.P  det.R  typed.P typed.R');
  for (const [t, x] of Object.entries(m.perType)) {
    log(
      `${t.padEnd(27)} ${String(x.n).padStart(4)}  ${f(x.detectionPrecision)}  ${f(x.detectionRecall)}  ${f(x.typedPrecision)}   ${f(x.typedRecall)}`,
    );
  }
}
