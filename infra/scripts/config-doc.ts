/**
 * Renders docs/configuration.md from the services' own config specs, so the documented variables,
 * defaults and meanings are the ones the code parses. `npm run docs:config` writes it; a test keeps
 * it current.
 */
import { type ConfigSpec, describeConfig, kafkaConfig, logConfig, redisConfig } from '@fenghuo/kit';
import { GATEWAY_SUMMARY, gatewayConfigSpec } from '../../dispatch-ui/gateway/src/config.ts';
import { INGEST_SUMMARY, ingestConfigSpec } from '../../ingest/src/config.ts';
import { AUDIT_WRITER_SUMMARY, auditWriterConfigSpec } from '../../processors/audit-writer/src/config.ts';
import { SCORER_SUMMARY, scorerConfigSpec } from '../../processors/fraud-scorer/src/config.ts';
import { INTERCEPTOR_SUMMARY, interceptorConfigSpec } from '../../processors/interceptor/src/config.ts';
import { ROUTER_SUMMARY, routerConfigSpec } from '../../processors/router/src/config.ts';
import { RULES_SUMMARY, rulesConfigSpec } from '../../processors/rules/src/config.ts';
import { SIM_SUMMARY, simConfigSpec } from '../simulator/src/config.ts';

const shared: ConfigSpec = { ...kafkaConfig, ...redisConfig, ...logConfig };

function table(spec: ConfigSpec, skip: ConfigSpec = {}): string[] {
  const skipped = new Set(Object.values(skip).map((f) => f.env));
  return [
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...describeConfig(spec)
      .filter((r) => !skipped.has(r.env))
      .map((r) => `| \`${r.env}\` | \`${r.default}\` | ${r.doc} (${r.kind}) |`),
  ];
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export function renderConfigDoc(): string {
  const lines = [
    '# Configuration',
    '',
    "<!-- Generated from the services' config specs by `npm run docs:config`; do not edit by hand. -->",
    '',
    'Every service reads its configuration once, at start, from the environment. A missing or',
    'malformed value stops the service with a message naming each bad variable. `--help` on a',
    "service's entry point prints the same list.",
    '',
    '## Shared by every service',
    '',
    ...table(shared),
    '',
    `## ingest (\`ingest/src/index.ts\`)`,
    '',
    sentence(INGEST_SUMMARY),
    '',
    ...table(ingestConfigSpec, shared),
    '',
    `## fraud-scorer (\`processors/fraud-scorer/src/index.ts\`)`,
    '',
    sentence(SCORER_SUMMARY),
    '',
    ...table(scorerConfigSpec, shared),
    '',
    `## router (\`processors/router/src/index.ts\`)`,
    '',
    sentence(ROUTER_SUMMARY),
    '',
    ...table(routerConfigSpec, shared),
    '',
    `## interceptor (\`processors/interceptor/src/index.ts\`)`,
    '',
    sentence(INTERCEPTOR_SUMMARY),
    '',
    ...table(interceptorConfigSpec, shared),
    '',
    `## rules (\`processors/rules/src/index.ts\`)`,
    '',
    sentence(RULES_SUMMARY),
    '',
    ...table(rulesConfigSpec, shared),
    '',
    `## gateway (\`dispatch-ui/gateway/src/index.ts\`)`,
    '',
    sentence(GATEWAY_SUMMARY),
    '',
    ...table(gatewayConfigSpec, shared),
    '',
    `## audit-writer (\`processors/audit-writer/src/index.ts\`)`,
    '',
    sentence(AUDIT_WRITER_SUMMARY),
    '',
    ...table(auditWriterConfigSpec, shared),
    '',
    `## simulator (\`npm run simulate\`, \`infra/simulator/src/index.ts\`)`,
    '',
    sentence(SIM_SUMMARY),
    'Each variable is also a flag: `npm run simulate -- --seed 7 --speed 60` sets `SIM_SEED` and `SIM_SPEED`.',
    '',
    ...table(simConfigSpec),
    '',
    '## Local infrastructure (`npm run infra:*`, `npm start`, `npm test`)',
    '',
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    '| `KAFKA_PORT` | `9092` | Kafka client (PLAINTEXT) port on 127.0.0.1 |',
    '| `KAFKA_CONTROLLER_PORT` | `9093` | KRaft controller port |',
    '| `REDIS_PORT` | `6379` | Redis port |',
    '| `INFRA_READY_TIMEOUT_MS` | `90000` | how long `infra:up` waits for both to answer |',
    '| `FENGHUO_INFRA` | (probe) | `local` or `docker`: how the integration tests get Kafka and Redis |',
    '| `FENGHUO_KEEP_INFRA` | (unset) | `1`: leave infra the tests started running after them |',
  ];
  return `${lines.join('\n')}\n`;
}
