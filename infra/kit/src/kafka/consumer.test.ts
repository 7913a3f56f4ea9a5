import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { consumerConfig, groupMembershipError } from './consumer.ts';

const { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

/** A broker answer as kafkajs makes it (`type` names the protocol error). */
const answer = (type: string) => Object.assign(new KafkaJSProtocolError(type), { type });
/** kafkajs's retrier wraps what it gives up on, keeping the answer as `cause`. */
const nonRetriable = (cause: Error) => Object.assign(new KafkaJSNonRetriableError(cause), { cause });
const retriesExceeded = (cause: Error) =>
  Object.assign(new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 300 }), { cause });

describe('groupMembershipError', () => {
  it('finds the broker answer kafkajs wraps when a commit comes after the group moved on', () => {
    const unknown = answer('UNKNOWN_MEMBER_ID');
    expect(groupMembershipError(nonRetriable(unknown))).toBe(unknown);
    const generation = answer('ILLEGAL_GENERATION');
    expect(groupMembershipError(retriesExceeded(generation))).toBe(generation);
    expect(groupMembershipError(answer('REBALANCE_IN_PROGRESS'))?.type).toBe('REBALANCE_IN_PROGRESS');
  });

  it('leaves every other failure alone', () => {
    const other = answer('NOT_LEADER_FOR_PARTITION');
    expect(groupMembershipError(nonRetriable(other))).toBeUndefined();
    expect(groupMembershipError(new Error('boom'))).toBeUndefined();
    expect(groupMembershipError('UNKNOWN_MEMBER_ID')).toBeUndefined();
  });
});

describe('consumerConfig', () => {
  it('heartbeats every third of the session and never lets an idle fetch wait longer than a heartbeat', () => {
    expect(consumerConfig('g')).toEqual({
      groupId: 'g',
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 1_000,
    });
    const short = consumerConfig('g', 6_000);
    expect(short.heartbeatInterval).toBe(2_000);
    expect(short.maxWaitTimeInMs).toBe(1_000);
    expect(consumerConfig('g', 60_000).heartbeatInterval).toBe(3_000);
  });

  it("lets the caller's kafkajs settings win", () => {
    const c = consumerConfig('g', 10_000, { maxWaitTimeInMs: 250, maxBytesPerPartition: 1024 });
    expect(c.maxWaitTimeInMs).toBe(250);
    expect(c.maxBytesPerPartition).toBe(1024);
    expect(c.sessionTimeout).toBe(10_000);
  });
});
