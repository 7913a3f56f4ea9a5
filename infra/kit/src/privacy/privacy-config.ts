/**
 * Config fragments of the two privacy keys, composed into the spec of each service that needs them:
 * ingest (both), the gateway (the contact key only). Each key is a base64 variable or, when unset,
 * a key file outside the repository (git-ignored `.local/keys/`), created on first start outside
 * production; in production a service without the key does not start.
 */
import { type ConfigOf, field } from '../config.ts';
import { loadSecretKey, type SecretKey } from './secret-key.ts';

export const CONTACT_STORE_KEY_ENV = 'CONTACT_STORE_KEY';
export const ACCOUNT_HASH_KEY_ENV = 'ACCOUNT_HASH_KEY';

export const contactStoreConfig = {
  contactStoreKey: field.string({
    env: CONTACT_STORE_KEY_ENV,
    doc: "AES-256-GCM key of the residents' contact store, 32 bytes in base64; the same for ingest and the gateway",
    default: '',
    defaultDoc: '(unset: the key file; required, one or the other, when NODE_ENV=production)',
  }),
  contactStoreKeyFile: field.string({
    env: 'CONTACT_STORE_KEY_FILE',
    doc: `Key file read when ${CONTACT_STORE_KEY_ENV} is unset; outside production created (mode 0600) on first start`,
    default: '.local/keys/contact.key',
  }),
} as const;

export const accountHashConfig = {
  accountHashKey: field.string({
    env: ACCOUNT_HASH_KEY_ENV,
    doc: "HMAC-SHA-256 key of residents' own account pseudonyms, 32 bytes in base64 (changing it changes every pseudonym)",
    default: '',
    defaultDoc: '(unset: the key file; required, one or the other, when NODE_ENV=production)',
  }),
  accountHashKeyFile: field.string({
    env: 'ACCOUNT_HASH_KEY_FILE',
    doc: `Key file read when ${ACCOUNT_HASH_KEY_ENV} is unset; outside production created (mode 0600) on first start`,
    default: '.local/keys/account-hash.key',
  }),
} as const;

export function loadContactStoreKey(
  settings: ConfigOf<typeof contactStoreConfig>,
  processEnv?: NodeJS.ProcessEnv,
): SecretKey {
  return loadSecretKey({
    env: CONTACT_STORE_KEY_ENV,
    value: settings.contactStoreKey,
    fileEnv: 'CONTACT_STORE_KEY_FILE',
    file: settings.contactStoreKeyFile,
    purpose: 'contact-store',
    ...(processEnv === undefined ? {} : { processEnv }),
  });
}

export function loadAccountHashKey(
  settings: ConfigOf<typeof accountHashConfig>,
  processEnv?: NodeJS.ProcessEnv,
): SecretKey {
  return loadSecretKey({
    env: ACCOUNT_HASH_KEY_ENV,
    value: settings.accountHashKey,
    fileEnv: 'ACCOUNT_HASH_KEY_FILE',
    file: settings.accountHashKeyFile,
    purpose: 'account-hash',
    ...(processEnv === undefined ? {} : { processEnv }),
  });
}
