/**
 * `npm run simulate`: plays a simulated day through ingest, or (`--rate N`) generates load. Wiring
 * only: config → city cells → plan (ground truth written first) → play → summary. Ctrl-C stops
 * after the request in flight.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { City, loadOrGenerateDefaultPack } from '@fenghuo/city';
import { exitWithHelpIfAsked, FenghuoError } from '@fenghuo/kit';
import { flagsToEnv, loadConfig, SIM_SUMMARY, type SimConfig, simConfigSpec } from './config.ts';
import { IngestClient, readDemoKeys } from './ingest-client.ts';
import { planSimulation } from './plan.ts';
import { generateLoad, type PlayStats, play } from './player.ts';
import { deviceIdOf, type Enrolled, enrolSupervisor, enrolUnits, usernameOf } from './units/enrol.ts';
import { OfficerLink } from './units/gateway-link.ts';
import { communityOfficersOf, dutyDesksOf, pickPatrolUnits } from './units/pick.ts';
import { UnitsRunner, type UnitsStats } from './units/units-runner.ts';

exitWithHelpIfAsked({ service: 'simulator', summary: SIM_SUMMARY, spec: simConfigSpec });

function say(line: string): void {
  console.log(`[sim] ${line}`);
}

function unitsSummary(s: UnitsStats): string {
  return `units: ${s.positionsAccepted}/${s.positionsSent} positions accepted; officers: ${s.ordersSeen} orders, ${s.acksOk} answers (${s.acksFailed} failed), ${s.outcomesOk} outcomes (${s.outcomesFailed} failed)`;
}

function summary(stats: PlayStats): string {
  return `${stats.byKind['fraud-indicators']} indicators, ${stats.byKind.incidents} incidents, ${stats.byKind.sightings} sightings sent (${stats.accepted} accepted, ${stats.duplicates} duplicates, ${stats.retries} retries)`;
}

/**
 * The fleeing vehicles' plates go on the watch list as a supervisor puts them there: a command
 * through the gateway. Without officers (no gateway) their sightings are sent all the same.
 */
/** How many times the simulator's supervisor asks for a plate before giving up. */
const WATCHLIST_ATTEMPTS = 4;

