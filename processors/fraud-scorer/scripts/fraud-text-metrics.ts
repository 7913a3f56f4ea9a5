/**
 * Precision and recall of a classifier on labelled texts: fraud vs normal overall, per fraud type,
 * and the share of normal texts (and of hard negatives) it flags. The classifiers are the rule pack
 * (with or without its text-model rules) and the text model alone.
 */
import type { FraudType } from '@fenghuo/contracts';
import {
  type CompiledRuleSet,
  classifyText,
  type TextChannel,
  type TextModel,
  type TextVerdict,
} from '@fenghuo/engine';

/** A labelled text to score. */
export interface EvalText {
  /** `normal`, or the fraud type of a fraud text (`other` when the file gives none). */
  readonly label: FraudType | 'normal';
  readonly text: string;
  /** A hard negative: an ordinary text that looks like fraud. */
  readonly hard?: boolean;
  /** The channel the text comes from, when the file says. */
  readonly channel?: 'sms' | 'call';
}

export type Classifier = (text: string, channel: TextChannel) => Pick<TextVerdict, 'fraud' | 'fraudType'>;

/** The rule set's verdict (fraud when an alert would be raised). */
export function ruleClassifier(c: CompiledRuleSet): Classifier {
  return (text, channel) => classifyText(c, text, channel);
}

/** The model alone: fraud when its calibrated probability reaches `threshold`. */
export function modelClassifier(model: TextModel, threshold: number): Classifier {
  return (text) => {
    const s = model.score(text);
    return { fraud: s.fraud >= threshold, fraudType: s.type };
  };
}

export interface TypeFigures {
  readonly n: number;
  readonly detectionRecall: number;
  /** Precision of "fraud" on this type's texts plus all normal texts. */
  readonly detectionPrecision: number;
  readonly typedPrecision: number;
  readonly typedRecall: number;
}

export interface Metrics {
  readonly n: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly normals: number;
  /** Flagged normal texts ÷ normal texts. */
  readonly normalFlagRate: number;
  readonly hardNegatives: number;
  /** Flagged hard negatives ÷ hard negatives (NaN without any). */
  readonly hardNegativeFlagRate: number;
  readonly perType: Readonly<Record<string, TypeFigures>>;
  /** Per labelled type (and `normal`): how many of its texts were flagged as each type. */
  readonly flaggedAs: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

const ratio = (a: number, b: number) => (b === 0 ? Number.NaN : a / b);

/** Scores every text on `channel` (or on its own channel when `channel` is `own`). */
export function evaluate(
  classify: Classifier,
  rows: readonly EvalText[],
  channel: TextChannel | 'own',
): Metrics {
  const verdicts = rows.map((row) => ({
    row,
    v: classify(row.text, channel === 'own' ? (row.channel ?? 'sms') : channel),
  }));
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let hard = 0;
  let hardFlagged = 0;
  for (const { row, v } of verdicts) {
    const isFraud = row.label !== 'normal';
    if (v.fraud && isFraud) tp++;
    else if (v.fraud && !isFraud) fp++;
    else if (!v.fraud && isFraud) fn++;
    if (!isFraud && row.hard === true) {
      hard++;
      if (v.fraud) hardFlagged++;
    }
  }
  const normals = verdicts.filter((x) => x.row.label === 'normal').length;
  const flaggedAs: Record<string, Record<string, number>> = {};
  for (const { row, v } of verdicts) {
    if (!v.fraud) continue;
    const to = flaggedAs[row.label] ?? {};
    to[v.fraudType] = (to[v.fraudType] ?? 0) + 1;
    flaggedAs[row.label] = to;
  }
  const types = [...new Set(rows.map((r) => r.label))].filter((l): l is FraudType => l !== 'normal');
  const perType: Record<string, TypeFigures> = {};
  for (const t of types) {
    const mine = verdicts.filter((x) => x.row.label === t);
    const detected = mine.filter((x) => x.v.fraud).length;
    const typedTp = mine.filter((x) => x.v.fraud && x.v.fraudType === t).length;
    const predictedT = verdicts.filter((x) => x.v.fraud && x.v.fraudType === t).length;
    perType[t] = {
      n: mine.length,
      detectionRecall: ratio(detected, mine.length),
      detectionPrecision: ratio(detected, detected + fp),
      typedPrecision: ratio(typedTp, predictedT),
      typedRecall: ratio(typedTp, mine.length),
    };
  }
  return {
    n: rows.length,
    tp,
    fp,
    fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    normals,
    normalFlagRate: ratio(fp, normals),
    hardNegatives: hard,
    hardNegativeFlagRate: ratio(hardFlagged, hard),
    perType,
    flaggedAs,
  };
}

const f3 = (x: number) => (Number.isNaN(x) ? '  -  ' : x.toFixed(3));

/** One line: n, tp/fp/fn, precision, recall, normal and hard-negative flag rates. */
export function summaryLine(label: string, m: Metrics): string {
  return `${label.padEnd(26)} n=${String(m.n).padStart(5)} tp=${String(m.tp).padStart(5)} fp=${String(m.fp).padStart(4)} fn=${String(m.fn).padStart(4)}  P=${f3(m.precision)} R=${f3(m.recall)}  normal flagged ${f3(m.normalFlagRate)}${m.hardNegatives > 0 ? `  hard-negative flagged ${f3(m.hardNegativeFlagRate)} (of ${m.hardNegatives})` : ''}`;
}

/** The per-type table. */
export function printTypes(m: Metrics, log: (line: string) => void = console.log): void {
  log('  type                        n    det.P  det.R  typed.P typed.R');
  for (const [t, x] of Object.entries(m.perType)) {
    log(
      `  ${t.padEnd(27)} ${String(x.n).padStart(4)}  ${f3(x.detectionPrecision)}  ${f3(x.detectionRecall)}  ${f3(x.typedPrecision)}   ${f3(x.typedRecall)}`,
    );
  }
}

/**
 * Where each labelled type's flagged texts went: the type the alert named, most often first. The
 * off-diagonal counts are the typed-precision misses, e.g. which neighbouring script a label's
 * texts are taken for.
 */
export function printFlaggedAs(m: Metrics, log: (line: string) => void = console.log): void {
  log('  flagged as (label → alert type: count)');
  for (const [label, to] of Object.entries(m.flaggedAs)) {
    const parts = Object.entries(to)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([t, n]) => `${t === label ? '=' : ''}${t} ${n}`);
    log(`  ${label.padEnd(27)} ${parts.join(', ')}`);
  }
}

export function round3(x: number): number | null {
  return Number.isNaN(x) ? null : Math.round(x * 1000) / 1000;
}

/** The figures of the JSON line for one evaluation. */
export function jsonFigures(m: Metrics) {
  return {
    n: m.n,
    precision: round3(m.precision),
    recall: round3(m.recall),
    normalFlagRate: round3(m.normalFlagRate),
    ...(m.hardNegatives > 0 ? { hardNegativeFlagRate: round3(m.hardNegativeFlagRate) } : {}),
  };
}
