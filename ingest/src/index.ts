/**
 * Ingest service entry point: wiring only. Config → logger → Kafka and Redis → ingest (warmed up)
 * → listen → demo keys when asked. `Shutdown` runs the steps in reverse on SIGTERM/SIGINT: stop
 * taking requests, stop ingest (producer), close Redis.
 */
import { closeRedis, createLogger, exitWithHelpIfAsked, runMain, Shutdown } from '@fenghuo/kit';
import { pino } from 'pino';
import { INGEST_SUMMARY, ingestConfigSpec, loadConfig } from './config.ts';
import { formatDemoKeys, issueDemoKeys } from './demo-sources.ts';
import {
  closeServer,
  createIngestKafka,
  createIngestRedis,
  listen,
  SERVICE,
  startIngest,
} from './service.ts';

exitWithHelpIfAsked({ service: SERVICE, summary: INGEST_SUMMARY, spec: ingestConfigSpec });
const bootLogger = createLogger({ service: SERVICE });

async function main(): Promise<void> {
  const config = loadConfig();
  // The access log writes a line per request: written asynchronously (pino flushes what is left
  // when the process exits), so a slow stdout or disk does not block the event loop per request
  // (synchronous writes were ~8 % of ingest's time at full load in bench:ingest).
  const logger = createLogger({
    service: SERVICE,
    level: config.logLevel,
    destination: pino.destination({ dest: 1, sync: false }),
  });
  const shutdown = new Shutdown(logger).onSignals();

  const redis = createIngestRedis(config, logger);
  shutdown.add('redis', () => closeRedis(redis));
  const kafka = createIngestKafka(config, logger);
  const ingest = await startIngest({ config, logger, kafka, redis });
  shutdown.add('ingest', () => ingest.stop());
  const { server, url } = await listen(ingest.app, config.port, config.host);
  shutdown.add('http server', () => closeServer(server));
  logger.info({ url, keysFile: ingest.keys.path, topicPrefix: config.kafkaTopicPrefix }, 'ingest listening');

  if (config.demo) console.log(formatDemoKeys(issueDemoKeys(ingest.keys), url));
}

runMain(bootLogger, main);
