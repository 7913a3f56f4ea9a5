/**
 * Gives each simulated unit a phone and an officer, the way an administrator does: the phone's
 * device id is registered to the unit with ingest's `npm run keys -- device add`, the officer is a
 * gateway user bound to the unit made with `npm run users -- add` (both CLIs write their service's
 * file under a lock; the running services pick the change up within a second). Officers' passwords
 * are kept in a file of the simulator (mode 0600), so a second run logs in without making them again.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SimulatorError } from '../ingest-client.ts';
import { login } from './gateway-link.ts';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

export interface EnrolOptions {
  /** Ingest's key file (`INGEST_KEYS_FILE`), where phones are registered. */
  readonly ingestKeyFile: string;
  /** The gateway's users file (`GATEWAY_USERS_FILE`). */
  readonly usersFile: string;
  /** Where the simulated officers' passwords are kept. */
  readonly credentialsFile: string;
  readonly gatewayUrl: string;
  /** Make officers too (else phones only). @defaultValue `true` */
  readonly officers?: boolean;
  /** CLIs run at once (each is a process). @defaultValue `3` */
  readonly parallel?: number;
}

export interface Enrolled {
  readonly unitId: string;
  readonly deviceId: string;
  readonly username: string;
  readonly password: string;
}

export function deviceIdOf(unitId: string): string {
  return `sim-phone-${unitId}`;
}

export function usernameOf(unitId: string): string {
  return `sim-${unitId}`;
}

async function cli(script: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new SimulatorError(
      `${script} ${args.slice(0, 3).join(' ')} failed: ${e.stderr?.trim() || e.message}`,
      'SIM_ENROL_FAILED',
    );
  }
}

/**
 * `npm run users -- add` arguments. The password goes as one `--password=PW` argument: a base64url
 * password starts with '-' once in 64, and `--password -xyz` is refused as ambiguous.
 */
export function userAddArgs(
  username: string,
  binding: readonly string[],
  password: string,
  usersFile: string,
): string[] {
  return ['add', username, ...binding, `--password=${password}`, '--file', usersFile];
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** Gateway users (with their CLI arguments) whose saved password no longer logs in are made again. */
async function ensureUsers(
  users: readonly { username: string; args: readonly string[] }[],
  opts: EnrolOptions,
): Promise<Record<string, string>> {
  const parallel = opts.parallel ?? 3;
  const usersScript = join(REPO_ROOT, 'dispatch-ui/gateway/scripts/users.ts');
  const saved: Record<string, string> = existsSync(opts.credentialsFile)
    ? (JSON.parse(readFileSync(opts.credentialsFile, 'utf8')) as { passwords: Record<string, string> })
        .passwords
    : {};
  const toMake: (typeof users)[number][] = [];
  await inBatches(users, parallel, async (user) => {
    const password = saved[user.username];
    if (password !== undefined) {
      try {
        await login(opts.gatewayUrl, user.username, password);
        return;
      } catch (err) {
        if (!(err instanceof SimulatorError) || err.code !== 'SIM_LOGIN_REFUSED') throw err;
      }
    }
    toMake.push(user);
  });
  await inBatches(toMake, parallel, async (user) => {
    const password = randomBytes(12).toString('base64url');
    await cli(usersScript, userAddArgs(user.username, user.args, password, opts.usersFile));
    saved[user.username] = password;
  });
  if (toMake.length > 0) {
    mkdirSync(dirname(opts.credentialsFile), { recursive: true });
    writeFileSync(opts.credentialsFile, `${JSON.stringify({ passwords: saved }, null, 2)}\n`, {
      mode: 0o600,
    });
  }
  return saved;
}

/** The simulator's supervisor (`sim-supervisor`), who puts the fleeing vehicles' plates on the watch list. */
export async function enrolSupervisor(opts: EnrolOptions): Promise<{ username: string; password: string }> {
  const username = 'sim-supervisor';
  const saved = await ensureUsers([{ username, args: ['--role', 'supervisor'] }], opts);
  return { username, password: saved[username] as string };
}

/** Phones and officers for `unitIds`; makes only those missing. */
export async function enrolUnits(unitIds: readonly string[], opts: EnrolOptions): Promise<Enrolled[]> {
  const parallel = opts.parallel ?? 3;
  const keysScript = join(REPO_ROOT, 'ingest/scripts/keys.ts');

  const listed = JSON.parse(await cli(keysScript, ['list', '--json', '--file', opts.ingestKeyFile])) as {
    devices?: Record<string, { unitId: string; revokedAt?: string }>;
  };
  const missingDevices = unitIds.filter((u) => {
    const d = listed.devices?.[deviceIdOf(u)];
    return d === undefined || d.unitId !== u || d.revokedAt !== undefined;
  });
  await inBatches(missingDevices, parallel, async (unitId) => {
    await cli(keysScript, [
      'device',
      'add',
      '--device',
      deviceIdOf(unitId),
      '--unit',
      unitId,
      '--file',
      opts.ingestKeyFile,
    ]);
  });

  if (opts.officers === false) {
    return unitIds.map((unitId) => ({
      unitId,
      deviceId: deviceIdOf(unitId),
      username: usernameOf(unitId),
      password: '',
    }));
  }
  const saved = await ensureUsers(
    unitIds.map((unitId) => ({
      username: usernameOf(unitId),
      args: ['--role', 'officer', '--unit', unitId],
    })),
    opts,
  );
  const out: Enrolled[] = [];
  for (const unitId of unitIds) {
    const username = usernameOf(unitId);
    out.push({ unitId, deviceId: deviceIdOf(unitId), username, password: saved[username] as string });
  }
  return out;
}
