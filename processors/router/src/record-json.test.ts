import { bindingFor, examples, Topic } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { outboxJson, recordJson } from './record-json.ts';

const outputs = {
  orders: [examples[Topic.DispatchOrders], { ...examples[Topic.DispatchOrders], revision: 2 }],
  timeline: [examples[Topic.TimelineEvents]],
  audits: [examples[Topic.AuditEvents]],
  statuses: [],
};

describe('record texts made once', () => {
  it('are what the contracts encode on Kafka', () => {
    for (const topic of [Topic.DispatchOrders, Topic.TimelineEvents, Topic.UnitsStatus, Topic.AuditEvents]) {
      const record = examples[topic];
      expect(recordJson(record)).toBe(
        bindingFor(topic)
          .codec.encode(record as never)
          .toString(),
      );
      // The second time, the same text.
      expect(recordJson(record)).toBe(JSON.stringify(record));
    }
  });

  it('make the outbox entry JSON.stringify makes', () => {
    expect(outboxJson(1_764_000_000_123, 'corr-1', outputs)).toBe(
      JSON.stringify({ at: 1_764_000_000_123, cid: 'corr-1', o: outputs }),
    );
    expect(outboxJson(5, undefined, outputs)).toBe(JSON.stringify({ at: 5, o: outputs }));
    expect(JSON.parse(outboxJson(5, undefined, { orders: [], statuses: [] }))).toEqual({
      at: 5,
      o: { orders: [], statuses: [] },
    });
  });
});
