import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { isAccountPseudonym, pseudonymiseAccount } from './account-pseudonym.ts';
import { ContactRecordError, ContactStore, openContact, sealContact } from './contact-store.ts';
import { keyId, loadSecretKey, type SecretKey } from './secret-key.ts';

function key(purpose = 'contact-store'): SecretKey {
  const bytes = randomBytes(32);
  return { bytes, id: keyId(purpose, bytes), origin: 'test' };
}

const contact = { phone: '13800138000', address: '世纪大道 100 弄 5 号 1201 室', name: '王秀英' };

describe('contact records', () => {
  it('round-trips a contact, with a fresh IV and the key id beside the ciphertext', () => {
    const k = key();
    const a = sealContact(k, 'res-1', contact);
    const b = sealContact(k, 'res-1', contact);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
    expect(a.kid).toBe(k.id);
    expect(JSON.stringify(a)).not.toContain('13800138000');
    expect(openContact(k, 'res-1', a)).toEqual(contact);
  });

  it('detects a changed ciphertext, tag or IV', () => {
    const k = key();
    const sealed = sealContact(k, 'res-1', contact);
    const flip = (b64: string) => {
      const buf = Buffer.from(b64, 'base64');
      buf[0] = (buf[0] ?? 0) ^ 1;
      return buf.toString('base64');
    };
    for (const field of ['ct', 'tag', 'iv'] as const) {
      const bad = { ...sealed, [field]: flip(sealed[field]) };
      expect(() => openContact(k, 'res-1', bad)).toThrow(ContactRecordError);
      expect(() => openContact(k, 'res-1', bad)).toThrow(/altered/);
    }
  });

  it("refuses a record moved under another resident's id", () => {
    const k = key();
    expect(() => openContact(k, 'res-2', sealContact(k, 'res-1', contact))).toThrow(/altered/);
  });

  it('refuses a record sealed with another key, even when the key id is forged', () => {
    const k1 = key();
    const k2 = key();
    const sealed = sealContact(k1, 'res-1', contact);
    try {
      openContact(k2, 'res-1', sealed);
      expect.unreachable();
    } catch (err) {
      expect((err as ContactRecordError).code).toBe('CONTACT_RECORD_WRONG_KEY');
    }
    expect(() => openContact(k2, 'res-1', { ...sealed, kid: k2.id })).toThrow(/altered/);
  });

  it('keeps records in Redis under contact:<subjectId>, sealed', async () => {
    const data = new Map<string, string>();
    const redis = {
      get: async (k: string) => data.get(k) ?? null,
      set: async () => 'OK' as const,
      pipeline() {
        const ops: (() => void)[] = [];
        const pipe = {
          set(k: string, v: string) {
            ops.push(() => data.set(k, v));
            return pipe;
          },
          exec: async () =>
            ops.map((op) => {
              op();
              return [null, 'OK'] as [null, string];
            }),
        };
        return pipe;
      },
    };
    const k = key();
    const at = new Date('2026-12-04T04:00:00.000Z');
    const store = new ContactStore(redis as never, k, { now: () => at });
    await store.putMany([{ subjectId: 'res-1', contact }]);
    expect(data.get('contact:res-1')).not.toContain('13800138000');
    expect(await store.get('res-1')).toEqual({ contact, storedAt: at.toISOString() });
    expect(await store.get('res-9')).toBeUndefined();
    await expect(new ContactStore(redis as never, key()).get('res-1')).rejects.toThrow(ContactRecordError);
  });
});

describe('secret keys', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'fh-keys-'));
  const opts = (file: string, value = '', nodeEnv = 'test') => ({
    env: 'CONTACT_STORE_KEY',
    value,
    fileEnv: 'CONTACT_STORE_KEY_FILE',
    file,
    purpose: 'contact-store',
    processEnv: { NODE_ENV: nodeEnv },
  });

  it('creates a missing key file with mode 0600 outside production, then reads the same key', () => {
    const file = join(dir(), 'keys', 'contact.key');
    const first = loadSecretKey(opts(file));
    expect(first.bytes).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(opts(file)).bytes.equals(first.bytes)).toBe(true);
    expect(loadSecretKey(opts(file)).id).toBe(first.id);
    expect(readFileSync(file, 'utf8')).not.toContain(first.id);
  });

  it('takes the variable over the file', () => {
    const value = randomBytes(32).toString('base64');
    const k = loadSecretKey(opts(join(dir(), 'none.key'), value));
    expect(k.bytes.toString('base64')).toBe(value);
    expect(k.origin).toBe('CONTACT_STORE_KEY');
  });

  it('refuses to start in production without a key, and a key of the wrong length anywhere', () => {
    expect(() => loadSecretKey(opts(join(dir(), 'none.key'), '', 'production'))).toThrow(ConfigError);
    expect(() => loadSecretKey(opts(join(dir(), 'none.key'), '', 'production'))).toThrow(/CONTACT_STORE_KEY/);
    expect(() => loadSecretKey(opts(join(dir(), 'x.key'), 'c2hvcnQ='))).toThrow(/32 bytes/);
    const short = join(dir(), 'short.key');
    writeFileSync(short, 'c2hvcnQ=\n');
    expect(() => loadSecretKey(opts(short))).toThrow(/CONTACT_STORE_KEY_FILE/);
  });
});

describe('account pseudonyms', () => {
  it('are stable under one key, differ under another, and hide the account', () => {
    const k = key('account-hash');
    const p = pseudonymiseAccount(k, '6222020200112233445');
    expect(isAccountPseudonym(p)).toBe(true);
    expect(pseudonymiseAccount(k, '6222 0202 0011 2233 445')).toBe(p);
    expect(pseudonymiseAccount(k, '6222020200112233446')).not.toBe(p);
    expect(pseudonymiseAccount(key('account-hash'), '6222020200112233445')).not.toBe(p);
    expect(p).not.toContain('6222020200112233445');
  });
});
