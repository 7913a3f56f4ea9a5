/**
 * A loaded text model: scores a text (calibrated probability that it is fraud, the most likely
 * fraud type) and names the n-grams that pushed it hardest towards that type. Read-only after
 * loading; one instance serves every rule and every indicator.
 */
import type { FraudType } from '@fenghuo/contracts';
import { TextModelError } from '../errors.ts';
import { displayNgram, GramIndex, modelText, ngramScale } from './features.ts';
import { parseModelFile, sha256Hex, type TextModelFile } from './model-file.ts';

export interface TextModelScore {
  /** Calibrated probability that the text is fraud (0–1). */
  readonly fraud: number;
  /** The most likely fraud type, whatever `fraud` is. */
  readonly type: FraudType;
  /** Probability of that type among the fraud types (0–1). */
  readonly typeShare: number;
  /**
   * The n-grams that pushed the text hardest towards `type` rather than normal, strongest first,
   * as people read them (a URL shows as `[链接]`); empty unless asked for.
   */
  readonly ngrams: readonly string[];
}

/** A scored text and the model rows it hit (see {@link TextModel.analyse}). */
export interface TextAnalysis {
  /** The score, without n-grams. */
  readonly score: TextModelScore;
  /** Vocabulary rows of the text's n-grams. */
  readonly rows: Int32Array;
  /** Class index of `score.type`. */
  readonly best: number;
}

export interface ScoreOptions {
  /**
   * Also name the strongest n-grams (costs a sort of the text's features).
   * @defaultValue false
   */
  readonly explain?: boolean;
  /**
   * How many n-grams to name.
   * @defaultValue 5
   */
  readonly topNgrams?: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** Width of a lane of the packed weights (see TextModel.packed). */
const LANE = 2 ** 17;
/** Rows summed before the lanes are read out (500 × 255 < 2^17). */
const PACK_FLUSH = 500;
const EPS = 1e-7;

export class TextModel {
  readonly id: string;
  readonly version: number;
  /** SHA-256 of the file's bytes. */
  readonly sha256: string;
  readonly classes: readonly string[];
  readonly file: TextModelFile;
  private readonly index: GramIndex;
  private readonly vocabulary: readonly string[];
  /** The quantised weights (weight = q × scales[class]): scoring sums these as integers. */
  private readonly quantised: Int8Array;
  private readonly scales: Float64Array;
  private readonly sums: Int32Array;
  /**
   * The int8 weights of a row packed three classes to a double: lane t of double j holds
   * q[row, 3j + t] + 128 times 2^(17t). Summing doubles sums three classes at once, exactly while
   * fewer than {@link PACK_FLUSH} rows are added (each lane stays below 2^17, the double below 2^51).
   */
  private readonly packed: Float64Array;
  private readonly lanes: number;
  private readonly acc: Float64Array;
  private readonly bias: Float64Array;
  private readonly maxNgram: number;

  private constructor(file: TextModelFile, sha256: string) {
    this.file = file;
    this.id = file.id;
    this.version = file.version;
    this.sha256 = sha256;
    this.classes = file.classes;
    this.maxNgram = file.maxNgram;
    const vocab = file.vocabulary.length === 0 ? [] : file.vocabulary.split('\n');
    this.vocabulary = vocab;
    this.index = new GramIndex(vocab, file.maxNgram);
    const c = file.classes.length;
    const q = new Int8Array(Buffer.from(file.weights, 'base64'));
    this.quantised = q;
    this.scales = Float64Array.from(file.scales);
    this.sums = new Int32Array(c);
    this.lanes = Math.ceil(c / 3);
    const rowsN = c === 0 ? 0 : q.length / c;
    this.packed = new Float64Array(rowsN * this.lanes);
    for (let r = 0; r < rowsN; r++) {
      for (let k = 0; k < c; k++) {
        const j = Math.floor(k / 3);
        const t = k % 3;
        this.packed[r * this.lanes + j] =
          (this.packed[r * this.lanes + j] as number) + ((q[r * c + k] as number) + 128) * LANE ** t;
      }
    }
    this.acc = new Float64Array(this.lanes);
    this.bias = Float64Array.from(file.bias);
  }

  /** A model from its file's text; `source` names the file in errors. */
  static fromText(text: string, source = 'text model'): TextModel {
    return new TextModel(parseModelFile(text, source), sha256Hex(text));
  }

  /** Scores a text (an SMS, a report, a call transcript). */
  score(text: string, options: ScoreOptions = {}): TextModelScore {
    const a = this.analyse(text);
    return options.explain === true ? this.explained(a, options.topNgrams) : a.score;
  }

