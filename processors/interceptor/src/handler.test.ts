import { City, generateCity } from '@fenghuo/city';
import type {
  AuditEvent,
  IncidentReport,
  InterceptionPlan,
  OperatorCommand,
  OperatorCommandBody,
  VehicleSighting,
  WatchListEntry,
} from '@fenghuo/contracts';
import { Codecs } from '@fenghuo/contracts';
import { createLogger, ManualClock } from '@fenghuo/kit';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type HandlerDeps,
  handleCommand,
  handleIncident,
  handleSighting,
  type Publisher,
  tick,
} from './handler.ts';
import { builtinInterceptionSettings } from './planner/builtin-settings.ts';
import { PursuitPlanner } from './pursuit-planner.ts';
import { MemoryPursuitStore } from './pursuit-store.ts';
import { UnitBoard } from './unit-board.ts';
import { WatchList } from './watch-list.ts';

const pack = generateCity({ name: 'handler-test', targetNodes: 3000, units: 40, seed: 5 });
const city = new City(pack);
// Fewer routes and the shortest search: these tests are about pursuits, not plan quality.
const settings = {
  ...builtinInterceptionSettings,
  planBudgetMs: 10,
  routeModel: { ...builtinInterceptionSettings.routeModel, samples: 300 },
};
const T0 = Date.parse('2026-11-27T08:30:00.000Z');
const PLATE = '沪A12345';
const user = { username: 'li.na', role: 'operator' as const };

// Two camera junctions well inside the map, on the same road if possible.
const cameras = pack.cameras.slice(Math.floor(pack.cameras.length / 2));
const cam = (i: number) => cameras[i] as (typeof cameras)[number];

let commandSeq = 0;
function command(body: OperatorCommandBody, at = T0): OperatorCommand {
  commandSeq++;
  return {
    version: 1,
    commandId: `cmd-${commandSeq}`,
    issuedAt: new Date(at).toISOString(),
    user,
    command: body,
  };
}

function sighting(i: number, atMs: number, plate = PLATE): VehicleSighting {
  const c = cam(i);
  return {
    version: 1,
    eventId: `sight-${i}-${atMs}`,
    occurredAt: new Date(atMs).toISOString(),
    plate,
    cameraId: c.id,
    location: { lon: c.position[0], lat: c.position[1] },
    nodeId: String(c.nodeId),
    confidence: 0.97,
  };
}

interface World {
  deps: HandlerDeps;
  clock: ManualClock;
  plans: InterceptionPlan[];
  entries: WatchListEntry[];
  audits: AuditEvent[];
  failNextPlan: { value: boolean };
}

function world(): World {
  const clock = new ManualClock(T0);
  const plans: InterceptionPlan[] = [];
  const entries: WatchListEntry[] = [];
  const audits: AuditEvent[] = [];
  const failNextPlan = { value: false };
  const units = new UnitBoard(pack.units);
  const publish: Publisher = {
    async plan(plan) {
      if (failNextPlan.value) {
        failNextPlan.value = false;
        throw new Error('broker unavailable');
      }
      // Every plan passes its contract (the producer would refuse it otherwise).
      expect(Codecs.InterceptionPlan.validate(plan).ok).toBe(true);
      plans.push(plan);
    },
    async watchList(entry) {
      expect(Codecs.WatchListEntry.validate(entry).ok).toBe(true);
      entries.push(entry);
    },
    async audit(event) {
      expect(Codecs.AuditEvent.validate(event).ok).toBe(true);
      audits.push(event);
    },
  };
  const deps: HandlerDeps = {
    store: new MemoryPursuitStore(),
    planner: new PursuitPlanner({ city, units, settings: () => settings, maxPlanBytes: 256 * 1024 }),
    watchList: new WatchList(),
    units,
    publish,
    clock,
    settings: () => settings,
    logger: createLogger({ service: 'interceptor-test', level: 'silent' }),
    instanceId: 'test',
  };
  return { deps, clock, plans, entries, audits, failNextPlan };
}

