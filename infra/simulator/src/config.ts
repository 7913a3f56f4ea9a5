/**
 * Simulator configuration: from the environment (SIM_*), each variable also a command-line flag
 * (`--seed 7` is SIM_SEED=7); parsed once at start, a bad value names its variable.
 */
import { type ConfigOf, field, parseConfig } from '@fenghuo/kit';

export const SIM_SUMMARY =
  "a deterministic city day streamed through the public APIs at N× speed: residents' calls, SMS, app installs and transfers with fraud sequences among them and 110 incidents at real hour-of-day rates (through ingest), patrol units and the community officers of the residents' cells whose phones report positions through ingest's /osmand and whose officers answer their orders (and record the outcomes of fraud warnings) through the gateway, watch-listed vehicles fleeing past cameras (sightings through ingest); the ground truth in a file. Or a load generator of N indicators/s. Every variable is also a flag: --seed 7 is SIM_SEED=7";

export const simConfigSpec = {
  ingestUrl: field.url({
    env: 'SIM_INGEST_URL',
    doc: "Ingest's base URL",
    default: 'http://127.0.0.1:8081',
    protocols: ['http', 'https'],
  }),
  keysFile: field.string({
    env: 'SIM_KEYS_FILE',
    doc: "Demo API keys ingest writes at start (INGEST_DEMO=1): the bank's, telecom's, anti-fraud app's and 110's",
    default: '.local/ingest/demo-keys.json',
  }),
  seed: field.int({ env: 'SIM_SEED', doc: 'Seed: the same seed plays the same day', default: 1, min: 0 }),
  speed: field.number({
    env: 'SIM_SPEED',
    doc: 'Simulated time per wall-clock time (1 = real time, 60 = a day in 24 min)',
    default: 1,
    min: 0.01,
    max: 1_000_000,
  }),
  start: field.string({
    env: 'SIM_START',
    doc: 'Simulated start time (ISO 8601); empty = now. Events carry simulated times',
    default: '',
  }),
  durationMin: field.number({
    env: 'SIM_DURATION_MIN',
    doc: 'Simulated minutes to play (with --rate: minutes of load)',
    default: 1440,
    min: 0.01,
  }),
  residents: field.int({
    env: 'SIM_RESIDENTS',
    doc: 'Residents with phones and bank accounts',
    default: 5_000,
    min: 1,
  }),
  indicatorsPerResidentDay: field.number({
    env: 'SIM_INDICATORS_PER_RESIDENT_DAY',
    doc: 'Ordinary indicators per resident per day (mean)',
    default: 4,
    min: 0,
  }),
  homeCells: field.int({
    env: 'SIM_HOME_CELLS',
    doc: "Grid cells the residents live in (a neighbourhood picked by the seed): every indicator carries its resident's home (location and cell), so warnings go to the community officers of these cells, whom the simulator plays with its units (0 = indicators carry no place)",
    default: 12,
    min: 0,
  }),
  victimShare: field.number({
    env: 'SIM_VICTIM_SHARE',
    doc: 'Share of residents who meet a fraud during the period',
    default: 0.005,
    min: 0,
    max: 1,
  }),
  incidentsPerDay: field.number({
    env: 'SIM_INCIDENTS_PER_DAY',
    doc: '110 incidents per day (spread by the hour-of-day rates of real calls for service)',
    default: 400,
    min: 0,
  }),
  truthFile: field.string({
    env: 'SIM_TRUTH_FILE',
    doc: 'Where the ground truth goes (NDJSON: one line per victim, incident, fleeing vehicle and unit, then one per step an officer takes)',
    default: '.local/sim/truth.ndjson',
  }),
  rate: field.number({
    env: 'SIM_RATE',
    doc: 'Load generator: indicators per second in real time instead of the simulated day (0 = off)',
    default: 0,
    min: 0,
  }),
  fleeingPerDay: field.number({
    env: 'SIM_FLEEING_PER_DAY',
    doc: "Watch-listed vehicles a day that flee past the city's cameras (the simulator's supervisor puts their plates on the watch list through the gateway; each camera passed sends a sighting through ingest)",
    default: 6,
    min: 0,
  }),
  gatewayUrl: field.url({
    env: 'SIM_GATEWAY_URL',
    doc: "The gateway's base URL, where the simulated officers log in and answer their orders",
    default: 'http://127.0.0.1:8080',
    protocols: ['http', 'https'],
  }),
  units: field.int({
    env: 'SIM_UNITS',
    doc: "Patrol units the simulator drives (picked by the seed): each patrols the roads, its phone reports positions through ingest's /osmand, its officer answers orders through the gateway; the community officers of the residents' cells (SIM_HOME_CELLS) and their stations' duty desks are played the same way (0 = no units at all)",
    default: 12,
    min: 0,
  }),
  officers: field.bool({
    env: 'SIM_OFFICERS',
    doc: "The units' officers log in to the gateway and answer their orders, and the simulator's supervisor puts the fleeing plates on the watch list (off: no gateway needed; units only patrol and report positions)",
    default: true,
  }),
  reportEverySec: field.number({
    env: 'SIM_REPORT_EVERY_SEC',
    doc: 'Simulated seconds between two positions of a phone (at most 4 reports a wall-clock second per phone)',
    default: 10,
    min: 0.1,
  }),
  ingestKeyStore: field.string({
    env: 'SIM_INGEST_KEY_STORE',
    doc: "Ingest's key file, where the units' phones are registered with `npm run keys -- device add` (INGEST_KEYS_FILE)",
    default: '.local/ingest/keys.json',
  }),
  gatewayUsersFile: field.string({
    env: 'SIM_GATEWAY_USERS_FILE',
    doc: "The gateway's users file, where the units' officers are made with `npm run users -- add` (GATEWAY_USERS_FILE)",
    default: '.local/gateway/users.json',
  }),
  officersFile: field.string({
    env: 'SIM_OFFICERS_FILE',
    doc: "The simulated officers' passwords (mode 0600), kept so a second run logs in without making them again",
    default: '.local/sim/officers.json',
  }),
  batchMax: field.int({
    env: 'SIM_BATCH_MAX',
    doc: 'Most events in one request to ingest',
    default: 500,
    min: 1,
    max: 100_000,
  }),
} as const;

export type SimConfig = ConfigOf<typeof simConfigSpec>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SimConfig {
  return parseConfig(simConfigSpec, env);
}

/** `--seed 7 --speed=60` → `{SIM_SEED: '7', SIM_SPEED: '60'}` for the spec's fields. */
export function flagsToEnv(argv: readonly string[]): Record<string, string> {
  const byFlag = new Map(
    Object.entries(simConfigSpec).map(([key, f]) => [
      key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
      f.env,
    ]),
  );
  const env: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument "${arg}"; flags are --name value (see --help)`);
    const name = m[1] ?? '';
    const variable = byFlag.get(name);
    if (variable === undefined) throw new Error(`unknown flag --${name} (see --help)`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    env[variable] = value;
  }
  return env;
}
