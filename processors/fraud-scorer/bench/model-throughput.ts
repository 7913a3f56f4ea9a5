/**
 * `modelThroughputRatio` for bench:scorer: what the text model costs the engine. In process (no
 * broker, so the model's share of the work is not hidden behind Kafka's), the built-in pack as it
 * ships and the same pack without its text models (`withoutTextModels`) score the same indicators,
 * each indicator about a fresh resident (rule matching, state update and alert building, as the
 * scorer does per indicator). Every call carries a transcript, so the model reads every SMS and
 * every call. Passes alternate between the two rule sets; each figure is the median pass.
 */
import type { FraudIndicator } from '@fenghuo/contracts';
import {
  builtinRuleSet,
  type CompiledRuleSet,
  compileRuleSet,
  scoreSubject,
  withoutTextModels,
} from '@fenghuo/engine';

export interface ModelThroughput {
  readonly indicators: number;
  /** Indicators carrying a text (SMS text or call transcript) the model reads. */
  readonly withText: number;
  readonly withModelPerSec: number;
  readonly withoutModelPerSec: number;
}

/** A caller's side of a call, a few hundred characters, from the bench's texts. */
function transcriptOf(texts: readonly string[], i: number): string {
  const parts: string[] = [];
  for (let k = 0; k < 6; k++) parts.push(texts[(i + k * 3) % texts.length] as string);
  return parts.join('');
}

function perSec(c: CompiledRuleSet, indicators: readonly FraudIndicator[]): number {
  const t = performance.now();
  for (const ind of indicators) scoreSubject(c, ind.subjectId, undefined, [ind]);
  return indicators.length / ((performance.now() - t) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export function measureModelThroughput(
  indicators: readonly FraudIndicator[],
  texts: readonly string[],
  passes = 3,
): ModelThroughput {
  const withTranscripts = indicators.map((ind, i) =>
    ind.kind === 'call' ? { ...ind, transcript: transcriptOf(texts, i) } : ind,
  );
  const withModel = compileRuleSet(builtinRuleSet);
  const withoutModel = compileRuleSet(withoutTextModels(builtinRuleSet));
  // Warm both up, then alternate.
  perSec(withModel, withTranscripts.slice(0, 500));
  perSec(withoutModel, withTranscripts.slice(0, 500));
  const a: number[] = [];
  const b: number[] = [];
  for (let p = 0; p < passes; p++) {
    a.push(perSec(withModel, withTranscripts));
    b.push(perSec(withoutModel, withTranscripts));
  }
  return {
    indicators: withTranscripts.length,
    withText: withTranscripts.filter((i) => i.kind === 'sms' || (i.kind === 'call' && i.transcript)).length,
    withModelPerSec: median(a),
    withoutModelPerSec: median(b),
  };
}
