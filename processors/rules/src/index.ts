/**
 * Rules service entry point, wiring only: help, config, logger, signals, the Kafka and Redis
 * clients, the service, and the shutdown steps.
 */
import { createKafka, createLogger, createRedis, exitWithHelpIfAsked, runMain, Shutdown } from '@fenghuo/kit';
import { loadConfig, RULES_SUMMARY, rulesConfigSpec } from './config.ts';
import { startRules } from './service.ts';

exitWithHelpIfAsked({ service: 'rules', summary: RULES_SUMMARY, spec: rulesConfigSpec });
const logger = createLogger({ service: 'rules', level: process.env.LOG_LEVEL ?? 'info' });
const shutdown = new Shutdown(logger).onSignals();

runMain(logger, async () => {
  const config = loadConfig();
  logger.level = config.logLevel;
  const kafka = createKafka(config, logger);
  const redis = createRedis(config, logger, { connectionName: 'rules' });
  shutdown.add('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  const rules = await startRules({ config, logger, kafka, redis });
  shutdown.add('rules', () => rules.stop());
});
