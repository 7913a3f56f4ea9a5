import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { groupMembershipError } from './consumer.ts';

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
