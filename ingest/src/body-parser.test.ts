import { describe, expect, it } from 'vitest';
import { parseBody } from './body-parser.ts';
import { IngestError } from './ingest-error.ts';

const json = 'application/json';
const ndjson = 'application/x-ndjson';

function fail(fn: () => unknown): IngestError {
  try {
    fn();
  } catch (err) {
    if (err instanceof IngestError) return err;
    throw err;
  }
  throw new Error('expected an IngestError');
}

describe('parseBody', () => {
  it('reads one object as a single event and an array as a batch', () => {
    expect(parseBody(Buffer.from('{"a":1}'), json, 10)).toEqual({ items: [{ a: 1 }], batch: false });
    expect(parseBody(Buffer.from('[{"a":1},{"a":2}]'), 'application/json; charset=utf-8', 10)).toEqual({
      items: [{ a: 1 }, { a: 2 }],
      batch: true,
    });
  });

  it('reads NDJSON, skipping blank lines and CRLF endings', () => {
    const body = Buffer.from('{"a":1}\r\n\n{"a":2}\n');
    expect(parseBody(body, ndjson, 10)).toEqual({ items: [{ a: 1 }, { a: 2 }], batch: true });
  });

  it('names every NDJSON line that is not JSON by its index', () => {
    const err = fail(() => parseBody(Buffer.from('{"a":1}\n{oops\n{"a":3}\n[\n'), ndjson, 10));
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_json');
    expect(err.details?.map((d) => d.index)).toEqual([1, 3]);
  });

  it('answers 400 for broken JSON, empty bodies, empty batches and invalid UTF-8', () => {
    expect(fail(() => parseBody(Buffer.from('{"a":'), json, 10)).code).toBe('invalid_json');
    expect(fail(() => parseBody(Buffer.from('  '), json, 10)).code).toBe('empty_body');
    expect(fail(() => parseBody(Buffer.from('[]'), json, 10)).code).toBe('empty_batch');
    expect(fail(() => parseBody(Buffer.from([0x7b, 0xff, 0x7d]), json, 10)).code).toBe('invalid_body');
  });

  it('answers 415 for other media types and 413 above the event limit', () => {
    expect(fail(() => parseBody(Buffer.from('{}'), 'text/plain', 10)).status).toBe(415);
    expect(fail(() => parseBody(Buffer.from('{}'), undefined, 10)).status).toBe(415);
    const big = fail(() =>
      parseBody(Buffer.from(JSON.stringify(Array.from({ length: 11 }, () => ({})))), json, 10),
    );
    expect(big.status).toBe(413);
    const bigNd = fail(() => parseBody(Buffer.from('{}\n'.repeat(12)), ndjson, 10));
    expect(bigNd.status).toBe(413);
    expect(bigNd.message).toContain('12');
  });
});
