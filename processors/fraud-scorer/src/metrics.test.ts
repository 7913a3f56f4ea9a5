import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createScorerMetrics } from './metrics.ts';

describe('createScorerMetrics', () => {
  it('registers the scorer metrics on the registry it is given', async () => {
    const registry = new Registry();
    const m = createScorerMetrics(registry);
    m.indicators.inc(3);
    const text = await registry.metrics();
    for (const name of [
      'scorer_indicators_total 3',
      'scorer_duplicates_total',
      'scorer_alerts_total',
      'scorer_state_conflicts_total',
      'scorer_batch_seconds_bucket',
    ])
      expect(text).toContain(name);
  });
});
