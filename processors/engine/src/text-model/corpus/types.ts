/** Shapes of the project-written corpus: scam scripts, ordinary texts, labelled texts. */
import type { FraudType } from '@fenghuo/contracts';

/** The parts of one kind of call, in speaking order; a call takes lines from each part. */
export interface CallParts {
  readonly open: readonly string[];
  readonly story: readonly string[];
  readonly ask: readonly string[];
  readonly press: readonly string[];
}

/** One fraud type's script: short texts (SMS, chat messages) and the scammer's side of a call. */
export interface ScriptSource {
  readonly type: FraudType;
  /** Complete short texts with `{slots}` (see slots.ts). */
  readonly sms: readonly string[];
  readonly call: CallParts;
}

/** Ordinary texts that look like fraud (hard negatives) or are everyday traffic. */
export interface NormalSource {
  /** What kind of ordinary text, e.g. `bank_notice`, `police_reminder`. */
  readonly group: string;
  /** Whether it is a hard negative (looks like fraud): reported separately by the eval. */
  readonly hard: boolean;
  readonly sms: readonly string[];
  /** Ordinary calls: the agent's or caller's side, built like scam calls. */
  readonly call?: CallParts;
}

export type Channel = 'sms' | 'call';

/** A labelled text of the corpus (and of `--file` NDJSON lines). */
export interface CorpusText {
  readonly text: string;
  readonly label: 'fraud' | 'normal';
  readonly type?: FraudType;
  readonly channel: Channel;
  /** For normal texts: the group (`bank_notice`, …); hard negatives are marked by `hard`. */
  readonly group?: string;
  readonly hard?: boolean;
  /** Cross-validation fold: texts written from the same fragments share one. */
  readonly fold: number;
}
