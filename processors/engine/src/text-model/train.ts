/**
 * Trains a text model from labelled texts, deterministically: the same texts and settings give the
 * same file, byte for byte (fixed orders everywhere, no randomness, plain float arithmetic).
 *
 * - Features: distinct character n-grams (features.ts) seen in at least `minDf` texts.
 * - Model: multinomial logistic regression, class 0 `normal`, one class per fraud type present;
 *   full-batch Adam on the weighted cross-entropy with an L2 penalty. Texts are weighted so that
 *   normal and fraud weigh the same in total, and every fraud type the same within fraud.
 * - Size: trained once on every n-gram, then the `maxFeatures` n-grams with the largest weights are
 *   kept and the model is trained again on those alone; weights are stored as int8 per class.
 * - Calibration: k-fold cross-validation (folds given by the texts, or by index) yields an
 *   out-of-fold P(fraud) for every text; Platt scaling fitted on those (same weights: a balanced
 *   prior) maps the final model's P(fraud) to a calibrated probability.
 */
import { FRAUD_TYPES, type FraudType } from '@fenghuo/contracts';
import { TextModelError } from '../errors.ts';
import { MAX_NGRAM, modelText, ngramScale, ngramsOf } from './features.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, sha256Hex, type TextModelFile } from './model-file.ts';

export interface TrainingText {
  readonly text: string;
  readonly label: 'fraud' | 'normal';
  /** Required for fraud texts. */
  readonly type?: FraudType;
  /** `sms` or `call`, for the summary only. */
  readonly channel?: string;
  /** Cross-validation fold (texts written from the same fragments share one). */
  readonly fold?: number;
}

export interface TrainOptions {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  /**
   * Least number of texts an n-gram must occur in to be a feature.
   * @defaultValue 2
   */
  readonly minDf?: number;
  /**
   * N-grams kept in the file.
   * @defaultValue 24000
   */
  readonly maxFeatures?: number;
  /**
   * L2 penalty on the weights.
   * @defaultValue 0.0001
   */
  readonly l2?: number;
  /**
   * Full-batch Adam steps per training.
   * @defaultValue 200
   */
  readonly iterations?: number;
  /**
   * Adam step size.
   * @defaultValue 0.05
   */
  readonly learningRate?: number;
  /**
   * Cross-validation folds, when the texts carry none.
   * @defaultValue 4
   */
  readonly folds?: number;
  /** Called with progress lines. */
  readonly log?: (line: string) => void;
  /**
   * Also log the training loss every 50 steps.
   * @defaultValue false
   */
  readonly trace?: boolean;
}

interface Doc {
  readonly rows: Int32Array;
  readonly v: number;
  readonly y: number;
  readonly w: number;
  readonly fraud: boolean;
}

interface Fitted {
  readonly rows: Int32Array;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

const round = (x: number, digits = 8) => Number(x.toPrecision(digits));

function softmaxInto(z: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of z) if (x > max) max = x;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp((z[k] as number) - max);
    sum += z[k] as number;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] as number) / sum;
}

