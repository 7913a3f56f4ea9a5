/**
 * Fraud scorer entry point, wiring only: help, config, logger, signals, the Kafka and Redis clients,
 * the scorer, and the shutdown steps. A consumer that died for good closes everything and exits 1.
 */
import { createKafka, createLogger, createRedis, exitWithHelpIfAsked, runMain, Shutdown } from '@fenghuo/kit';
import { loadConfig, SCORER_SUMMARY, scorerConfigSpec } from './config.ts';
import { startScorer } from './service.ts';

exitWithHelpIfAsked({ service: 'fraud-scorer', summary: SCORER_SUMMARY, spec: scorerConfigSpec });
const logger = createLogger({ service: 'fraud-scorer', level: process.env.LOG_LEVEL ?? 'info' });
const shutdown = new Shutdown(logger).onSignals();

runMain(logger, async () => {
  const config = loadConfig();
  logger.level = config.logLevel;
  const kafka = createKafka(config, logger);
  const redis = createRedis(config, logger, { connectionName: 'fraud-scorer' });
  shutdown.add('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  const scorer = await startScorer({
    config,
    logger,
    kafka,
    redis,
    onFatal: () => {
      void shutdown.close('consumer crashed').then(() => process.exit(1));
    },
  });
  shutdown.add('scorer', () => scorer.stop());
});
