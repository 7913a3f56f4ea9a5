/**
 * A gap longer than the recovery window (1 s here instead of minutes, by configuration): the
 * client's session is gone, so it gets a snapshot of the current state it may see (open alerts of
 * its region, each once, closed ones left out), then live events.
 */
import { randomUUID } from 'node:crypto';
import { type Alert, type Figures, type Snapshot, Topic, type UserIdentity } from '@fenghuo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/setup/helpers.ts';
import { alertAt, placeIn } from './fixtures.ts';
import { type Cluster, city, receivedCount, startCluster } from './harness.ts';

const pack = city();
const S1 = 'station-01';
const S2 = pack.districts.find((d) => !d.stationIds.includes(S1))!.stationIds[0]!;
const USERS: UserIdentity[] = [
  { username: 'op-s1', role: 'operator', region: { kind: 'station', id: S1 } },
  { username: 'sup', role: 'supervisor' },
];

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({
    name: 'gateway-snapshot',
    users: USERS,
    env: { GATEWAY_RECOVERY_WINDOW_MS: '1000', GATEWAY_FIGURES_INTERVAL_MS: '500' },
  });
});
afterAll(async () => {
  await cluster?.close();
});

describe('after a long gap', () => {
  it('a snapshot of what the client may see, then live events, nothing twice', async () => {
    const sup = await cluster.connect(0, { token: await cluster.token(0, 'sup') });
    const token = await cluster.token(1, 'op-s1');
    const first = await cluster.connect(1, { token });
    await receivedCount(first, 'snapshot', 1);
    const closing = alertAt(`al-${randomUUID()}`, placeIn(pack, S1));
    await cluster.produce(Topic.AlertsRaised, [closing]);
    await receivedCount(first, 'alert:upserted', 1);
    const { _pid: pid, _lastOffset: offset } = first.socket as unknown as {
      _pid: string;
      _lastOffset: string;
    };
    first.socket.io.engine.close();

    const open = [1, 2].map(() => alertAt(`al-${randomUUID()}`, placeIn(pack, S1)));
    const elsewhere = alertAt(`al-${randomUUID()}`, placeIn(pack, S2));
    await cluster.produce(Topic.AlertsRaised, [
      ...open,
      elsewhere,
      { ...closing, revision: 2, status: 'closed' as const },
    ]);
    await receivedCount(sup, 'alert:upserted', 5);
    // The session expires with the recovery window: wait for Redis to drop it, not for a clock.
    await waitFor(async () => (await cluster.redis.exists(`sio:session:${pid}`)) === 0, {
      timeoutMs: 10_000,
      message: 'session expired',
    });

    const back = await cluster.connect(0, { token }, { resume: { pid, offset } });
    await receivedCount(back, 'snapshot', 1);
    const [snapshot] = back.of<Snapshot>('snapshot');
    expect(snapshot!.region).toEqual({ kind: 'station', id: S1 });
    expect((snapshot!.alerts ?? []).map((a) => a.alertId).sort()).toEqual(open.map((a) => a.alertId).sort());
    expect(back.of('alert:upserted')).toEqual([]);

    const live = alertAt(`al-${randomUUID()}`, placeIn(pack, S1));
    await cluster.produce(Topic.AlertsRaised, [live]);
    await receivedCount(back, 'alert:upserted', 1);
    expect(back.of<Alert>('alert:upserted').map((a) => a.alertId)).toEqual([live.alertId]);
    expect(back.of('snapshot')).toHaveLength(1);

    // Figures: five alerts raised today, four still open (city-wide for the supervisor), each once.
    await waitFor(
      () => sup.of<Figures>('figures:updated').some((f) => f.alerts.raised === 5 && f.alerts.open === 4),
      {
        message: 'figures with 5 raised, 4 open',
      },
    );
    const mine = await waitFor(() => back.of<Figures>('figures:updated').at(-1), {
      message: "the operator's figures",
    });
    expect(mine.region).toEqual({ kind: 'station', id: S1 });
  });
});
