import { describe, expect, it } from 'vitest';
import { type FetchedRecord, markAbortedRecords } from './read-committed.ts';

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);

/** `x3` = a transactional record of producer x at offset 3; `X!` / `X+` = its abort / commit marker. */
function log(...entries: string[]): FetchedRecord[] {
  return entries.map((e, i) => {
    const producerId = e[0]!.toLowerCase();
    const marker = e.endsWith('!') ? ABORT : e.endsWith('+') ? COMMIT : undefined;
    return {
      offset: String(i + 10),
      key: marker ?? Buffer.from('k'),
      isControlRecord: marker !== undefined,
      batchContext: { producerId, inTransaction: e !== 'plain' },
    };
  });
}

const handedOver = (records: readonly FetchedRecord[]) =>
  records.filter((r) => !r.isControlRecord).map((r) => Number(r.offset));

describe('markAbortedRecords', () => {
  it('sorts the aborted transactions by first offset (the broker lists them by their markers)', () => {
    // x at 10-11 and y at 12-13 both aborted, y's marker first: listed y, then x.
    const records = log('x', 'x', 'y', 'y', 'Y!', 'X!', 'x', 'X+');
    const partition = {
      abortedTransactions: [
        { producerId: 'y', firstOffset: '12' },
        { producerId: 'x', firstOffset: '10' },
      ],
      messages: records,
    };
    expect(markAbortedRecords(partition)).toBe(4);
    expect(handedOver(records)).toEqual([16]);
    expect(partition.abortedTransactions).toEqual([]);
  });

  it('takes every transaction a fetch starts inside at its first record', () => {
    // The fetch starts at 10, inside x's (from 5) and y's (from 8) aborted transactions.
    const records = log('y', 'x', 'y', 'X!', 'Y!', 'plain');
    const partition = {
      abortedTransactions: [
        { producerId: 'x', firstOffset: '5' },
        { producerId: 'y', firstOffset: '8' },
      ],
      messages: records,
    };
    expect(markAbortedRecords(partition)).toBe(3);
    expect(handedOver(records)).toEqual([15]);
  });

  it("hands over a producer's committed transactions between its aborted ones, and other producers' records", () => {
    const records = log('x', 'X!', 'x', 'z', 'X+', 'x', 'Z+', 'X!');
    const partition = {
      abortedTransactions: [
        { producerId: 'x', firstOffset: '10' },
        { producerId: 'x', firstOffset: '15' },
      ],
      messages: records,
    };
    expect(markAbortedRecords(partition)).toBe(2);
    expect(handedOver(records)).toEqual([12, 13]);
  });

  it('leaves a partition without aborted transactions alone', () => {
    const records = log('x', 'X+');
    expect(markAbortedRecords({ abortedTransactions: [], messages: records })).toBe(0);
    expect(handedOver(records)).toEqual([10]);
  });
});
