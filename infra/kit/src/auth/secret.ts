/**
 * The one signing key of people's tokens, shared by the gateway (which issues them) and every
 * service that verifies them (the rules service, the interceptor's API): the environment variable
 * `AUTH_JWT_SECRET`, the same value on every instance of every one of them.
 *
 * - With `NODE_ENV=production` it is required and must be at least 32 characters; a service
 *   without it does not start (a {@link ConfigError} naming the variable).
 * - Elsewhere (development, tests) it may be left unset: then {@link DEV_AUTH_SECRET}, a fixed and
 *   public value, so a gateway and a rules service started by `npm start` agree without setup. A
 *   token signed with it is worthless outside the machine that made it.
 */
import { type ConfigOf, field } from '../config.ts';
import { ConfigError } from '../errors.ts';

/** The variable every service reads the key from. */
export const AUTH_SECRET_ENV = 'AUTH_JWT_SECRET';

/** Shortest secret accepted (HS256 wants at least 256 bits of key). */
export const MIN_AUTH_SECRET_LENGTH = 32;

/** Development key, used only outside production when `AUTH_JWT_SECRET` is unset. Public: never secret. */
export const DEV_AUTH_SECRET = 'fenghuo-development-only-signing-key-not-a-secret';

/** Config fragment: compose it into a service's spec with `...authConfig`. */
export const authConfig = {
  authJwtSecret: field.string({
    env: AUTH_SECRET_ENV,
    doc: `HS256 key of people's tokens, the same for the gateway and every service verifying them (at least ${MIN_AUTH_SECRET_LENGTH} characters)`,
    default: '',
    defaultDoc: '(required when NODE_ENV=production; a public development key otherwise)',
  }),
} as const;

export type AuthSettings = ConfigOf<typeof authConfig>;

/**
 * The key bytes from the configured value: the value itself when set (at least
 * {@link MIN_AUTH_SECRET_LENGTH} characters), {@link DEV_AUTH_SECRET} when unset outside
 * production. Throws a {@link ConfigError} naming `AUTH_JWT_SECRET` otherwise.
 */
export function resolveAuthSecret(settings: AuthSettings, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  const value = settings.authJwtSecret;
  if (value === '') {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError([
        { variable: AUTH_SECRET_ENV, reason: 'required when NODE_ENV=production (the tokens signing key)' },
      ]);
    }
    return new TextEncoder().encode(DEV_AUTH_SECRET);
  }
  if (value.length < MIN_AUTH_SECRET_LENGTH) {
    throw new ConfigError([
      {
        variable: AUTH_SECRET_ENV,
        reason: `must be at least ${MIN_AUTH_SECRET_LENGTH} characters, got ${value.length}`,
      },
    ]);
  }
  return new TextEncoder().encode(value);
}
