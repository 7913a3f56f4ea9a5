import { describe, expect, it } from 'vitest';
import {
  configHelp,
  describeConfig,
  field,
  kafkaConfig,
  logConfig,
  parseConfig,
  redisConfig,
} from './config.ts';
import { ConfigError } from './errors.ts';

const spec = {
  ...kafkaConfig,
  ...redisConfig,
  ...logConfig,
  port: field.int({ env: 'PORT', doc: 'HTTP port', default: 8081, min: 1, max: 65535 }),
  ratio: field.number({ env: 'RATIO', doc: 'a ratio', default: 0.5, min: 0, max: 1 }),
  secret: field.string({ env: 'SECRET', doc: 'signing secret' }),
  strict: field.bool({ env: 'STRICT', doc: 'strict mode', default: false }),
};

describe('parseConfig', () => {
  it('applies defaults and coerces values', () => {
    const c = parseConfig(spec, { SECRET: 's', PORT: '9000', KAFKA_BROKERS: 'a:1, b:2', STRICT: 'yes' });
    expect(c).toEqual({
      kafkaBrokers: ['a:1', 'b:2'],
      kafkaClientId: 'fenghuo',
      kafkaTopicPrefix: '',
      redisUrl: 'redis://127.0.0.1:6379',
      redisKeyPrefix: 'fh:',
      redisSentinels: [],
      redisSentinelMaster: '',
      redisClusterNodes: [],
      logLevel: 'info',
      port: 9000,
      ratio: 0.5,
      secret: 's',
      strict: true,
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      parseConfig(spec, {
        PORT: '80a',
        RATIO: '2',
        LOG_LEVEL: 'loud',
        REDIS_URL: 'http://x',
        STRICT: 'maybe',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'LOG_LEVEL',
      'PORT',
      'RATIO',
      'REDIS_URL',
      'SECRET',
      'STRICT',
    ]);
    expect(problems.find((p) => p.variable === 'PORT')?.reason).toBe('must be an integer, got "80a"');
    expect(problems.find((p) => p.variable === 'SECRET')?.reason).toMatch(/^required/);
    expect((error as ConfigError).message).toContain('LOG_LEVEL: must be one of trace, debug');
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig(spec, { SECRET: 'x', PORT: '' }).port).toBe(8081);
  });
});

describe('describeConfig', () => {
  it('lists every variable with its default for docs and --help', () => {
    const rows = describeConfig(spec);
    expect(rows.find((r) => r.env === 'KAFKA_BROKERS')).toEqual({
      env: 'KAFKA_BROKERS',
      kind: 'comma-separated list',
      default: '127.0.0.1:9092',
      doc: 'Kafka bootstrap brokers',
    });
    expect(rows.find((r) => r.env === 'SECRET')?.default).toBe('(required)');
    expect(configHelp(spec)).toContain('KAFKA_TOPIC_PREFIX');
  });
});
