/**
 * `modelThroughputRatio` for bench:scorer: what the text model costs the engine. In process (no
 * broker, so the model's share of the work is not hidden behind Kafka's), the built-in pack as it
 * ships and the pack as `npm run eval:fraud-text` scores "rules alone" (the rules on the model's
 * score dropped, `withoutTextModels` on the rest) score the same indicators, each indicator about
 * a fresh resident (rule matching, state update and alert building, as the scorer does per
 * indicator). Every call carries a transcript, so the model reads every SMS and every call, and
 * every text is distinct (a serial is added), as real messages are: the engine remembers its
 * analysis of recent texts, and the bench's few texts repeated would measure that memo, not the
 * model. Passes alternate between the two rule sets; each figure is the median pass.
 */
import type { FraudIndicator } from '@fenghuo/contracts';
import {
  builtinRuleSet,
  type CompiledRuleSet,
  compileRuleSet,
  MODEL_RULE_IDS,
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

/** A caller's side of a call, a few hundred characters, from the bench's texts; distinct per `i`. */
function transcriptOf(texts: readonly string[], i: number): string {
  const parts: string[] = [];
  for (let k = 0; k < 6; k++) parts.push(texts[(i + k * 3) % texts.length] as string);
  parts.push(`（通话编号 ${i}）`);
  return parts.join('');
}

/** The same indicator with a text no other indicator of the bench has. */
function distinct(ind: FraudIndicator, texts: readonly string[], i: number): FraudIndicator {
  if (ind.kind === 'call') return { ...ind, transcript: transcriptOf(texts, i) };
  if (ind.kind === 'sms') return { ...ind, text: `${ind.text}（${i}）` };
  return ind;
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
  const withTranscripts = indicators.map((ind, i) => distinct(ind, texts, i));
  const withModel = compileRuleSet(builtinRuleSet);
  const withoutModel = compileRuleSet(
    withoutTextModels({
      ...builtinRuleSet,
      rules: builtinRuleSet.rules.filter((r) => !MODEL_RULE_IDS.has(r.id)),
    }),
  );
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
