import { describe, expect, it } from 'vitest';
import { deadLetterRecord, deadLetterTopicFor, readDeadLetterHeaders } from './dead-letter.ts';

describe('dead letters', () => {
  it('keep the original key, value and headers and round-trip the reason', () => {
    const record = deadLetterRecord(
      {
        topic: 't1.fraud.indicators',
        partition: 3,
        groupId: 'fraud-scorer',
        message: {
          key: Buffer.from('res-1'),
          value: Buffer.from('{"bad":1}'),
          offset: '42',
          headers: { trace: 'x' },
        },
      },
      {
        code: 'VALIDATION_FAILED',
        message: 'FraudIndicator: kind: required',
        issues: [{ path: 'kind', message: 'required' }],
      },
      new Date('2026-11-27T08:00:00Z'),
    );
    expect(record.key?.toString()).toBe('res-1');
    expect(record.value?.toString()).toBe('{"bad":1}');
    expect(record.headers?.trace).toBe('x');
    const asBuffers = Object.fromEntries(
      Object.entries(record.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
    );
    expect(readDeadLetterHeaders(asBuffers)).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'FraudIndicator: kind: required',
      issues: [{ path: 'kind', message: 'required' }],
      topic: 't1.fraud.indicators',
      partition: 3,
      offset: '42',
      groupId: 'fraud-scorer',
      failedAt: '2026-11-27T08:00:00.000Z',
    });
    expect(deadLetterTopicFor('t1.fraud.indicators')).toBe('t1.fraud.indicators.dlq');
  });

  it('ignores headers that are not a dead letter', () => {
    expect(readDeadLetterHeaders({ trace: Buffer.from('x') })).toBeUndefined();
    expect(readDeadLetterHeaders(undefined)).toBeUndefined();
  });
});
