import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { slices } from './service.ts';

const message = (offset: number, bytes: number) =>
  ({ offset: String(offset), value: Buffer.alloc(bytes) }) as unknown as KafkaMessage;

describe('slices', () => {
  it('cuts a batch into runs of at most `max` records, in order', () => {
    const batch = Array.from({ length: 7 }, (_, i) => message(i, 10));
    expect(slices(batch, 3).map((s) => s.map((m) => m.offset))).toEqual([
      ['0', '1', '2'],
      ['3', '4', '5'],
      ['6'],
    ]);
  });

  it('keeps a run under half a mebibyte of input, so its entries fit a broker request', () => {
    const batch = Array.from({ length: 10 }, (_, i) => message(i, 200_000));
    const runs = slices(batch, 500);
    expect(runs.map((r) => r.length)).toEqual([2, 2, 2, 2, 2]);
    expect(runs.flat()).toHaveLength(10);
    // A single record larger than that still goes, alone.
    expect(slices([message(0, 900_000), message(1, 10)], 500).map((r) => r.length)).toEqual([1, 1]);
  });
});
