import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashKey } from './api-keys.ts';
import { KeyStore } from './key-store.ts';

function tempStore(): KeyStore {
  return new KeyStore(join(mkdtempSync(join(tmpdir(), 'ingest-keys-')), 'keys.json'));
}

describe('KeyStore', () => {
  it('stores only the hash, authenticates the key and carries the kinds', () => {
    const store = tempStore();
    const added = store.addKey('bank-a', { kinds: ['fraud-indicators'] });
    const text = readFileSync(store.path, 'utf8');
    expect(text).not.toContain(added.key);
    expect(text).toContain(hashKey(added.key));
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    const p = store.authenticate(added.key);
    expect(p?.source).toBe('bank-a');
    expect(p?.kinds.has('fraud-indicators')).toBe(true);
    expect(p?.kinds.has('incidents')).toBe(false);
    expect(store.authenticate(`${added.key.slice(0, -1)}x`)).toBeUndefined();
    expect(store.authenticate('garbage')).toBeUndefined();
  });

  it('revokes by key id or source, and a second instance sees changes after reload', () => {
    const store = tempStore();
    const a = store.addKey('bank-a', { kinds: ['fraud-indicators'] });
    const b = store.addKey('bank-a', { kinds: ['fraud-indicators'] });
    const reader = new KeyStore(store.path);
    expect(reader.authenticate(a.key)).toBeDefined();
    expect(store.revoke({ keyId: a.id })).toEqual([a.id]);
    reader.reload();
    expect(reader.authenticate(a.key)).toBeUndefined();
    expect(reader.authenticate(b.key)).toBeDefined();
    store.revoke({ source: 'bank-a' });
    expect(store.authenticate(b.key)).toBeUndefined();
  });

  it('registers phones to units and rejects bad names', () => {
    const store = tempStore();
    store.addDevice('phone-1', 'u17');
    expect(store.unitOfDevice('phone-1')).toBe('u17');
    expect(store.unitOfDevice('constructor')).toBeUndefined();
    expect(store.revokeDevice('phone-1')).toBe(true);
    expect(store.unitOfDevice('phone-1')).toBeUndefined();
    expect(() => store.addKey('Bank A', { kinds: ['incidents'] })).toThrow(/source name/);
    expect(() => store.addKey('bank-a', { kinds: [] })).toThrow(/at least one kind/);
    expect(() => store.addDevice('__proto__', 'u1')).toThrow();
  });
});