  /**
   * Scores a text and keeps what naming its strongest n-grams needs, so a caller that may want them
   * later ({@link explained}) reads the text once.
   */
  analyse(text: string): TextAnalysis {
    const c = this.classes.length;
    const z = new Float64Array(c);
    const sums = this.sums;
    sums.fill(0);
    const { found, chars } = this.index.collect(modelText(text));
    const rows = this.index.hits.slice(0, found);
    const packed = this.packed;
    const acc = this.acc;
    const lanes = this.lanes;
    for (let start = 0; start < found; start += PACK_FLUSH) {
      const end = Math.min(found, start + PACK_FLUSH);
      acc.fill(0);
      for (let i = start; i < end; i++) {
        const base = (rows[i] as number) * lanes;
        for (let j = 0; j < lanes; j++) acc[j] = (acc[j] as number) + (packed[base + j] as number);
      }
      const bias = 128 * (end - start);
      for (let k = 0; k < c; k++) {
        const v = acc[Math.floor(k / 3)] as number;
        const lane = Math.floor(v / LANE ** (k % 3)) % LANE;
        sums[k] = (sums[k] as number) + lane - bias;
      }
    }
    for (let k = 0; k < c; k++) z[k] = (sums[k] as number) * (this.scales[k] as number);
    const scale = ngramScale(chars, this.maxNgram);
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < c; k++) {
      z[k] = (this.bias[k] as number) + (z[k] as number) * scale;
      if ((z[k] as number) > max) max = z[k] as number;
    }
    let sum = 0;
    for (let k = 0; k < c; k++) {
      z[k] = Math.exp((z[k] as number) - max);
      sum += z[k] as number;
    }
    let best = 1;
    for (let k = 2; k < c; k++) if ((z[k] as number) > (z[best] as number)) best = k;
    const pNormal = (z[0] as number) / sum;
    const pFraud = Math.min(1 - EPS, Math.max(EPS, 1 - pNormal));
    const { a, b } = this.file.calibration;
    const fraud = sigmoid(a * Math.log(pFraud / (1 - pFraud)) + b);
    const typeShare = (z[best] as number) / Math.max(EPS, sum - (z[0] as number));
    return { score: { fraud, type: this.classes[best] as FraudType, typeShare, ngrams: [] }, rows, best };
  }

  /** The analysed text's score with its strongest n-grams named. */
  explained(a: TextAnalysis, topNgrams = 5): TextModelScore {
    // The n-grams are found when first read (an explanation is written only for an alert), then kept;
    // the property is an own enumerable one, so spreading or serialising the score includes them.
    let ngrams: readonly string[] | undefined;
    const out = { ...a.score };
    Object.defineProperty(out, 'ngrams', {
      enumerable: true,
      get: () => {
        ngrams ??= this.strongest(a.rows, a.best, topNgrams);
        return ngrams;
      },
    });
    return out;
  }

  /** The n-grams with the largest weight towards class `k` over normal, none inside another. */
  private strongest(rows: Int32Array, k: number, top: number): string[] {
    const c = this.classes.length;
    const q = this.quantised;
    const sk = this.scales[k] as number;
    const s0 = this.scales[0] as number;
    // The top·4 rows by weight (ties: lower row first), kept sorted by insertion.
    const keep = top * 4;
    const bestRows = new Int32Array(keep);
    const bestW = new Float64Array(keep);
    let kept = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      const x = (q[row * c + k] as number) * sk - (q[row * c] as number) * s0;
      if (x <= 0 || (kept === keep && x <= (bestW[keep - 1] as number))) continue;
      let at = kept < keep ? kept++ : keep - 1;
      while (
        at > 0 &&
        ((bestW[at - 1] as number) < x ||
          ((bestW[at - 1] as number) === x && (bestRows[at - 1] as number) > row))
      ) {
        bestW[at] = bestW[at - 1] as number;
        bestRows[at] = bestRows[at - 1] as number;
        at--;
      }
      bestW[at] = x;
      bestRows[at] = row;
    }
    const picked: string[] = [];
    for (let i = 0; i < kept; i++) {
      const g = this.vocabulary[bestRows[i] as number] as string;
      if (picked.some((p) => p.includes(g) || g.includes(p))) continue;
      picked.push(g);
      if (picked.length === top) break;
    }
    return picked.map(displayNgram);
  }

  /** Throws unless this is the file a rule set names. */
  assertIs(ref: { readonly id: string; readonly version: number; readonly sha256: string }): void {
    if (ref.id !== this.id || ref.version !== this.version) {
      throw new TextModelError(
        `model file is ${this.id} v${this.version}, the rule set names ${ref.id} v${ref.version}`,
      );
    }
    if (ref.sha256 !== this.sha256) {
      throw new TextModelError(
        `model ${this.id} v${this.version} has SHA-256 ${this.sha256}, the rule set names ${ref.sha256}`,
      );
    }
  }
}
