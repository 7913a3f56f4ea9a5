/**
 * The interceptor and the router together on the real broker and Redis: a `fleeing_vehicle`
 * incident opens a pursuit; every checkpoint assignment of the interceptor's plan becomes an order
 * of kind `interception` with the plan's id (`int-<pursuitId>-<unitId>-<nodeId>`), the units go to
 * `dispatched` on `units.status` naming that order, so the interceptor still counts them as its
 * pursuit's units; a re-plan on the next sighting keeps the assignments it keeps without a new
 * order, and the end of the pursuit cancels every order and frees the units.
 */
import { City, generateCity } from '@fenghuo/city';
import {
  type IncidentReport,
  type InterceptionPlan,
  type OperatorCommand,
  Topic,
  type VehicleSighting,
} from '@fenghuo/contracts';
import { Redis } from 'ioredis';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig as interceptorConfig } from '../../processors/interceptor/src/config.ts';
import { type RunningInterceptor, startInterceptor } from '../../processors/interceptor/src/service.ts';
import { type RunningRouter, startRouter } from '../../processors/router/src/service.ts';
import { type RouterTestBed, routerTestBed, testLog } from '../../processors/router/test/support/harness.ts';
import { waitFor } from '../setup/helpers.ts';

const PLATE = '苏E5K207';