/** Full-batch Adam on weighted cross-entropy + L2; features are rows 0..nRows-1. */
function fit(docs: readonly Doc[], nRows: number, c: number, o: Settings): Fitted {
  const nW = nRows * c;
  const W = new Float64Array(nW);
  const b = new Float64Array(c);
  const gW = new Float64Array(nW);
  const gb = new Float64Array(c);
  const mW = new Float64Array(nW);
  const vW = new Float64Array(nW);
  const mb = new Float64Array(c);
  const vb = new Float64Array(c);
  const z = new Float64Array(c);
  let totalW = 0;
  for (const d of docs) totalW += d.w;
  const b1 = 0.9;
  const b2 = 0.999;
  for (let it = 1; it <= o.iterations; it++) {
    gW.fill(0);
    gb.fill(0);
    let loss = 0;
    for (let di = 0; di < docs.length; di++) {
      const d = docs[di] as Doc;
      const rows = d.rows;
      const n = rows.length;
      z.fill(0);
      for (let i = 0; i < n; i++) {
        const base = (rows[i] as number) * c;
        for (let k = 0; k < c; k++) z[k] = (z[k] as number) + (W[base + k] as number);
      }
      for (let k = 0; k < c; k++) z[k] = (b[k] as number) + (z[k] as number) * d.v;
      softmaxInto(z);
      const f = d.w / totalW;
      loss -= f * Math.log(Math.max(1e-12, z[d.y] as number));
      for (let k = 0; k < c; k++) {
        const g = ((z[k] as number) - (k === d.y ? 1 : 0)) * f;
        gb[k] = (gb[k] as number) + g;
        z[k] = g * d.v;
      }
      for (let i = 0; i < n; i++) {
        const base = (rows[i] as number) * c;
        for (let k = 0; k < c; k++) gW[base + k] = (gW[base + k] as number) + (z[k] as number);
      }
    }
    if (o.trace !== undefined && (it % 50 === 0 || it === 1))
      o.trace(`  iteration ${it}: loss ${loss.toFixed(5)}`);
    const lr = (o.learningRate * Math.sqrt(1 - b2 ** it)) / (1 - b1 ** it);
    for (let i = 0; i < nW; i++) {
      const g = (gW[i] as number) + o.l2 * (W[i] as number);
      const m = b1 * (mW[i] as number) + (1 - b1) * g;
      const v = b2 * (vW[i] as number) + (1 - b2) * g * g;
      mW[i] = m;
      vW[i] = v;
      W[i] = (W[i] as number) - (lr * m) / (Math.sqrt(v) + 1e-8);
    }
    for (let k = 0; k < c; k++) {
      const g = gb[k] as number;
      const m = b1 * (mb[k] as number) + (1 - b1) * g;
      const v = b2 * (vb[k] as number) + (1 - b2) * g * g;
      mb[k] = m;
      vb[k] = v;
      b[k] = (b[k] as number) - (lr * m) / (Math.sqrt(v) + 1e-8);
    }
  }
  return { rows: Int32Array.from({ length: nRows }, (_, i) => i), weights: W, bias: b };
}

type TrainSettings = Pick<TrainOptions, 'l2' | 'iterations' | 'learningRate' | 'maxFeatures'> & {
  readonly trace?: ((line: string) => void) | undefined;
};

type Settings = Required<Omit<TrainSettings, 'trace'>> & Pick<TrainSettings, 'trace'>;

/** Trains on every feature, keeps the `maxFeatures` strongest, trains again on those. */
function fitPruned(docs: readonly Doc[], nRows: number, c: number, o: Settings): Fitted {
  const first = fit(docs, nRows, c, o);
  if (nRows <= o.maxFeatures) return first;
  const importance = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    let m = 0;
    for (let k = 0; k < c; k++) m = Math.max(m, Math.abs(first.weights[r * c + k] as number));
    importance[r] = m;
  }
  const order = Array.from({ length: nRows }, (_, i) => i).sort(
    (x, y) => (importance[y] as number) - (importance[x] as number) || x - y,
  );
  const kept = order.slice(0, o.maxFeatures).sort((x, y) => x - y);
  const remap = new Int32Array(nRows).fill(-1);
  kept.forEach((r, i) => {
    remap[r] = i;
  });
  const pruned = docs.map((d) => {
    const rows: number[] = [];
    for (const r of d.rows) if ((remap[r] as number) >= 0) rows.push(remap[r] as number);
    return { ...d, rows: Int32Array.from(rows) };
  });
  const second = fit(pruned, kept.length, c, o);
  return { rows: Int32Array.from(kept), weights: second.weights, bias: second.bias };
}

/** P(fraud) = 1 − P(normal) of a fitted model for a document (rows in the full vocabulary). */
function pFraud(m: Fitted, d: Doc, c: number, lookup: Int32Array): number {
  const z = new Float64Array(c);
  for (let k = 0; k < c; k++) z[k] = m.bias[k] as number;
  for (const r of d.rows) {
    const i = lookup[r] as number;
    if (i < 0) continue;
    for (let k = 0; k < c; k++) z[k] = (z[k] as number) + (m.weights[i * c + k] as number) * d.v;
  }
  softmaxInto(z);
  return 1 - (z[0] as number);
}

