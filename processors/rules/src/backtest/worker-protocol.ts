/** Messages between a backtest pool (`pool.ts`) and its worker threads (`score-worker.ts`). */
import type { FraudRuleSet, OutcomeLabel } from '@fenghuo/contracts';
import type { RecordedIndicator, RunPart } from './runner.ts';

/** A worker's `workerData`: the two versions' rule sets (compiled there) and the labels. */
export interface WorkerInit {
  readonly candidate: FraudRuleSet;
  readonly candidateLabel: string;
  readonly baseline: FraudRuleSet;
  readonly baselineLabel: string;
  readonly labels: readonly OutcomeLabel[];
  readonly keepRevisions: boolean;
}

export type ToWorker =
  | {
      /** Raw records of one stream (a partition), in order: values end to end in `data`. */
      readonly type: 'records';
      readonly id: number;
      readonly stream: string;
      readonly data: Uint8Array;
      /** `ends[i]`: where record i's value ends in `data` (a record without a value: length 0). */
      readonly ends: Uint32Array;
      /** Record i's offset (as a double when every offset of the batch has at most 15 digits). */
      readonly offsets: Float64Array | BigInt64Array;
    }
  | { readonly type: 'events'; readonly id: number; readonly batch: readonly RecordedIndicator[] }
  | { readonly type: 'finish'; readonly id: number };

export type ToPool =
  | { readonly type: 'ready'; readonly id: 0 }
  | { readonly type: 'scored'; readonly id: number; readonly events: number }
  | { readonly type: 'finished'; readonly id: number; readonly part: RunPart }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
