/** Router entry point: config, logger, start, stop on SIGTERM/SIGINT. */
import { createLogger, exitWithHelpIfAsked, runMain } from '@fenghuo/kit';
import { loadConfig, ROUTER_SUMMARY, routerConfigSpec } from './config.ts';
import { startRouter } from './service.ts';

exitWithHelpIfAsked({ service: 'router', summary: ROUTER_SUMMARY, spec: routerConfigSpec });
const logger = createLogger({ service: 'router', level: process.env.LOG_LEVEL ?? 'info' });

runMain(logger, async () => {
  const config = loadConfig();
  logger.level = config.logLevel;
  const router = await startRouter(config, logger, {
    onFatal: () => {
      void router.stop().finally(() => process.exit(1));
    },
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void router.stop().then(() => process.exit(0));
    });
  }
});