const logit = (p: number) => {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Platt scaling by Newton's method on weighted log loss (a tiny ridge keeps it well posed). */
export function fitPlatt(
  xs: readonly number[],
  ys: readonly number[],
  ws: readonly number[],
): { a: number; b: number } {
  let a = 1;
  let b = 0;
  for (let it = 0; it < 100; it++) {
    let ga = 1e-6 * (a - 1);
    let gb = 0;
    let haa = 1e-6;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as number;
      const w = ws[i] as number;
      const p = sigmoid(a * x + b);
      const r = (p - (ys[i] as number)) * w;
      ga += r * x;
      gb += r;
      const s = p * (1 - p) * w;
      haa += s * x * x;
      hab += s * x;
      hbb += s;
    }
    const det = haa * hbb - hab * hab;
    if (det <= 0) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}

function weightedFigures(ps: readonly number[], ys: readonly number[], ws: readonly number[]) {
  let loss = 0;
  let brier = 0;
  let correct = 0;
  let total = 0;
  for (let i = 0; i < ps.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, ps[i] as number));
    const y = ys[i] as number;
    const w = ws[i] as number;
    loss -= w * (y * Math.log(p) + (1 - y) * Math.log(1 - p));
    brier += w * (p - y) ** 2;
    if (p >= 0.5 === (y === 1)) correct += w;
    total += w;
  }
  return { logLoss: loss / total, brier: brier / total, accuracy: correct / total };
}

