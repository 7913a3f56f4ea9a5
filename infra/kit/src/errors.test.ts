import { describe, expect, it } from 'vitest';
import {
  errorCodeOf,
  FenghuoError,
  failureAction,
  isTransientIoError,
  ValidationFailedError,
} from './errors.ts';

class Unavailable extends FenghuoError {
  constructor() {
    super('redis is away', { code: 'STORE_UNAVAILABLE', retriable: true });
  }
}

describe('failureAction', () => {
  it('follows a FenghuoError: retriable → retry, otherwise dead-letter', () => {
    expect(failureAction(new Unavailable())).toBe('retry');
    expect(failureAction(new FenghuoError('unroutable', { code: 'UNROUTABLE' }))).toBe('dead-letter');
    expect(failureAction(new ValidationFailedError('Alert', [{ path: 'level', message: 'bad' }]))).toBe(
      'dead-letter',
    );
  });

  it('takes kafkajs-style retriable flags at their word, but waits out exhausted retries', () => {
    expect(failureAction(Object.assign(new Error('leader moved'), { retriable: true }))).toBe('retry');
    expect(failureAction(Object.assign(new Error('invalid record'), { retriable: false }))).toBe(
      'dead-letter',
    );
    const exhausted = Object.assign(new Error('Connection error: ECONNREFUSED'), {
      name: 'KafkaJSNumberOfRetriesExceeded',
      retriable: false,
    });
    expect(failureAction(exhausted)).toBe('retry');
  });

  it('retries transient I/O errors of libraries that know nothing of FenghuoError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    expect(failureAction(refused)).toBe('retry');
    expect(failureAction(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toBe('retry');
    expect(failureAction(new Error('Connection is closed.'))).toBe('retry');
    expect(failureAction(new Error('LOADING Redis is loading the dataset in memory'))).toBe('retry');
    // A Redis Cluster failing over: the client gave up on its redirections, or found no node.
    expect(
      failureAction(new Error('Too many Cluster redirections. Last error: Error: connect ECONNREFUSED')),
    ).toBe('retry');
    expect(failureAction(new Error('Failed to refresh slots cache.'))).toBe('retry');
  });

  it('dead-letters unknown errors: a bug would fail the same event forever and stall its partition', () => {
    expect(failureAction(new TypeError("Cannot read properties of undefined (reading 'lat')"))).toBe(
      'dead-letter',
    );
    expect(failureAction(new Error('something unexpected'))).toBe('dead-letter');
    expect(failureAction('a string')).toBe('dead-letter');
    expect(failureAction(undefined)).toBe('dead-letter');
  });
});

describe('isTransientIoError and errorCodeOf', () => {
  it('tell network trouble from the rest, and name any error', () => {
    expect(isTransientIoError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientIoError(Object.assign(new Error('no file'), { code: 'ENOENT' }))).toBe(false);
    expect(isTransientIoError(null)).toBe(false);
    expect(errorCodeOf(new Unavailable())).toBe('STORE_UNAVAILABLE');
    expect(errorCodeOf(new TypeError('x'))).toBe('TypeError');
    expect(errorCodeOf(new Error('x'))).toBe('UNEXPECTED_ERROR');
    expect(errorCodeOf(42)).toBe('UNEXPECTED_ERROR');
  });
});
