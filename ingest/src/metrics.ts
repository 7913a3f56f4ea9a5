/** Prometheus metrics of ingest, registered on the service's registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface IngestMetrics {
  /** Events by kind and outcome: accepted (written), duplicate, rejected (invalid). */
  readonly events: Counter<'kind' | 'outcome'>;
  /** Refused requests by error code (unauthorized, validation_failed, rate_limited, kafka_unavailable…). */
  readonly rejected: Counter<'route' | 'code'>;
  /** Request latency by route and status. */
  readonly latency: Histogram<'route' | 'status'>;
  /** 1 while the Kafka circuit is open. */
  readonly kafkaCircuitOpen: Gauge;
  /** Requests refused because their events would wait past the latency budget. */
  readonly shedRequests: Counter;
  /** Events in those requests. */
  readonly shedEvents: Counter;
}

export function createIngestMetrics(registry: Registry): IngestMetrics {
  return {
    events: new Counter({
      name: 'ingest_events_total',
      help: 'Events received, by kind and outcome (accepted, duplicate, rejected)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'ingest_requests_rejected_total',
      help: 'Requests answered with an error, by route and error code',
      labelNames: ['route', 'code'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'ingest_request_duration_seconds',
      help: 'Request latency from first byte to answer',
      labelNames: ['route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    kafkaCircuitOpen: new Gauge({
      name: 'ingest_kafka_circuit_open',
      help: '1 while Kafka is considered unavailable and requests are refused with 503',
      registers: [registry],
    }),
    shedRequests: new Counter({
      name: 'ingest_shed_requests_total',
      help: 'Requests refused with 503 overloaded because their events would wait past INGEST_LATENCY_BUDGET_MS for Kafka',
      registers: [registry],
    }),
    shedEvents: new Counter({
      name: 'ingest_shed_events_total',
      help: 'Events in the requests refused as overloaded (not written; the client retries them)',
      registers: [registry],
    }),
  };
}