async function watchPlates(plates: readonly string[], config: SimConfig, gatewayUrl: string): Promise<void> {
  if (!config.officers) {
    say(`${plates.length} fleeing vehicles not put on the watch list (no gateway with --officers 0)`);
    return;
  }
  const supervisor = await enrolSupervisor({
    ingestKeyFile: resolve(config.ingestKeyStore),
    usersFile: resolve(config.gatewayUsersFile),
    credentialsFile: resolve(config.officersFile),
    gatewayUrl,
  });
  const link = new OfficerLink({ gatewayUrl, ...supervisor, onWarning: say });
  await link.open();
  try {
    for (const plate of plates) {
      const req = {
        commandId: randomUUID(),
        command: { type: 'watchlist_add', plate, reason: 'reported stolen (simulated)' },
      } as const;
      // A busy gateway may answer after the ack time-out: ask again with the same command id (adding
      // a plate twice leaves it on the list once). A refusal is final.
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await link.command(req);
          if (!res.ok)
            throw new FenghuoError(`watch list refused ${plate}: ${res.error.message}`, {
              code: 'SIM_REFUSED',
            });
          break;
        } catch (err) {
          if ((err instanceof FenghuoError && err.code === 'SIM_REFUSED') || attempt >= WATCHLIST_ATTEMPTS)
            throw err;
          say(
            `watch list: ${plate} not answered (${(err as Error).message}); asking again (${attempt + 1}/${WATCHLIST_ATTEMPTS})`,
          );
          await new Promise((ok) => setTimeout(ok, 2_000));
        }
      }
    }
  } finally {
    link.close();
  }
  say(`${plates.length} plates on the watch list (${supervisor.username}): ${plates.join(', ')}`);
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, ...flagsToEnv(process.argv.slice(2)) });
  const startMs = config.start === '' ? Date.now() : Date.parse(config.start);
  if (!Number.isFinite(startMs))
    throw new FenghuoError(`SIM_START: not an ISO time: "${config.start}"`, { code: 'CONFIG_INVALID' });
  const runId = `sim${config.seed}-${startMs.toString(36)}`;
  const client = new IngestClient({
    baseUrl: config.ingestUrl.replace(/\/$/, ''),
    keys: readDemoKeys(resolve(config.keysFile)),
  });
  let stopping = false;
  process.on('SIGINT', () => {
    if (stopping) process.exit(130);
    stopping = true;
    say('stopping after the request in flight (Ctrl-C again to quit now)');
  });
  process.on('SIGTERM', () => {
    stopping = true;
  });

  if (config.rate > 0) {
    say(
      `load: ${config.rate} indicators/s for ${config.durationMin} min to ${config.ingestUrl} (seed ${config.seed})`,
    );
    const started = Date.now();
    const stats = await generateLoad(client, {
      seed: config.seed,
      ratePerSec: config.rate,
      durationMs: config.durationMin * 60_000,
      residents: config.residents,
      victimShare: config.victimShare,
      batchMax: config.batchMax,
      runId,
      stopped: () => stopping,
      onProgress: (s, ms) => say(`${(s.sent / (ms / 1000)).toFixed(0)} indicators/s so far; ${summary(s)}`),
    });
    const secs = (Date.now() - started) / 1000;
    say(`done: ${summary(stats)} in ${secs.toFixed(1)} s`);
    console.log(
      JSON.stringify({
        mode: 'load',
        targetPerSec: config.rate,
        achievedPerSec: Math.round(stats.sent / secs),
        sent: stats.sent,
        accepted: stats.accepted,
        retries: stats.retries,
      }),
    );
    return;
  }

  const city = loadOrGenerateDefaultPack();
  const roads = new City(city.pack).router;
  const cells = city.pack.cells.map((c) => ({
    id: c.id,
    ring: (c.polygon[0] ?? []).map(([lon, lat]) => [lon, lat] as const),
  }));
  const plan = planSimulation(
    {
      seed: config.seed,
      startMs,
      durationMin: config.durationMin,
      residents: config.residents,
      indicatorsPerResidentDay: config.indicatorsPerResidentDay,
      victimShare: config.victimShare,
      incidentsPerDay: config.incidentsPerDay,
      fleeingPerDay: config.fleeingPerDay,
      homeCells: config.homeCells,
      runId,
    },
    cells,
    { router: roads, cameras: city.pack.cameras },
  );
  const truthFile = resolve(config.truthFile);
  mkdirSync(dirname(truthFile), { recursive: true });
  const header = {
    type: 'run',
    runId,
    seed: config.seed,
    startAt: new Date(startMs).toISOString(),
    durationMin: config.durationMin,
    speed: config.speed,
    ...plan.counts,
  };
  writeFileSync(truthFile, `${[header, ...plan.truth].map((r) => JSON.stringify(r)).join('\n')}\n`);
  say(
    `seed ${config.seed}: ${plan.counts.indicators} indicators of ${config.residents} residents (${plan.counts.victims} fraud victims), ` +
      `${plan.counts.incidents} incidents, ${plan.counts.fleeing} fleeing vehicles over ${config.durationMin} simulated min at ${config.speed}×; ground truth in ${truthFile}`,
  );
  const ingestUrl = config.ingestUrl.replace(/\/$/, '');
  const gatewayUrl = config.gatewayUrl.replace(/\/$/, '');
  let wallStart = Date.now();
  const clock = () => startMs + (Date.now() - wallStart) * config.speed;
  let runner: UnitsRunner | undefined;
  if (config.units > 0) {
    const patrol = pickPatrolUnits(city.pack.units, config.units, config.seed);
    // The community officers of the cells the residents live in: fraud warnings go to them first.
    const community = communityOfficersOf(city.pack, plan.homeCells);
    // Their stations' duty desks: the next rung when a community officer is busy.
    const desks = dutyDesksOf(city.pack.units, community);
    const chosen = [...patrol, ...community, ...desks];
    say(
      `${patrol.length} patrol units, ${community.length} community officers of the residents' cells and their stations' ${desks.length} duty desks: ` +
        `registering their phones with ingest${config.officers ? ' and their officers with the gateway' : ''}…`,
    );
    let enrolled: Enrolled[];
    try {
      enrolled = await enrolUnits(
        chosen.map((u) => u.id),
        {
          ingestKeyFile: resolve(config.ingestKeyStore),
          usersFile: resolve(config.gatewayUsersFile),
          credentialsFile: resolve(config.officersFile),
          gatewayUrl,
          officers: config.officers,
        },
      );
    } catch (err) {
      // Ctrl-C reaches the registration scripts too (one process group): their failure is the stop
      // asked for, not an error to report.
      if (!stopping) throw err;
      say('stopped while registering the units; nothing was played');
      return;
    }
    runner = new UnitsRunner({
      units: chosen.map((unit, i) => ({ unit, enrolled: enrolled[i] as Enrolled })),
      router: roads,
      seed: config.seed,
      clock,
      speed: config.speed,
      reportEverySec: config.reportEverySec,
      ingestUrl,
      ...(config.officers ? { gatewayUrl } : {}),
      truth: (record) => appendFileSync(truthFile, `${JSON.stringify(record)}\n`),
      log: say,
    });
    await runner.connect();
    say(
      `${chosen.length} units on duty (phones ${deviceIdOf(chosen[0]?.id ?? '')}…)` +
        (config.officers ? `, officers ${usernameOf(chosen[0]?.id ?? '')}… on ${gatewayUrl}` : '') +
        (community.length > 0
          ? `; community officers ${community.map((u) => u.id).join(', ')} of cells ${plan.homeCells.join(', ')}; duty desks ${desks.map((u) => u.id).join(', ')}`
          : ''),
    );
  }
  if (plan.plates.length > 0) await watchPlates(plan.plates, config, gatewayUrl);
  const endMs = startMs + config.durationMin * 60_000;
  // The simulated clock starts with playing, once the officers are on line.
  wallStart = Date.now();
  const [stats] = await Promise.all([
    play(plan.events, client, {
      speed: config.speed,
      startMs,
      batchMax: config.batchMax,
      stopped: () => stopping,
      onProgress: (s, simMs) =>
        say(
          `simulated ${new Date(simMs).toISOString()}: ${summary(s)}${runner ? `; ${unitsSummary(runner.stats)}` : ''}`,
        ),
    }),
    runner?.run(endMs, () => stopping),
  ]);
  await runner?.close();
  say(`done: ${summary(stats)}${runner ? `; ${unitsSummary(runner.stats)}` : ''}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof FenghuoError ? `[sim] error: ${err.message}` : err);
  process.exit(1);
});
