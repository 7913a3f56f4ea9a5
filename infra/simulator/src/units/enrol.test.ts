import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { userAddArgs } from './enrol.ts';

describe('userAddArgs', () => {
  // The options `npm run users -- add` parses (dispatch-ui/gateway/scripts/users.ts).
  const parse = (args: string[]) =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        unit: { type: 'string' },
        password: { type: 'string' },
        file: { type: 'string' },
      },
    });

  it('passes a password that starts with a dash as the password, not as an option', () => {
    const { values, positionals } = parse(
      userAddArgs('sim-u1', ['--role', 'officer', '--unit', 'u1'], '-Ab3_x', '/tmp/users.json'),
    );
    expect(positionals).toEqual(['add', 'sim-u1']);
    expect(values).toEqual({ role: 'officer', unit: 'u1', password: '-Ab3_x', file: '/tmp/users.json' });
  });

  it('is what the CLI refuses when the password is a separate argument', () => {
    expect(() => parse(['add', 'sim-u1', '--password', '-Ab3_x'])).toThrow(/ambiguous/);
  });
});
