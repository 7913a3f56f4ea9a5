import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { pinoLogCreator, retryWithin } from './client.ts';

function capture() {
  const lines: { level: string; msg: string; namespace?: string; error?: string }[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ service: 'test', level: 'debug', destination });
  const log = pinoLogCreator(logger)(logLevel.DEBUG);
  return { lines, log };
}

const entry = (message: string, extra: Record<string, unknown> = {}) => ({
  message,
  timestamp: 'x',
  logger: 'kafkajs',
  ...extra,
});

describe('pinoLogCreator', () => {
  it('logs the retriable answers of a starting broker at debug, not error', () => {
    const { lines, log } = capture();
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: entry('Response GroupCoordinator(key: 10, version: 2)', {
        error: 'The group coordinator is not available',
      }),
    });
    log({
      namespace: 'Producer',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: entry('Failed to send messages: This server does not host this topic-partition', {
        retryCount: 0,
      }),
    });
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: entry('Response Metadata(key: 3, version: 6)', {
        error: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
      }),
    });
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: entry('Response AddPartitionsToTxn(key: 24, version: 1)', {
        error:
          'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
      }),
    });
    expect(lines.map((l) => l.level)).toEqual(['debug', 'debug', 'debug', 'debug']);
    expect(lines[0]).toMatchObject({
      namespace: 'Connection',
      error: 'The group coordinator is not available',
    });
  });

  it('keeps real errors and warnings at their level', () => {
    const { lines, log } = capture();
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: entry('Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
    });
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: entry('Response Produce(key: 0, version: 7)', {
        error: 'The request included message batch larger than the configured segment size on the server',
      }),
    });
    log({ namespace: 'Consumer', level: logLevel.WARN, label: 'WARN', log: entry('heartbeat took long') });
    log({ namespace: 'Consumer', level: logLevel.INFO, label: 'INFO', log: entry('Starting') });
    expect(lines.map((l) => l.level)).toEqual(['error', 'error', 'warn', 'info']);
  });
});

describe('retryWithin', () => {
  it('fits the back-offs into the budget', () => {
    for (const budget of [300, 1_500, 5_000, 30_000]) {
      const r = retryWithin(budget);
      let spent = 0;
      let wait = r.initialRetryTime!;
      for (let i = 0; i < r.retries!; i++) {
        spent += wait;
        wait = Math.min(wait * r.multiplier!, r.maxRetryTime!);
      }
      expect(spent, `budget ${budget}`).toBeLessThanOrEqual(budget);
      expect(r.retries).toBeGreaterThanOrEqual(1);
    }
    expect(retryWithin(1_500)).toEqual({
      retries: 4,
      initialRetryTime: 100,
      maxRetryTime: 500,
      multiplier: 2,
    });
  });
});
