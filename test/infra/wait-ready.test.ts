import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitServiceReady } from '../../infra/scripts/wait-ready.ts';

/** A local server whose answers to /readyz the test scripts: [status, body] per request. */
async function serve(answers: (n: number) => [number, unknown]): Promise<{ url: string; server: Server }> {
  let n = 0;
  const server = createServer((_req, res) => {
    const [status, body] = answers(n++);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/readyz`, server };
}

const running = () => undefined;
const fast = { intervalMs: 10 };

describe('waitServiceReady', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('resolves when the service itself answers 200, after its 503s', async () => {
    const s = await serve((n) =>
      n < 3 ? [503, { service: 'router', ready: false }] : [200, { service: 'router' }],
    );
    servers.push(s.server);
    await expect(waitServiceReady('router', s.url, running, 5_000, fast)).resolves.toBeUndefined();
  });

  it("another service's 200 on the port is SERVICE_PORT_TAKEN, naming it", async () => {
    const s = await serve(() => [200, { service: 'gateway' }]);
    servers.push(s.server);
    await expect(waitServiceReady('router', s.url, running, 5_000, fast)).rejects.toMatchObject({
      code: 'SERVICE_PORT_TAKEN',
      message: expect.stringContaining('answered by "gateway", not router'),
    });
  });

  it('a stranger answering without a service name (a 404, not JSON) is SERVICE_PORT_TAKEN', async () => {
    const s = await serve(() => [404, 'Cannot GET /readyz']);
    servers.push(s.server);
    await expect(waitServiceReady('router', s.url, running, 5_000, fast)).rejects.toMatchObject({
      code: 'SERVICE_PORT_TAKEN',
      message: expect.stringContaining('answered by something else'),
    });
  });

  it('a process that exits first is SERVICE_EXITED, with how it ended', async () => {
    let polls = 0;
    await expect(
      waitServiceReady(
        'router',
        'http://127.0.0.1:9/readyz',
        () => (++polls > 2 ? 'code 1' : undefined),
        5_000,
        fast,
      ),
    ).rejects.toMatchObject({
      code: 'SERVICE_EXITED',
      message: 'router exited before it was ready (code 1)',
    });
  });

  it('nothing listening until the time-out is SERVICE_NOT_READY', async () => {
    await expect(
      waitServiceReady('router', 'http://127.0.0.1:9/readyz', running, 100, fast),
    ).rejects.toMatchObject({ code: 'SERVICE_NOT_READY' });
  });
});
