/**
 * Ingest service entry point: wiring only. Config → logger → service (Kafka, Redis, key store,
 * HTTP app) → listen → demo keys when asked → clean shutdown on SIGTERM/SIGINT.
 */
import { createLogger, exitWithHelpIfAsked, runMain, Shutdown } from '@fenghuo/kit';
import { INGEST_SUMMARY, ingestConfigSpec, loadConfig } from './config.ts';
import { formatDemoKeys, issueDemoKeys } from './demo-sources.ts';
import { createIngestService, listen, SERVICE } from './service.ts';

exitWithHelpIfAsked({ service: SERVICE, summary: INGEST_SUMMARY, spec: ingestConfigSpec });
const bootLogger = createLogger({ service: SERVICE });

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  const shutdown = new Shutdown(logger).onSignals();

  const service = await createIngestService(config, logger);
  shutdown.add('kafka, redis, key store', () => service.close());

  const { server, url } = await listen(service.app, config.port, config.host);
  // Registered last, so it runs first: stop taking requests and let in-flight ones finish.
  shutdown.add('http server', () => new Promise<void>((done) => server.close(() => done())));
  logger.info({ url, keysFile: service.keys.path, topicPrefix: config.kafkaTopicPrefix }, 'ingest listening');

  if (config.demo) console.log(formatDemoKeys(issueDemoKeys(service.keys), url));
}

runMain(bootLogger, main);