describe('interception plans become orders (interceptor and router)', () => {
  // The interceptor's own test city: small, so its escape map is built in a moment.
  const pack = generateCity({ name: 'router-interception-it', targetNodes: 2500, units: 30, seed: 3 });
  const city = new City(pack);
  const camera = pack.cameras[Math.floor(pack.cameras.length / 2)] as (typeof pack.cameras)[number];
  let bed: RouterTestBed;
  let router: RunningRouter | undefined;
  let interceptor: RunningInterceptor | undefined;
  let redis: Redis | undefined;
  let planReader: Consumer | undefined;
  const plans: InterceptionPlan[] = [];

  beforeAll(async () => {
    bed = await routerTestBed('router-interception');
    planReader = bed.kafka.consumer({ groupId: `${bed.prefix}plans`, maxWaitTimeInMs: 100 });
    await planReader.connect();
    await planReader.subscribe({ topic: `${bed.prefix}${Topic.InterceptionsPlans}`, fromBeginning: true });
    await planReader.run({
      eachMessage: async ({ message }) => {
        if (message.value) plans.push(JSON.parse(message.value.toString()) as InterceptionPlan);
      },
    });
    // Units are at their posts (no phones in this test).
    router = await startRouter(bed.config({ ROUTER_UNSEEN_UNITS: 'home' }), testLog, { city });
    redis = new Redis(inject('redisUrl'), { keyPrefix: `${bed.prefix}ic:` });
    interceptor = await startInterceptor({
      config: interceptorConfig({
        KAFKA_BROKERS: inject('kafkaBrokers').join(','),
        KAFKA_TOPIC_PREFIX: bed.prefix,
        REDIS_URL: inject('redisUrl'),
        REDIS_KEY_PREFIX: `${bed.prefix}ic:`,
        INTERCEPTOR_GROUP_ID: `${bed.prefix}interceptor`,
        INTERCEPTOR_OPS_PORT: '0',
        INTERCEPTOR_TICK_MS: '600000',
        LOG_LEVEL: 'warn',
      }),
      logger: testLog,
      kafka: bed.kafka,
      redis,
      city,
    });
  });

  afterAll(async () => {
    await interceptor?.stop();
    await router?.stop();
    await planReader?.disconnect().catch(() => undefined);
    redis?.disconnect();
    await bed?.close();
  });

  /** The router's latest revision of each order of the pursuit. */
  const latestOrders = (pursuitId: string) => {
    const byId = new Map<string, (typeof bed.written.orders)[number]>();
    for (const o of bed.written.orders) {
      if (o.refId !== pursuitId) continue;
      const had = byId.get(o.orderId);
      if (!had || o.revision >= had.revision) byId.set(o.orderId, o);
    }
    return byId;
  };
  const activeIds = (pursuitId: string) =>
    [...latestOrders(pursuitId).values()]
      .filter((o) => o.status === 'active')
      .map((o) => o.orderId)
      .sort();
  const assignmentIds = (plan: InterceptionPlan) => plan.checkpoints.map((c) => c.orderId ?? '').sort();

  it("turns every checkpoint assignment into an order with the plan's id, kept across a re-plan", async () => {
    const incident: IncidentReport = {
      version: 1,
      eventId: '110-inc-flee-1',
      occurredAt: new Date().toISOString(),
      incidentId: 'inc-flee-1',
      channel: '110',
      category: 'fleeing_vehicle',
      priority: 1,
      location: { lon: camera.position[0], lat: camera.position[1] },
      plate: PLATE,
    };
    await bed.producer.send(Topic.IncidentsReported, [incident]);
    const first = await waitFor(() => plans.find((p) => p.plate === PLATE && p.revision === 1), {
      timeoutMs: 60_000,
      message: 'the first plan',
    });
    expect(first.checkpoints.length).toBeGreaterThan(0);
    const pursuitId = first.pursuitId;
    for (const cp of first.checkpoints) expect(cp.orderId).toBe(`int-${pursuitId}-${cp.unitId}-${cp.nodeId}`);

    // One order per assignment, named as the plan names it, to the unit at that node.
    await waitFor(() => activeIds(pursuitId).length === first.checkpoints.length, {
      timeoutMs: 30_000,
      message: 'an order per checkpoint',
    });
    expect(activeIds(pursuitId)).toEqual(assignmentIds(first));
    for (const cp of first.checkpoints) {
      expect(latestOrders(pursuitId).get(cp.orderId ?? '')).toMatchObject({
        kind: 'interception',
        unitId: cp.unitId,
        nodeId: cp.nodeId,
        refId: pursuitId,
      });
    }
    // The incident itself is left to the interceptor: no order of the router's own for it.
    expect(bed.written.orders.filter((o) => o.refId === 'inc-flee-1')).toEqual([]);

    // The units are dispatched on units.status, naming their orders; the interceptor, reading that,
    // still counts them as this pursuit's units (and no other pursuit's).
    const unitIds = first.checkpoints.map((c) => c.unitId);
    await waitFor(
      () =>
        unitIds.every((u) =>
          bed.written.statuses.some(
            (s) => s.unitId === u && s.status === 'dispatched' && s.orderId?.startsWith(`int-${pursuitId}-`),
          ),
        ),
      { message: 'units dispatched on units.status' },
    );
    const kinds = [...new Set(pack.units.filter((u) => unitIds.includes(u.id)).map((u) => u.kind))];
    await waitFor(
      () => {
        const elsewhere = new Set(interceptor?.units.candidates('pur-other', kinds).map((u) => u.id));
        return unitIds.every((u) => !elsewhere.has(u));
      },
      { timeoutMs: 30_000, message: "the interceptor sees the units' new status" },
    );
    const ours = new Set(interceptor?.units.candidates(pursuitId, kinds).map((u) => u.id));
    expect(unitIds.filter((u) => !ours.has(u))).toEqual([]);

    // The vehicle is seen again where it was: a re-plan that weighs the units holding checkpoints.
    const sighting: VehicleSighting = {
      version: 1,
      eventId: 'cam-flee-2',
      occurredAt: new Date().toISOString(),
      plate: PLATE,
      cameraId: camera.id,
      location: { lon: camera.position[0], lat: camera.position[1] },
      nodeId: String(camera.nodeId),
      confidence: 0.97,
    };
    await bed.producer.send(Topic.VehiclesSighted, [sighting]);
    const second = await waitFor(() => plans.find((p) => p.pursuitId === pursuitId && p.revision === 2), {
      timeoutMs: 60_000,
      message: 'the re-plan',
    });
    const kept = second.checkpoints.filter((c) => first.checkpoints.some((f) => f.orderId === c.orderId));
    expect(kept.length).toBeGreaterThan(0);
    await waitFor(() => activeIds(pursuitId).join() === assignmentIds(second).join(), {
      timeoutMs: 30_000,
      message: "the router's orders follow the re-plan",
    });
    // A kept assignment keeps its order as it was: no second revision, nothing superseded.
    for (const cp of kept) {
      const revisions = bed.written.orders.filter((o) => o.orderId === cp.orderId);
      expect(revisions.map((o) => [o.revision, o.status])).toEqual([[1, 'active']]);
    }
    // No unit holds two active orders of the pursuit.
    const holders = [...latestOrders(pursuitId).values()]
      .filter((o) => o.status === 'active')
      .map((o) => o.unitId);
    expect(new Set(holders).size).toBe(holders.length);

    // The operator ends the pursuit: a closing plan, every order cancelled, every unit free.
    const command: OperatorCommand = {
      version: 1,
      commandId: 'cmd-stop-flee-1',
      issuedAt: new Date().toISOString(),
      user: { username: 'li.na', role: 'operator' },
      command: { type: 'stop_pursuit', pursuitId, plate: PLATE, result: 'captured' },
    };
    await bed.producer.send(Topic.OperatorCommands, [command]);
    await waitFor(() => plans.find((p) => p.pursuitId === pursuitId && p.status === 'captured'), {
      timeoutMs: 30_000,
      message: 'the closing plan',
    });
    await waitFor(() => activeIds(pursuitId).length === 0, {
      timeoutMs: 30_000,
      message: 'orders cancelled',
    });
    const everyone = [...new Set([...unitIds, ...second.checkpoints.map((c) => c.unitId)])];
    await waitFor(
      () =>
        everyone.every(
          (u) => bed.written.statuses.filter((s) => s.unitId === u).at(-1)?.status === 'available',
        ),
      { timeoutMs: 30_000, message: 'units available again' },
    );
  });
});
