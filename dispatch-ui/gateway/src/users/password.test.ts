import { describe, expect, it } from 'vitest';
import { hashPassword, randomPassword, verifyPassword } from './password.ts';

const cheap = { N: 1024, r: 8, p: 1 };

describe('passwords', () => {
  it('verify against their scrypt hash, and nothing else does', async () => {
    const hash = await hashPassword('correct horse battery', cheap);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await hashPassword('correct horse battery', cheap)).not.toBe(hash); // salted
  });

  it('never match a malformed or absurd hash (and never spend unbounded memory on one)', async () => {
    for (const bad of [
      '',
      'scrypt$1$2$3',
      'bcrypt$10$x$y$z$w',
      'scrypt$99999999$8$1$AAAA$AAAA',
      'scrypt$1024$8$1$AAAA$AAAA',
    ]) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });

  it('random demo passwords are four groups of four', () => {
    expect(randomPassword()).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(randomPassword()).not.toBe(randomPassword());
  });
});
