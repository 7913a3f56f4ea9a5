/**
 * `npm run users -- <command>`: manage the gateway's users. Run with `--help` for usage.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCityPack, loadOrGenerateDefaultPack } from '@fenghuo/city';
import { USER_ROLES, type UserRole } from '@fenghuo/contracts';
import { FenghuoError } from '@fenghuo/kit/errors';
import { randomPassword } from '../src/users/password.ts';
import { UserStore, UserStoreError } from '../src/users/user-store.ts';

const USAGE = `Usage: npm run users -- <command> [options]

Users of the gateway. Passwords are stored as scrypt hashes; a generated password is printed once.
Running gateways pick up changes within a second (a disabled user can no longer log in or refresh).

Commands:
  add USERNAME --role ROLE [--station ID | --district ID] [--unit ID] [--cell ID] [--password PW]
                      add a user, or replace one (new password, role or binding; enabled again).
                      Operators need a region (--station or --district), officers a unit, grid
                      workers a cell, each one the city pack knows (GATEWAY_CITY_PACK).
                      Without --password one is generated and printed; write one that starts
                      with '-' as --password=-PW.
  list                users with their role, binding and state (no hashes)
  disable USERNAME    no more logins or refreshes; open sockets are closed within seconds

Roles: ${USER_ROLES.join(', ')}

Options:
  --file PATH         users file (default: $GATEWAY_USERS_FILE or .local/gateway/users.json)
  --json              machine-readable output (add, list)
  -h, --help
`;

/** A region, unit or cell the city pack (`GATEWAY_CITY_PACK`, default `default`) does not know. */
function unknownBinding(v: {
  station?: string;
  district?: string;
  unit?: string;
  cell?: string;
}): string | undefined {
  if (v.station === undefined && v.district === undefined && v.unit === undefined && v.cell === undefined) {
    return undefined;
  }
  const name = process.env.GATEWAY_CITY_PACK ?? 'default';
  const pack = name === 'default' ? loadOrGenerateDefaultPack().pack : loadCityPack(name);
  const known = (kind: string, id: string | undefined, ids: readonly string[]) =>
    id === undefined || ids.includes(id)
      ? undefined
      : `the city pack "${name}" has no ${kind} "${id}" (e.g. ${ids.slice(0, 3).join(', ')})`;
  return (
    known(
      'station',
      v.station,
      pack.stations.map((s) => s.id),
    ) ??
    known(
      'district',
      v.district,
      pack.districts.map((d) => d.id),
    ) ??
    known(
      'unit',
      v.unit,
      pack.units.map((u) => u.id),
    ) ??
    known(
      'cell',
      v.cell,
      pack.cells.map((c) => c.id),
    )
  );
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      file: { type: 'string' },
      role: { type: 'string' },
      station: { type: 'string' },
      district: { type: 'string' },
      unit: { type: 'string' },
      cell: { type: 'string' },
      password: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [command, username, ...extra] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (extra.length > 0) throw new UserStoreError(`unexpected arguments: ${extra.join(' ')}`);
  const store = new UserStore(
    resolve(values.file ?? process.env.GATEWAY_USERS_FILE ?? '.local/gateway/users.json'),
  );
  const need = (what: string, value: string | undefined): string => {
    if (value === undefined || value === '') throw new UserStoreError(`${command} needs ${what}`);
    return value;
  };

  switch (command) {
    case 'add': {
      const name = need('a USERNAME', username);
      const role = need('--role', values.role);
      if (!(USER_ROLES as readonly string[]).includes(role)) {
        throw new UserStoreError(`unknown role "${role}"; roles: ${USER_ROLES.join(', ')}`);
      }
      if (values.station !== undefined && values.district !== undefined) {
        throw new UserStoreError('a region is a --station or a --district, not both');
      }
      const unknown = unknownBinding(values);
      if (unknown) throw new UserStoreError(unknown);
      const password = values.password ?? randomPassword();
      const identity = await store.put(name, {
        role: role as UserRole,
        ...(values.station ? { region: { kind: 'station' as const, id: values.station } } : {}),
        ...(values.district ? { region: { kind: 'district' as const, id: values.district } } : {}),
        ...(values.unit ? { unitId: values.unit } : {}),
        ...(values.cell ? { gridCellId: values.cell } : {}),
        password,
      });
      if (values.json) console.log(JSON.stringify({ ...identity, ...(values.password ? {} : { password }) }));
      else {
        console.log(`user ${identity.username}  role ${identity.role}  in ${store.path}`);
        if (!values.password) console.log(`password (shown once, give it to the user now): ${password}`);
      }
      return 0;
    }
    case 'list': {
      const users = store.list().map(({ username: u, record }) => {
        const { passwordHash: _hash, ...rest } = record;
        return { username: u, ...rest };
      });
      if (values.json) {
        console.log(JSON.stringify(users));
        return 0;
      }
      console.log(`users file ${store.path}`);
      if (users.length === 0) console.log('no users');
      for (const u of users) {
        const binding = u.region
          ? `${u.region.kind} ${u.region.id}`
          : u.unitId
            ? `unit ${u.unitId}`
            : u.gridCellId
              ? `cell ${u.gridCellId}`
              : '';
        const state = u.disabledAt ? `disabled ${u.disabledAt}` : 'active';
        console.log(
          `${u.username.padEnd(16)} ${u.role.padEnd(11)} ${binding.padEnd(22)} ${state}${u.demo ? '  (demo)' : ''}`,
        );
      }
      return 0;
    }
    case 'disable': {
      const done = store.disable(need('a USERNAME', username));
      console.log(done ? `disabled ${username}` : `no active user ${username}`);
      return done ? 0 : 1;
    }
    default:
      throw new UserStoreError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const known = err instanceof FenghuoError || (err instanceof Error && 'code' in err);
    console.error(known ? `error: ${(err as Error).message}` : err);
    process.exitCode = 1;
  },
);
