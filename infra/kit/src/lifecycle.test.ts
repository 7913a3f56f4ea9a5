import { describe, expect, it } from 'vitest';
import { Shutdown } from './lifecycle.ts';
import { createLogger } from './logger.ts';

const silent = createLogger({ service: 'test', level: 'silent' });

describe('Shutdown', () => {
  it('runs every step in reverse order even when one fails, once', async () => {
    const ran: string[] = [];
    const s = new Shutdown(silent)
      .add('redis', () => {
        ran.push('redis');
      })
      .add('consumer', () => {
        ran.push('consumer');
        throw new Error('boom');
      })
      .add('http', async () => {
        ran.push('http');
      });
    const a = s.close();
    const b = s.close();
    expect(a).toBe(b);
    await a;
    await s.close();
    expect(ran).toEqual(['http', 'consumer', 'redis']);
    expect(s.isClosing).toBe(true);
  });

  it('abandons a step that hangs', async () => {
    const ran: string[] = [];
    const s = new Shutdown(silent, 50)
      .add('last', () => {
        ran.push('last');
      })
      .add('hangs', () => new Promise<void>(() => undefined));
    await s.close();
    expect(ran).toEqual(['last']);
  });
});
