import { describe, expect, inject, it } from 'vitest';
import { BrokerNotReadyError, waitForBrokerReady } from '../src/kafka/broker-ready.ts';

describe('waitForBrokerReady', () => {
  it('resolves once the broker answers metadata, coordinates groups and hands out producer ids', async () => {
    const steps: string[] = [];
    await waitForBrokerReady(inject('kafkaBrokers'), { onStep: (s) => steps.push(s) });
    expect(steps).toEqual(['metadata ready', 'group coordinator ready', 'producer ids ready']);
  });

  it('gives up after its time-out with a retriable error naming the broker and the step', async () => {
    const err = await waitForBrokerReady(['127.0.0.1:1'], { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerNotReadyError);
    expect(err).toMatchObject({ code: 'BROKER_NOT_READY', retriable: true });
    expect((err as Error).message).toMatch(/127\.0\.0\.1:1: metadata not ready within 500 ms/);
  });
});
