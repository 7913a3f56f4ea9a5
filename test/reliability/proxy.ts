/**
 * HAProxy (the Debian package `haproxy`, installed with apt-get when missing, as the infra scripts
 * install redis-server) in front of the instances of the scale-out test, on free loopback ports:
 *
 * - ingest: HTTP, round robin per request, health-checked on `/readyz` (an instance not ready, or
 *   not started yet, gets nothing);
 * - gateway: HTTP and Socket.IO websockets, round robin with cookie stickiness (`FHSRV`) so that a
 *   browser on HTTP long-polling keeps reaching the instance holding its session; websocket-only
 *   clients (`transports: ['websocket']`, as the console uses) need none (docs/gateway.md,
 *   Scale-out). `timeout tunnel` keeps idle websockets open well past Socket.IO's 25 s ping.
 * - a stats page (`/stats;csv`) from which the test reads what each server was sent.
 *
 * The config goes to a temporary folder and HAProxy runs in the foreground (`-db`) as our child.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureAptPackage } from '../../infra/scripts/local-infra.ts';
import { freePort } from '../setup/free-port.ts';
import { waitFor } from '../setup/helpers.ts';

export interface Backend {
  /** e.g. `ingest-a`. */
  readonly name: string;
  readonly port: number;
}

export interface ProxyOptions {
  readonly dir: string;
  readonly ingest: readonly Backend[];
  readonly gateway: readonly Backend[];
  readonly log?: (line: string) => void;
}

/** One server's row of the stats page. */
export interface ServerStats {
  readonly backend: string;
  readonly server: string;
  /** UP, DOWN, MAINT, … */
  readonly status: string;
  /** Sessions (connections) the server was given, in total. */
  readonly sessions: number;
  /** HTTP responses it sent back, in total. */
  readonly responses: number;
}

export interface HaProxy {
  readonly ingestUrl: string;
  readonly gatewayUrl: string;
  readonly statsUrl: string;
  readonly configFile: string;
  stats(): Promise<ServerStats[]>;
  /** Resolves once each named server has the given status (e.g. `{ 'ingest-b': 'DOWN' }`). */
  waitForStatus(want: Readonly<Record<string, string>>, timeoutMs?: number): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

export function haproxyConfig(opts: {
  readonly ingestPort: number;
  readonly gatewayPort: number;
  readonly statsPort: number;
  readonly ingest: readonly Backend[];
  readonly gateway: readonly Backend[];
}): string {
  const servers = (list: readonly Backend[], cookie: boolean) =>
    list.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check${cookie ? ` cookie ${b.name}` : ''}`);
  return [
    'global',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  option httplog',
    '  option redispatch',
    '  retries 3',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    '  timeout http-keep-alive 10s',
    '  default-server inter 1s fall 2 rise 1',
    '',
    'frontend ingest_in',
    `  bind 127.0.0.1:${opts.ingestPort}`,
    '  default_backend ingest',
    '',
    'backend ingest',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  option forwardfor',
    ...servers(opts.ingest, false),
    '',
    'frontend gateway_in',
    `  bind 127.0.0.1:${opts.gatewayPort}`,
    '  default_backend gateway',
    '',
    'backend gateway',
    '  balance roundrobin',
    '  cookie FHSRV insert indirect nocache',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  option forwardfor',
    ...servers(opts.gateway, true),
    '',
    'frontend stats',
    `  bind 127.0.0.1:${opts.statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    '  stats refresh 0',
    '',
  ].join('\n');
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function startProxy(opts: ProxyOptions): Promise<HaProxy> {
  const log = opts.log ?? (() => undefined);
  ensureAptPackage('haproxy', 'haproxy', log);
  const [ingestPort, gatewayPort, statsPort] = [await freePort(), await freePort(), await freePort()];
  const configFile = join(opts.dir, 'haproxy.cfg');
  writeFileSync(
    configFile,
    haproxyConfig({ ingestPort, gatewayPort, statsPort, ingest: opts.ingest, gateway: opts.gateway }),
  );
  const check = spawn('haproxy', ['-c', '-q', '-f', configFile], { stdio: 'inherit' });
  const checked = await new Promise<number | null>((resolve) => check.once('exit', resolve));
  if (checked !== 0) throw new Error(`haproxy -c rejected ${configFile} (exit ${checked})`);

  const child = spawn('haproxy', ['-f', configFile, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const statsUrl = `http://127.0.0.1:${statsPort}/stats;csv`;

  const stats = async (): Promise<ServerStats[]> => {
    const res = await fetch(statsUrl, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    const [header, ...rows] = text.trim().split('\n');
    const cols = (header ?? '').replace(/^# /, '').split(',');
    const at = (name: string) => cols.indexOf(name);
    const out: ServerStats[] = [];
    for (const row of rows) {
      const f = row.split(',');
      const server = f[at('svname')] ?? '';
      if (server === 'FRONTEND' || server === 'BACKEND') continue;
      const responses = ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'].reduce(
        (sum, c) => sum + Number(f[at(c)] || 0),
        0,
      );
      out.push({
        backend: f[at('pxname')] ?? '',
        server,
        status: f[at('status')] ?? '',
        sessions: Number(f[at('stot')] || 0),
        responses,
      });
    }
    return out;
  };

  const proxy: HaProxy = {
    ingestUrl: `http://127.0.0.1:${ingestPort}`,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    statsUrl,
    configFile,
    stats,
    async waitForStatus(want, timeoutMs = 60_000) {
      await waitFor(
        async () => {
          const rows = await stats();
          return Object.entries(want).every(
            ([server, status]) => rows.find((r) => r.server === server)?.status.startsWith(status) ?? false,
          );
        },
        { timeoutMs, intervalMs: 250, message: `haproxy servers ${JSON.stringify(want)}` },
      );
    },
    output: () => lines.join('\n'),
    async stop() {
      if (exited(child)) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
  await waitFor(
    async () => {
      if (exited(child)) throw new Error(`haproxy exited:\n${proxy.output()}`);
      return (await stats()).length > 0;
    },
    { timeoutMs: 20_000, intervalMs: 100, message: `haproxy stats at ${statsUrl}` },
  );
  return proxy;
}