describe('interceptor handlers', () => {
  let w: World;
  beforeEach(() => {
    w = world();
  });

  it('opens a pursuit on a watch-listed plate, re-plans on each sighting, and closes on capture', async () => {
    await handleCommand(command({ type: 'watchlist_add', plate: PLATE, reason: 'robbery suspect' }), w.deps);
    expect(w.entries).toEqual([
      expect.objectContaining({ plate: PLATE, status: 'active', addedBy: 'li.na' }),
    ]);
    expect(w.audits.at(-1)).toMatchObject({ action: 'command', result: 'ok', actor: user });

    w.clock.advance(5_000);
    await handleSighting(sighting(0, T0), w.deps);
    expect(w.plans).toHaveLength(1);
    const first = w.plans[0] as InterceptionPlan;
    expect(first).toMatchObject({
      plate: PLATE,
      revision: 1,
      status: 'active',
      basedOnSightingId: `sight-0-${T0}`,
    });
    expect(first.checkpoints.length).toBeGreaterThan(0);
    expect(first.coveredShare).toBeGreaterThan(0);
    expect(first.track).toHaveLength(1);
    expect(first.reach?.length).toBeGreaterThan(0);
    for (const c of first.checkpoints) {
      expect(c.orderId).toBe(`int-${first.pursuitId}-${c.unitId}-${c.nodeId}`);
      expect(c.unitEtaSec).toBeLessThanOrEqual(c.vehicleEtaSec + settings.horizonSec);
    }
    expect(new Set(first.checkpoints.map((c) => c.unitId)).size).toBe(first.checkpoints.length);

    // The same sighting again (a redelivery) changes nothing.
    await handleSighting(sighting(0, T0), w.deps);
    expect(w.plans).toHaveLength(1);

    w.clock.advance(30_000);
    await handleSighting(sighting(1, T0 + 30_000), w.deps);
    expect(w.plans).toHaveLength(2);
    expect(w.plans[1]).toMatchObject({ pursuitId: first.pursuitId, revision: 2, status: 'active' });
    expect(w.plans[1]?.track?.map((t) => t.sightingId)).toEqual([`sight-0-${T0}`, `sight-1-${T0 + 30_000}`]);

    await handleCommand(
      command({ type: 'stop_pursuit', pursuitId: first.pursuitId, plate: PLATE, result: 'captured' }),
      w.deps,
    );
    expect(w.plans[2]).toMatchObject({
      pursuitId: first.pursuitId,
      revision: 3,
      status: 'captured',
      checkpoints: [],
    });
    expect(w.audits.at(-1)).toMatchObject({ result: 'ok', target: { kind: 'pursuit', id: first.pursuitId } });
    // A later sighting of the captured plate before it is taken off the list opens a new pursuit only
    // if it happened after the capture.
    await handleSighting(sighting(2, T0 + 20_000), w.deps);
    expect(w.plans).toHaveLength(3);
  });

  it('ignores sightings of plates not on the watch list, removed from it, or past its end', async () => {
    await handleSighting(sighting(0, T0, '京B99999'), w.deps);
    await handleCommand(
      command({ type: 'watchlist_add', plate: 'sh-1', reason: 'r', until: new Date(T0 - 1).toISOString() }),
      w.deps,
    );
    await handleSighting(sighting(0, T0, 'sh-1'), w.deps);
    await handleCommand(command({ type: 'watchlist_add', plate: 'sh-2', reason: 'r' }), w.deps);
    await handleCommand(command({ type: 'watchlist_remove', plate: 'sh-2' }, T0 + 1), w.deps);
    expect(w.entries.at(-1)).toMatchObject({
      plate: 'sh-2',
      status: 'removed',
      removedBy: 'li.na',
      reason: 'r',
    });
    await handleSighting(sighting(0, T0 + 2, 'sh-2'), w.deps);
    expect(w.plans).toEqual([]);
  });

  it('opens a pursuit on a fleeing_vehicle incident with a plate, not without one', async () => {
    const c = cam(3);
    const incident: IncidentReport = {
      version: 1,
      eventId: 'inc-evt-1',
      occurredAt: new Date(T0).toISOString(),
      incidentId: 'inc-1',
      channel: '110',
      category: 'fleeing_vehicle',
      priority: 1,
      location: { lon: c.position[0], lat: c.position[1] },
    };
    await handleIncident(incident, w.deps);
    expect(w.plans).toEqual([]);
    await handleIncident({ ...incident, plate: '浙A00001' }, w.deps);
    expect(w.plans).toHaveLength(1);
    expect(w.plans[0]).toMatchObject({ plate: '浙A00001', basedOnSightingId: 'inc-1', status: 'active' });
  });

  it('sends a plan again when its first send failed, with the same revision', async () => {
    await handleCommand(command({ type: 'watchlist_add', plate: PLATE, reason: 'r' }), w.deps);
    w.failNextPlan.value = true;
    await expect(handleSighting(sighting(0, T0), w.deps)).rejects.toThrow('broker unavailable');
    expect(w.plans).toEqual([]);
    // The consumer retries the event: the plan written with the state goes out now.
    await handleSighting(sighting(0, T0), w.deps);
    expect(w.plans.map((p) => p.revision)).toEqual([1]);
  });

  it('closes a pursuit as lost when no sighting comes for the time-out', async () => {
    await handleCommand(command({ type: 'watchlist_add', plate: PLATE, reason: 'r' }), w.deps);
    await handleSighting(sighting(0, T0), w.deps);
    w.clock.advance(settings.pursuitTimeoutSec * 1000 - 1000);
    expect(await tick(w.deps)).toEqual({ timedOut: 0, replanned: 0 });
    w.clock.advance(2000);
    expect(await tick(w.deps)).toEqual({ timedOut: 1, replanned: 0 });
    expect(w.plans.at(-1)).toMatchObject({ status: 'lost', checkpoints: [], revision: 2 });
  });

  it('refuses to start a pursuit without a place to start from, and says so in the audit', async () => {
    await handleCommand(command({ type: 'start_pursuit', plate: PLATE }), w.deps);
    expect(w.plans).toEqual([]);
    expect(w.audits.at(-1)).toMatchObject({ result: 'failed', details: { type: 'start_pursuit' } });
    const c = cam(1);
    await handleCommand(
      command({ type: 'start_pursuit', plate: PLATE, location: { lon: c.position[0], lat: c.position[1] } }),
      w.deps,
    );
    expect(w.plans).toHaveLength(1);
    expect(w.audits.at(-1)).toMatchObject({
      result: 'ok',
      target: { kind: 'pursuit', id: w.plans[0]?.pursuitId },
    });
  });
});

describe('plan size', () => {
  it('thins or leaves out reach areas to keep a plan under the size limit', async () => {
    const w2 = world();
    const small = new PursuitPlanner({
      city,
      units: w2.deps.units,
      settings: () => settings,
      maxPlanBytes: 16 * 1024,
    });
    const deps = { ...w2.deps, planner: small };
    await handleCommand(command({ type: 'watchlist_add', plate: PLATE, reason: 'r' }), deps);
    await handleSighting(sighting(0, T0), deps);
    const plan = w2.plans[0] as InterceptionPlan;
    expect(plan.checkpoints.length).toBeGreaterThan(0);
    expect(Codecs.InterceptionPlan.encode(plan).length).toBeLessThanOrEqual(16 * 1024);
    // The full plan, every minute's reach area, would not fit.
    const full = world();
    await handleCommand(command({ type: 'watchlist_add', plate: PLATE, reason: 'r' }), full.deps);
    await handleSighting(sighting(0, T0), full.deps);
    expect(Codecs.InterceptionPlan.encode(full.plans[0] as InterceptionPlan).length).toBeGreaterThan(
      16 * 1024,
    );
  });
});
