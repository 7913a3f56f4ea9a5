/**
 * Gateway entry point: wiring only. Config → logger → Kafka and Redis → the city → the gateway
 * (listening, consuming); demo users, when asked, are made first and printed once it listens. SIGTERM/SIGINT stop it: consumers first (offsets
 * committed), then sockets (clients resume on another instance), then the producer and Redis.
 */
import { resolve } from 'node:path';
import {
  closeRedis,
  createKafka,
  createLogger,
  createStandaloneRedis,
  exitWithHelpIfAsked,
  runMain,
  Shutdown,
} from '@fenghuo/kit';
import { GATEWAY_SUMMARY, gatewayConfigSpec, loadConfig } from './config.ts';
import { loadCity, SERVICE, startGateway } from './service.ts';
import { createDemoUsers, demoIdentities, formatDemoUsers } from './users/demo-users.ts';
import { UserStore } from './users/user-store.ts';

exitWithHelpIfAsked({ service: SERVICE, summary: GATEWAY_SUMMARY, spec: gatewayConfigSpec });
const bootLogger = createLogger({ service: SERVICE });

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  const shutdown = new Shutdown(logger).onSignals();

  const redis = createStandaloneRedis(config, logger, { connectionName: SERVICE });
  shutdown.add('redis', () => closeRedis(redis));
  const adapterRedis = createStandaloneRedis({ ...config, redisKeyPrefix: '' }, logger, {
    connectionName: `${SERVICE}-adapter`,
  });
  shutdown.add('adapter redis', () => closeRedis(adapterRedis));
  const kafka = createKafka(config, logger);
  const city = loadCity(config);
  // Demo users exist before the gateway reports ready, so whoever waits for /readyz can log in.
  const demo = config.demo
    ? await createDemoUsers(new UserStore(resolve(config.usersFile)), demoIdentities(city))
    : undefined;
  const gateway = await startGateway({
    config,
    logger,
    kafka,
    redis,
    adapterRedis,
    city,
    onFatal: () => void shutdown.close('consumer crashed').then(() => process.exit(1)),
  });
  shutdown.add('gateway', () => gateway.stop());

  if (demo) console.log(formatDemoUsers(demo, gateway.url));
}

runMain(bootLogger, main);
