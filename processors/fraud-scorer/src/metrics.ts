/** The scorer's Prometheus metrics, registered once on the service's registry. */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface ScorerMetrics {
  readonly indicators: Counter;
  readonly duplicates: Counter;
  readonly alerts: Counter;
  readonly conflicts: Counter;
  readonly batchSeconds: Histogram;
  readonly shadowAlerts: Counter;
  readonly shadowFailures: Counter;
}

export function createScorerMetrics(registry: Registry): ScorerMetrics {
  const registers = [registry];
  return {
    indicators: new Counter({ name: 'scorer_indicators_total', help: 'Indicators scored', registers }),
    duplicates: new Counter({
      name: 'scorer_duplicates_total',
      help: 'Redelivered indicators skipped',
      registers,
    }),
    alerts: new Counter({ name: 'scorer_alerts_total', help: 'Alert revisions published', registers }),
    conflicts: new Counter({
      name: 'scorer_state_conflicts_total',
      help: 'Lost compare-and-set writes',
      registers,
    }),
    shadowAlerts: new Counter({
      name: 'scorer_shadow_alerts_total',
      help: 'Alert revisions of the shadow rule set published on alerts.shadow',
      registers,
    }),
    shadowFailures: new Counter({
      name: 'scorer_shadow_failures_total',
      help: 'Batches the shadow rule set failed to score (skipped; live scoring unaffected)',
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'scorer_batch_seconds',
      help: 'Time to score and publish one partition batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
  };
}
