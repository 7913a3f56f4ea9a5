/** The gateway's Prometheus metrics (beside Node's process metrics from the kit's registry). */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface GatewayMetrics {
  readonly logins: Counter<'result'>;
  readonly clientEvents: Counter<'event' | 'result'>;
  readonly fanout: Counter<'topic'>;
  readonly sockets: Gauge;
}

export function createGatewayMetrics(registry: Registry, socketCount: () => number): GatewayMetrics {
  return {
    logins: new Counter({
      name: 'gateway_logins_total',
      help: 'Login attempts by result (ok, wrong_password, rate_limited, disabled)',
      labelNames: ['result'],
      registers: [registry],
    }),
    clientEvents: new Counter({
      name: 'gateway_client_events_total',
      help: 'Socket events from clients by event and answer (ok or the refusal code)',
      labelNames: ['event', 'result'],
      registers: [registry],
    }),
    fanout: new Counter({
      name: 'gateway_fanout_events_total',
      help: 'Kafka events emitted to rooms by this instance, by topic',
      labelNames: ['topic'],
      registers: [registry],
    }),
    sockets: new Gauge({
      name: 'gateway_sockets',
      help: 'Sockets connected to this instance',
      registers: [registry],
      collect() {
        this.set(socketCount());
      },
    }),
  };
}
