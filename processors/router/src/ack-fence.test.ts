import { createLogger, ManualClock } from '@fenghuo/kit';
import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { AckFence, type AckOffsetsSource, kafkaAckOffsets, type PartitionWatermark } from './ack-fence.ts';

/** A topic of two partitions whose high watermarks and group commits the test moves by hand. */
class FakeOffsets implements AckOffsetsSource {
  highs = [0, 0];
  lows = [0, 0];
  commits = new Map<number, number>();
  failing = false;
  asked = 0;

  async watermarks(): Promise<PartitionWatermark[]> {
    this.asked += 1;
    if (this.failing) throw new Error('broker unreachable');
    return this.highs.map((h, partition) => ({
      partition,
      low: String(this.lows[partition]),
      high: String(h),
    }));
  }

  async committed(): Promise<Map<number, string>> {
    if (this.failing) throw new Error('broker unreachable');
    return new Map(this.highs.map((_, p) => [p, String(this.commits.get(p) ?? -1)] as const));
  }
}

const logger = createLogger({ service: 'ack-fence-test', level: 'silent' });

function setUp(maxWaitMs = 60_000) {
  const clock = new ManualClock(1_000_000);
  const src = new FakeOffsets();
  return { clock, src, fence: new AckFence(src, clock, logger, { maxWaitMs }) };
}

describe('AckFence', () => {
  it('a group that has read everything is read through now', async () => {
    const { clock, src, fence } = setUp();
    src.highs = [5, 3];
    src.commits.set(0, 5).set(1, 3);
    expect(await fence.readThrough(clock.now())).toBe(clock.now());
  });

  it('empty partitions never hold it back, also where the group never committed', async () => {
    const { clock, src, fence } = setUp();
    src.highs = [7, 0];
    src.lows = [7, 0]; // partition 0's records are gone by retention
    expect(await fence.readThrough(clock.now())).toBe(clock.now());
  });

  it('waits for the watermarks taken when asked, not for records appended later', async () => {
    const { clock, src, fence } = setUp();
    src.highs = [5, 3];
    src.commits.set(0, 5).set(1, 2);
    const t0 = clock.now();
    expect(await fence.readThrough(t0)).toBe(Number.NEGATIVE_INFINITY);
    // More answers arrive and the group reads partition 1 up to the first target, not beyond.
    clock.advance(500);
    src.highs = [9, 6];
    src.commits.set(1, 3);
    expect(await fence.readThrough(clock.now())).toBe(t0);
    // A later deadline needs a new target: read at this moment, reached later.
    clock.advance(500);
    const t1 = clock.now();
    expect(await fence.readThrough(t1)).toBe(t0);
    src.commits.set(0, 9).set(1, 6);
    clock.advance(500);
    expect(await fence.readThrough(t1)).toBe(t1);
  });

  it('a partition with records the group never committed holds it back', async () => {
    const { clock, src, fence } = setUp();
    src.highs = [2, 0];
    expect(await fence.readThrough(clock.now())).toBe(Number.NEGATIVE_INFINITY);
  });

  it('asks the broker only for a deadline past what is known', async () => {
    const { clock, src, fence } = setUp();
    const t0 = clock.now();
    expect(await fence.readThrough(t0)).toBe(t0);
    const asked = src.asked;
    clock.advance(100);
    expect(await fence.readThrough(t0 - 50)).toBe(t0);
    expect(src.asked).toBe(asked);
  });

  it('after maxWaitMs without reaching a target, deadlines escalate without it until one is reached', async () => {
    const { clock, src, fence } = setUp(10_000);
    src.highs = [4, 4];
    src.commits.set(0, 4).set(1, 1); // the owner of partition 1 is stuck
    const t0 = clock.now();
    expect(await fence.readThrough(t0)).toBe(Number.NEGATIVE_INFINITY);
    clock.advance(9_999);
    expect(await fence.readThrough(clock.now())).toBe(Number.NEGATIVE_INFINITY);
    clock.advance(1);
    expect(await fence.readThrough(clock.now())).toBe(clock.now());
    clock.advance(3_000);
    expect(await fence.readThrough(clock.now())).toBe(clock.now());
    // Unstuck: the target is reached, and later deadlines wait for the group again.
    src.commits.set(1, 4);
    expect(await fence.readThrough(clock.now())).toBe(t0);
    src.highs = [4, 6];
    clock.advance(100);
    expect(await fence.readThrough(clock.now())).toBe(t0);
  });

  it('a broker that cannot answer holds deadlines back for maxWaitMs, then lets them go', async () => {
    const clock = new ManualClock(1_000_000);
    const src = new FakeOffsets();
    let givenUp = 0;
    const fence = new AckFence(src, clock, logger, { maxWaitMs: 10_000, onGiveUp: () => givenUp++ });
    src.failing = true;
    expect(await fence.readThrough(clock.now())).toBe(Number.NEGATIVE_INFINITY);
    clock.advance(10_000);
    expect(await fence.readThrough(clock.now())).toBe(clock.now());
    clock.advance(500);
    expect(await fence.readThrough(clock.now())).toBe(clock.now());
    expect(givenUp).toBe(1);
  });

  it('maxWaitMs 0 never waits', async () => {
    const { clock, src, fence } = setUp(0);
    src.highs = [3, 3];
    expect(await fence.readThrough(clock.now())).toBe(clock.now());
    expect(src.asked).toBe(0);
  });

  it("the broker's source gives up on a request that gets no answer, and connects afresh next time", async () => {
    let admins = 0;
    let disconnects = 0;
    const kafka = {
      admin: () => {
        admins += 1;
        return {
          connect: async () => {},
          disconnect: async () => {
            disconnects += 1;
          },
          // The first admin's broker never answers; the next one does.
          fetchTopicOffsets: () =>
            admins === 1
              ? new Promise(() => {})
              : Promise.resolve([{ partition: 0, offset: '3', high: '3', low: '0' }]),
        };
      },
    } as unknown as Kafka;
    const src = kafkaAckOffsets(kafka, 'g', 'dispatch.acks', 50);
    await expect(src.watermarks()).rejects.toThrow('no answer about dispatch.acks within 50 ms');
    expect(disconnects).toBe(1);
    expect(await src.watermarks()).toEqual([{ partition: 0, low: '0', high: '3' }]);
    expect(admins).toBe(2);
    await src.close();
  });
});
