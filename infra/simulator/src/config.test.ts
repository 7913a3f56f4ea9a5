import { describe, expect, it } from 'vitest';
import { flagsToEnv, loadConfig } from './config.ts';

describe('simulator flags', () => {
  it('maps --flag value and --flag=value onto the SIM_* variables', () => {
    expect(flagsToEnv(['--seed', '7', '--speed=60', '--duration-min', '30', '--rate', '500'])).toEqual({
      SIM_SEED: '7',
      SIM_SPEED: '60',
      SIM_DURATION_MIN: '30',
      SIM_RATE: '500',
    });
    const config = loadConfig({ ...flagsToEnv(['--seed', '7', '--ingest-url', 'http://127.0.0.1:9999']) });
    expect(config).toMatchObject({ seed: 7, speed: 1, ingestUrl: 'http://127.0.0.1:9999', rate: 0 });
  });

  it('refuses unknown flags, missing values and bad values, naming them', () => {
    expect(() => flagsToEnv(['--sed', '7'])).toThrow('unknown flag --sed');
    expect(() => flagsToEnv(['--seed'])).toThrow('--seed needs a value');
    expect(() => loadConfig(flagsToEnv(['--speed', '0']))).toThrow('SIM_SPEED');
  });
});
