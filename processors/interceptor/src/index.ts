/**
 * Interceptor entry point, wiring only: help, config, logger, signals, the Kafka and Redis clients,
 * the service, and the shutdown steps. A consumer that died for good closes everything and exits 1.
 */
import { createKafka, createLogger, createRedis, exitWithHelpIfAsked, runMain, Shutdown } from '@fenghuo/kit';
import { INTERCEPTOR_SUMMARY, interceptorConfigSpec, loadConfig } from './config.ts';
import { startInterceptor } from './service.ts';

exitWithHelpIfAsked({ service: 'interceptor', summary: INTERCEPTOR_SUMMARY, spec: interceptorConfigSpec });
const logger = createLogger({ service: 'interceptor', level: process.env.LOG_LEVEL ?? 'info' });
const shutdown = new Shutdown(logger).onSignals();

runMain(logger, async () => {
  const config = loadConfig();
  logger.level = config.logLevel;
  const kafka = createKafka(config, logger);
  const redis = createRedis(config, logger, { connectionName: 'interceptor' });
  shutdown.add('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  const interceptor = await startInterceptor({
    config,
    logger,
    kafka,
    redis,
    onFatal: () => {
      void shutdown.close('consumer crashed').then(() => process.exit(1));
    },
  });
  shutdown.add('interceptor', () => interceptor.stop());
});
