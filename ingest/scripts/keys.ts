/**
 * `npm run keys -- <command>`: manage ingest sources, their API keys and registered phones.
 * Run with `--help` for usage.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FenghuoError } from '@fenghuo/kit/errors';
import { KeyStore, KeyStoreError } from '../src/key-store.ts';
import { EVENT_KINDS, parseKinds } from '../src/kinds.ts';

const USAGE = `Usage: npm run keys -- <command> [options]

Sources, API keys and phones of ingest. Keys are stored hashed (SHA-256); a new key is printed once.
A running ingest picks up changes within a second.

Commands:
  add --source NAME --kinds K1,K2 [--require-signature]
                      create the source (or update its kinds) and issue a new key
  list                sources with their kinds and keys (ids only), and phones
  revoke --key-id ID  revoke one key
  revoke --source NAME
                      revoke every key of a source
  device add --device ID --unit UNIT
                      register a phone (Traccar Client device identifier) to a unit
  device revoke --device ID

Kinds: ${EVENT_KINDS.join(', ')}

Options:
  --file PATH         key file (default: $INGEST_KEYS_FILE or .local/ingest/keys.json)
  --json              machine-readable output (add, list)
  -h, --help

Signing (optional, required with --require-signature): send
  X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
keyed with the hex SHA-256 of the API key.
`;

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      file: { type: 'string' },
      source: { type: 'string' },
      kinds: { type: 'string' },
      'require-signature': { type: 'boolean' },
      'key-id': { type: 'string' },
      device: { type: 'string' },
      unit: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [command, sub, ...extra] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const store = new KeyStore(
    resolve(values.file ?? process.env.INGEST_KEYS_FILE ?? '.local/ingest/keys.json'),
  );
  const need = (name: string, value: string | undefined): string => {
    if (value === undefined || value === '') throw new KeyStoreError(`${command} needs --${name}`);
    return value;
  };

  switch (command) {
    case 'add': {
      const added = store.addKey(need('source', values.source), {
        kinds: parseKinds(need('kinds', values.kinds)),
        ...(values['require-signature'] ? { requireSignature: true } : {}),
      });
      if (values.json) console.log(JSON.stringify(added));
      else {
        console.log(`source ${added.source}  kinds ${added.kinds.join(',')}  key id ${added.id}`);
        console.log(`key (shown once, store it now): ${added.key}`);
      }
      return 0;
    }
    case 'list': {
      const file = store.snapshot();
      if (values.json) {
        console.log(JSON.stringify(file));
        return 0;
      }
      console.log(`key file ${store.path}`);
      const names = Object.keys(file.sources).sort();
      if (names.length === 0) console.log('no sources');
      for (const name of names) {
        const s = file.sources[name]!;
        const live = s.keys.filter((k) => k.revokedAt === undefined);
        console.log(
          `${name}  kinds ${s.kinds.join(',')}${s.requireSignature ? '  signature required' : ''}  ${live.length} live key(s)`,
        );
        for (const k of s.keys) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : 'live';
          console.log(`  ${k.id}  created ${k.createdAt}  ${state}${k.demo ? '  (demo)' : ''}`);
        }
      }
      for (const [id, d] of Object.entries(file.devices).sort()) {
        console.log(`device ${id} → unit ${d.unitId}${d.revokedAt ? `  revoked ${d.revokedAt}` : ''}`);
      }
      return 0;
    }
    case 'revoke': {
      if (values['key-id'] === undefined && values.source === undefined)
        throw new KeyStoreError('revoke needs --key-id or --source');
      const revoked = store.revoke({
        ...(values['key-id'] === undefined ? {} : { keyId: values['key-id'] }),
        ...(values.source === undefined ? {} : { source: values.source }),
      });
      console.log(revoked.length === 0 ? 'nothing to revoke' : `revoked ${revoked.join(', ')}`);
      return revoked.length === 0 ? 1 : 0;
    }
    case 'device': {
      if (extra.length > 0) throw new KeyStoreError(`unexpected arguments: ${extra.join(' ')}`);
      if (sub === 'add') {
        store.addDevice(need('device', values.device), need('unit', values.unit));
        console.log(`device ${values.device} → unit ${values.unit}`);
        return 0;
      }
      if (sub === 'revoke') {
        const done = store.revokeDevice(need('device', values.device));
        console.log(done ? `revoked device ${values.device}` : 'no such live device');
        return done ? 0 : 1;
      }
      throw new KeyStoreError(`device needs add or revoke\n\n${USAGE}`);
    }
    default:
      throw new KeyStoreError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  // Our own errors (a bad argument, a bad file, a held lock) and Node's argument errors: the message is enough.
  const known =
    err instanceof FenghuoError || (err instanceof Error && (/kind/.test(err.message) || 'code' in err));
  console.error(known ? `error: ${(err as Error).message}` : err);
  process.exitCode = 1;
}
