/**
 * Tokens run out on open sockets: a socket whose token expired is refused every event but
 * `auth:renew` (`token_expired`), and disconnected once `GATEWAY_TOKEN_GRACE_SEC` has passed without
 * a renewal; a socket that renews in time goes on past its first token's end.
 */
import { AuthTokens } from '@fenghuo/kit/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/setup/helpers.ts';
import { type Cluster, startCluster, TEST_SECRET, type TestClient } from './harness.ts';

const GRACE_SEC = 3;
const supervisor = { username: 'sup', role: 'supervisor' } as const;
let cluster: Cluster;
const clients: TestClient[] = [];

/** A real token of the supervisor that ends `seconds` from now. */
async function tokenEndingIn(seconds: number): Promise<string> {
  const ttlSec = 60;
  const tokens = new AuthTokens({
    secret: new TextEncoder().encode(TEST_SECRET),
    ttlSec,
    clock: { now: () => Date.now() - (ttlSec - seconds) * 1000 },
  });
  return (await tokens.issue(supervisor)).token;
}

type Answer = { ok: boolean; error?: { code: string } };
const emit = (client: TestClient, event: string, payload: unknown): Promise<Answer> =>
  (client.socket as unknown as { emitWithAck(e: string, p: unknown): Promise<Answer> }).emitWithAck(
    event,
    payload,
  );

beforeAll(async () => {
  cluster = await startCluster({
    name: 'gateway-token-expiry',
    instances: 1,
    users: [supervisor],
    env: { GATEWAY_TOKEN_GRACE_SEC: String(GRACE_SEC) },
  });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.close();
});

describe('a token that runs out on an open socket', () => {
  it('is refused every event once expired, and the socket is closed after the grace', async () => {
    const client = await cluster.connect(0, { token: await tokenEndingIn(4) });
    clients.push(client);
    expect((await emit(client, 'snapshot:request', {})).ok).toBe(true);
    const refused = await waitFor(
      async () => {
        const answer = await emit(client, 'snapshot:request', {});
        return answer.ok ? undefined : answer;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'a refusal once the token expired' },
    );
    expect(refused.error?.code).toBe('token_expired');
    await waitFor(() => client.socket.disconnected, {
      // The grace, then the next sweep (every 5 s), on a slow machine.
      timeoutMs: (GRACE_SEC + 5) * 1000 + 20_000,
      message: 'the socket closed after the grace',
    });
  }, 90_000);

  it('goes on past its end when the socket renews it with auth:renew', async () => {
    // The new token first (a login hashes a password: slow on a slow machine), so the renewal
    // comes well within the 4 s of the first.
    const fresh = await cluster.token(0, 'sup');
    const client = await cluster.connect(0, { token: await tokenEndingIn(4) });
    clients.push(client);
    const renewed = await emit(client, 'auth:renew', { token: fresh });
    expect(renewed.ok).toBe(true);
    // A socket whose token ends no sooner and is not renewed: the sweep that closes it would have
    // closed the renewing socket too (a barrier, where a fixed sleep could end before a sweep
    // delayed on a slow machine and so prove nothing).
    const control = await cluster.connect(0, { token: await tokenEndingIn(4) });
    clients.push(control);
    await waitFor(() => control.socket.disconnected, {
      timeoutMs: (4 + GRACE_SEC + 5) * 1000 + 20_000,
      message: 'the unrenewed socket closed after the grace',
    });
    expect(client.socket.connected).toBe(true);
    expect((await emit(client, 'snapshot:request', {})).ok).toBe(true);
  }, 90_000);
});