/** Trains a model file from labelled texts (see the file comment). */
export function trainTextModel(texts: readonly TrainingText[], options: TrainOptions): TextModelFile {
  const log = options.log ?? (() => {});
  const settings: Settings = {
    l2: options.l2 ?? 1e-4,
    iterations: options.iterations ?? 200,
    learningRate: options.learningRate ?? 0.05,
    maxFeatures: options.maxFeatures ?? 24_000,
    trace: options.trace === true ? log : undefined,
  };
  const minDf = options.minDf ?? 2;
  const folds = options.folds ?? 4;
  for (const [i, t] of texts.entries()) {
    if (t.label === 'fraud' && t.type === undefined) {
      throw new TextModelError(`training text ${i}: a fraud text needs a type`);
    }
  }
  const present = new Set(texts.flatMap((t) => (t.label === 'fraud' && t.type ? [t.type] : [])));
  const types = FRAUD_TYPES.filter((t) => present.has(t));
  if (types.length === 0 || !texts.some((t) => t.label === 'normal')) {
    throw new TextModelError('training needs normal texts and fraud texts');
  }
  const classes = ['normal', ...types];
  const c = classes.length;

  // Vocabulary: n-grams in at least minDf texts, in code-unit order.
  const forms = texts.map((t) => modelText(t.text));
  const grams = forms.map((f) => ngramsOf(f, MAX_NGRAM));
  const df = new Map<string, number>();
  for (const g of grams) for (const x of g) df.set(x, (df.get(x) ?? 0) + 1);
  const vocab = [...df.entries()]
    .filter(([, n]) => n >= minDf)
    .map(([g]) => g)
    .sort();
  const row = new Map(vocab.map((g, i) => [g, i]));
  log(`${texts.length} texts, ${df.size} distinct n-grams, ${vocab.length} in >= ${minDf} texts`);

  // Weights: normal and fraud weigh the same; fraud types the same within fraud; mean weight 1.
  const nNormal = texts.filter((t) => t.label === 'normal').length;
  const perType = new Map<string, number>();
  for (const t of texts)
    if (t.label === 'fraud') perType.set(t.type as string, (perType.get(t.type as string) ?? 0) + 1);
  const half = texts.length / 2;
  const docs: Doc[] = texts.map((t, i) => {
    const g = grams[i] as Set<string>;
    const rows: number[] = [];
    for (const x of g) {
      const r = row.get(x);
      if (r !== undefined) rows.push(r);
    }
    rows.sort((x, y) => x - y);
    const fraud = t.label === 'fraud';
    return {
      rows: Int32Array.from(rows),
      v: ngramScale(Array.from(forms[i] as string).length, MAX_NGRAM),
      y: fraud ? classes.indexOf(t.type as string) : 0,
      w: fraud ? half / (types.length * (perType.get(t.type as string) as number)) : half / nNormal,
      fraud,
    };
  });

  // Out-of-fold P(fraud) for calibration.
  const foldOf = texts.map((t, i) => t.fold ?? i % folds);
  const foldIds = [...new Set(foldOf)].sort((x, y) => x - y);
  const oof = new Array<number>(docs.length).fill(0);
  for (const f of foldIds) {
    const trainIdx = docs.flatMap((_, i) => (foldOf[i] === f ? [] : [i]));
    const m = fitPruned(
      trainIdx.map((i) => docs[i] as Doc),
      vocab.length,
      c,
      settings,
    );
    const lookup = new Int32Array(vocab.length).fill(-1);
    m.rows.forEach((r, i) => {
      lookup[r] = i;
    });
    docs.forEach((d, i) => {
      if (foldOf[i] === f) oof[i] = pFraud(m, d, c, lookup);
    });
    log(`fold ${f}: trained on ${trainIdx.length} texts`);
  }
  const ys = docs.map((d) => (d.fraud ? 1 : 0));
  const ws = docs.map((d) => d.w);
  const calibration = fitPlatt(oof.map(logit), ys, ws);
  const before = weightedFigures(oof, ys, ws);
  const after = weightedFigures(
    oof.map((p) => sigmoid(calibration.a * logit(p) + calibration.b)),
    ys,
    ws,
  );
  log(
    `cross-validation: log loss ${before.logLoss.toFixed(4)} → ${after.logLoss.toFixed(4)} calibrated, accuracy ${after.accuracy.toFixed(4)}`,
  );

  const final = fitPruned(docs, vocab.length, c, settings);
  log(`final model: ${final.rows.length} n-grams × ${c} classes`);
  const scales = classes.map((_, k) => {
    let m = 0;
    for (let i = 0; i < final.rows.length; i++) m = Math.max(m, Math.abs(final.weights[i * c + k] as number));
    return m === 0 ? 1 : round(m / 127);
  });
  const q = new Int8Array(final.rows.length * c);
  for (let i = 0; i < final.rows.length; i++) {
    for (let k = 0; k < c; k++) {
      const v = Math.round((final.weights[i * c + k] as number) / (scales[k] as number));
      q[i * c + k] = Math.max(-127, Math.min(127, v));
    }
  }
  const byChannel: Record<string, number> = {};
  for (const t of texts) byChannel[t.channel ?? 'unknown'] = (byChannel[t.channel ?? 'unknown'] ?? 0) + 1;
  const corpusSha256 = sha256Hex(
    texts.map((t) => `${t.label}\t${t.type ?? ''}\t${t.text.replaceAll('\n', ' ')}`).join('\n'),
  );
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    id: options.id,
    version: options.version,
    description: options.description,
    classes,
    maxNgram: MAX_NGRAM,
    calibration: { a: round(calibration.a), b: round(calibration.b) },
    training: {
      texts: texts.length,
      normal: nNormal,
      fraud: texts.length - nNormal,
      byType: Object.fromEntries(types.map((t) => [t, perType.get(t) ?? 0])),
      byChannel,
      corpusSha256,
      settings: {
        minDf,
        maxFeatures: settings.maxFeatures,
        l2: settings.l2,
        iterations: settings.iterations,
        learningRate: settings.learningRate,
        folds: foldIds.length,
      },
      crossValidation: {
        logLoss: round(before.logLoss, 4),
        logLossCalibrated: round(after.logLoss, 4),
        brierCalibrated: round(after.brier, 4),
        accuracyAtHalf: round(after.accuracy, 4),
      },
    },
    bias: Array.from(final.bias, (x) => round(x)),
    scales,
    vocabulary: Array.from(final.rows, (r) => vocab[r] as string).join('\n'),
    weights: Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64'),
  };
}
