/**
 * The text model's file: one JSON document, written by `npm run train:fraud-text` and read by the
 * scorer. Its bytes are deterministic (same texts and settings → same bytes), so a rule set can
 * name a model by id, version and SHA-256 and the scorer can check it has that very file.
 *
 * The model is a multinomial logistic regression over character n-grams: class 0 is `normal`, the
 * others are fraud types. A text's features are its distinct n-grams that are in the vocabulary,
 * each worth 1/√(number of distinct n-grams of the text), so a long call and a short SMS are on one
 * scale. P(fraud) = 1 − P(normal), calibrated by Platt scaling: sigmoid(a·logit(P) + b).
 */
import { createHash } from 'node:crypto';
import { FRAUD_TYPES } from '@fenghuo/contracts';
import { TextModelError } from '../errors.ts';

export const MODEL_FORMAT = 'fenghuo-text-model';
export const MODEL_FORMAT_VERSION = 1;

/** What the model was trained on and how: for the people who read the file, not for scoring. */
export interface TrainingSummary {
  readonly texts: number;
  readonly normal: number;
  readonly fraud: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly byChannel: Readonly<Record<string, number>>;
  /** SHA-256 over the training texts and labels, in order. */
  readonly corpusSha256: string;
  readonly settings: Readonly<Record<string, number | string>>;
  /** Out-of-fold figures on the training texts (cross-validation), before and after calibration. */
  readonly crossValidation: Readonly<Record<string, number>>;
}

export interface TextModelFile {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: typeof MODEL_FORMAT_VERSION;
  readonly id: string;
  readonly version: number;
  readonly description: string;
  /** `normal`, then fraud types. */
  readonly classes: readonly string[];
  readonly maxNgram: number;
  /** Platt scaling of logit(P(fraud)). */
  readonly calibration: { readonly a: number; readonly b: number };
  readonly training: TrainingSummary;
  /** Per-class bias. */
  readonly bias: readonly number[];
  /** Per-class scale of the quantised weights: weight = int8 × scale. */
  readonly scales: readonly number[];
  /** The n-grams, joined by `\n` (n-grams never hold whitespace), in weight-row order. */
  readonly vocabulary: string;
  /** Base64 of int8 weights, row-major: n-gram i, class c at i·classes + c. */
  readonly weights: string;
}

/** The file's bytes: stable key order (the interface's), two-space JSON and a final newline. */
export function serializeModel(model: TextModelFile): string {
  const ordered: TextModelFile = {
    format: model.format,
    formatVersion: model.formatVersion,
    id: model.id,
    version: model.version,
    description: model.description,
    classes: model.classes,
    maxNgram: model.maxNgram,
    calibration: model.calibration,
    training: model.training,
    bias: model.bias,
    scales: model.scales,
    vocabulary: model.vocabulary,
    weights: model.weights,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const isNumberArray = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Parses and checks a model file's text; throws {@link TextModelError} naming what is wrong. */
export function parseModelFile(text: string, source: string): TextModelFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TextModelError(`${source}: not JSON (${(err as Error).message})`, { cause: err });
  }
  const m = raw as Partial<TextModelFile>;
  const fail = (why: string): never => {
    throw new TextModelError(`${source}: ${why}`);
  };
  if (m.format !== MODEL_FORMAT) fail(`format is not ${MODEL_FORMAT}`);
  if (m.formatVersion !== MODEL_FORMAT_VERSION) fail(`formatVersion ${m.formatVersion} is not supported`);
  if (typeof m.id !== 'string' || m.id.length === 0) fail('no id');
  if (!Number.isInteger(m.version) || (m.version as number) < 1) fail('version must be an integer >= 1');
  const classes = m.classes;
  if (!Array.isArray(classes) || classes[0] !== 'normal' || classes.length < 2) {
    return fail('classes must start with "normal" and hold at least one fraud type');
  }
  for (const c of classes.slice(1)) {
    if (!(FRAUD_TYPES as readonly string[]).includes(c)) fail(`class "${c}" is not a fraud type`);
  }
  if (!Number.isInteger(m.maxNgram) || (m.maxNgram as number) < 1) fail('maxNgram must be >= 1');
  if (!isNumberArray(m.bias, classes.length)) fail('bias must hold one number per class');
  if (!isNumberArray(m.scales, classes.length)) fail('scales must hold one number per class');
  const cal = m.calibration;
  if (cal === undefined || !Number.isFinite(cal.a) || !Number.isFinite(cal.b)) fail('bad calibration');
  if (typeof m.vocabulary !== 'string' || typeof m.weights !== 'string') fail('no vocabulary or weights');
  const rows = (m.vocabulary as string).length === 0 ? 0 : (m.vocabulary as string).split('\n').length;
  const bytes = Buffer.from(m.weights as string, 'base64').length;
  if (bytes !== rows * classes.length) {
    fail(`weights hold ${bytes} bytes, expected ${rows} n-grams × ${classes.length} classes`);
  }
  return m as TextModelFile;
}
