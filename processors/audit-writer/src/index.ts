/**
 * Audit writer entry point, wiring only: help, config, logger, signals, the Kafka client, the
 * writer, and the shutdown steps. A writer that cannot go on (fenced by a newer one, a log it
 * cannot continue, a consumer that died for good) closes everything and exits 1.
 */
import { createKafka, createLogger, exitWithHelpIfAsked, runMain, Shutdown } from '@fenghuo/kit';
import { AUDIT_WRITER_SUMMARY, auditWriterConfigSpec, loadConfig } from './config.ts';
import { startAuditWriter } from './service.ts';

exitWithHelpIfAsked({ service: 'audit-writer', summary: AUDIT_WRITER_SUMMARY, spec: auditWriterConfigSpec });
const logger = createLogger({ service: 'audit-writer', level: process.env.LOG_LEVEL ?? 'info' });
const shutdown = new Shutdown(logger).onSignals();

runMain(logger, async () => {
  const config = loadConfig();
  logger.level = config.logLevel;
  const kafka = createKafka(config, logger);
  const writer = await startAuditWriter({
    config,
    logger,
    kafka,
    onFatal: () => {
      void shutdown.close('audit writer stopped').then(() => process.exit(1));
    },
  });
  shutdown.add('audit-writer', () => writer.stop());
});
