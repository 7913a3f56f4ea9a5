import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

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
});
