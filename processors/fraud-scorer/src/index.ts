/** Fraud scorer entry point: config, logger, start, stop on SIGTERM/SIGINT. */
import { createLogger, exitWithHelpIfAsked, runMain } from '@fenghuo/kit';
import { loadConfig, SCORER_SUMMARY, scorerConfigSpec } from './config.ts';
import { startScorer } from './service.ts';

exitWithHelpIfAsked({ service: 'fraud-scorer', summary: SCORER_SUMMARY, spec: scorerConfigSpec });
const logger = createLogger({ service: 'fraud-scorer', level: process.env.LOG_LEVEL ?? 'info' });

runMain(logger, async () => {
  const config = loadConfig();
  logger.level = config.logLevel;
  const scorer = await startScorer(config, logger, {
    onFatal: () => {
      void scorer.stop().finally(() => process.exit(1));
    },
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void scorer.stop().then(() => process.exit(0));
    });
  }
});
