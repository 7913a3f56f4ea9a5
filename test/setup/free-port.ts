import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range), where every
 * `listen(0)` and every outgoing connection takes its port.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && high !== undefined && Number.isInteger(low) && Number.isInteger(high))
      return [low, high];
  } catch {
    // not Linux
  }
  return [49152, 65535];
}

/** Ports handed out by this process, so two calls never give the same one. */
const given = new Set<number>();

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server a test starts later (often in
 * another process, seconds later). It is drawn below the kernel's ephemeral range: a port the OS
 * picked (`listen(0)`) could be picked again, for another test's server or an outgoing connection,
 * before ours binds it (a pinned run once found another test's server answering on the gateway's
 * port). Falls back to a port the OS picks when no port below the range is free.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const top = Math.min(low, 65536) - 1;
  const bottom = Math.max(10_000, top - 20_000);
  if (top > bottom) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = bottom + Math.floor(Math.random() * (top - bottom + 1));
      if (given.has(port)) continue;
      if ((await tryListen(port)) === port) {
        given.add(port);
        return port;
      }
    }
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('no free port');
  given.add(port);
  return port;
}
