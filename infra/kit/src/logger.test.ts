import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { accessLogger, createLogger } from './logger.ts';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('redacts personal data at any depth and drops free text', () => {
    const out = capture();
    const log = createLogger({ service: 'test', destination: out.stream });
    log.info(
      {
        event: { callerNumber: '17012341234', payeeAccount: '6222020200112233445', text: '您的账户涉嫌洗钱' },
        nested: { deeper: { senderNumber: '10659000123' } },
        req: { headers: { authorization: 'Bearer abc' } },
      },
      'hello',
    );
    const [line] = out.lines();
    expect(line).toMatchObject({
      service: 'test',
      level: 'info',
      msg: 'hello',
      event: { callerNumber: '170****1234', payeeAccount: '****3445', text: '[redacted]' },
      nested: { deeper: { senderNumber: '106****0123' } },
      req: { headers: { authorization: '[redacted]' } },
    });
    expect(JSON.stringify(line)).not.toContain('17012341234');
  });

  it("masks a resident's own account and drops their contact details wherever an event is logged", () => {
    const out = capture();
    const log = createLogger({ service: 'test', destination: out.stream });
    log.warn(
      {
        event: {
          kind: 'transfer',
          payerAccount: '6217000011112222333',
          subjectContact: { phone: '13800138000', address: '世纪大道 100 弄', name: '王秀英' },
        },
      },
      'odd event',
    );
    const [line] = out.lines();
    expect(line).toMatchObject({ event: { payerAccount: '****2333', subjectContact: '[redacted]' } });
    const text = JSON.stringify(line);
    for (const secret of ['6217000011112222333', '13800138000', '世纪大道', '王秀英']) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('accessLogger', () => {
  it("keeps personal data inside an error and secret headers out, and leaves the serializers' fields as they are", () => {
    const out = capture();
    const log = accessLogger(createLogger({ service: 'test', destination: out.stream }));
    const child = log.child({ req: { id: 'r-1', method: 'POST', path: '/v1/fraud-indicators' } });
    child.error(
      {
        err: {
          message: 'bad',
          context: { callerNumber: '17012341234', event: { text: '您的账户涉嫌洗钱' } },
        },
        res: { statusCode: 500 },
      },
      'request errored',
    );
    log.info({ req: { headers: { authorization: 'Bearer abc', 'x-signature': 'sig' } } }, 'headers');
    const [failed, headers] = out.lines();
    expect(failed).toMatchObject({
      service: 'test',
      req: { id: 'r-1', method: 'POST', path: '/v1/fraud-indicators' },
      res: { statusCode: 500 },
      err: { message: 'bad', context: { callerNumber: '170****1234', event: { text: '[redacted]' } } },
    });
    expect(headers).toMatchObject({
      req: { headers: { authorization: '[redacted]', 'x-signature': '[redacted]' } },
    });
    expect(JSON.stringify(out.lines())).not.toContain('17012341234');
  });
});
