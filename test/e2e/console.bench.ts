/**
 * `npm run bench:console`: the console's frame times with 1,000 moving units and 200 open alerts,
 * through the real gateway, in headless Chromium (software WebGL: lavapipe when installed, else
 * SwiftShader; FENGHUO_WEBGL picks, see browser.ts), beside a bare maplibre page drawing the same
 * 1,000 points with no app code in the same run.
 *
 * One gateway on private topics serves the built console; a supervisor (who sees the whole city)
 * logs in; 200 open alerts are written to `alerts.raised` and BENCH_UNITS (1,000) units write a
 * position every 500 ms to `units.positions` (each drives a slow circle). Once the page draws all
 * of them, frame times are the gaps between animation frames over BENCH_SECONDS (15). The
 * baseline page (served by the bench itself, maplibre's own files) gets the same positions pushed
 * into it and calls `setData` with all points on every frame, over the same basemap (the same
 * style, made from the same city pack): what differs is our app code (socket, live store, panels,
 * gliding, alerts layer). `vsBareMap` = bare p95 frame time / ours (1 = as fast as a bare map;
 * target ≥ 0.5).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Alert, CityBasemap, UnitPosition } from '@fenghuo/contracts';
import { examples, Topic } from '@fenghuo/contracts';
import { createLogger, EventProducer } from '@fenghuo/kit';
import type { Page } from 'playwright-core';
import { cityStyle } from '../../dispatch-ui/console/src/map/style.ts';
import { launch, launchedRenderer, logIn, openPage } from './browser.ts';
import { REPO_ROOT, startStack } from './stack.ts';

const UNITS = Number(process.env.BENCH_UNITS ?? 1000);
const ALERTS = Number(process.env.BENCH_ALERTS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const VIEWPORT = { width: 1600, height: 900 };
/**
 * BENCH_VSYNC=off: no simulated 60 Hz vsync and no frame-rate limit (`--disable-gpu-vsync
 * --disable-frame-rate-limit`), so a frame gap is the time to make the frame rather than that time
 * rounded up through the headless compositor's begin-frame pacing. Default on (what a screen does).
 */
const VSYNC = process.env.BENCH_VSYNC !== 'off';
const UNTHROTTLED = ['--disable-gpu-vsync', '--disable-frame-rate-limit'];
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const logger = createLogger({ service: 'bench-console', level: 'warn' });
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const round = (v: number) => Math.round(v * 10) / 10;

/** Where unit `i` is at time `t` (seconds): a slow circle of ~300 m around its own centre. */
function unitAt(i: number, t: number, box: readonly number[]): { lat: number; lon: number } {
  const [minLon, minLat, maxLon, maxLat] = box as [number, number, number, number];
  const cols = Math.ceil(Math.sqrt(UNITS));
  const cx = minLon + ((i % cols) + 0.5) * ((maxLon - minLon) / cols);
  const cy = minLat + (Math.floor(i / cols) + 0.5) * ((maxLat - minLat) / cols);
  const a = t / 20 + i;
  return { lon: cx + 0.003 * Math.cos(a), lat: cy + 0.003 * Math.sin(a) };
}

/** Frame gaps (ms) over `seconds`, measured in the page with requestAnimationFrame. */
async function frameTimes(page: Page, seconds: number): Promise<number[]> {
  return page.evaluate(
    `new Promise((resolve) => {
      const gaps = []; let last = 0; const end = performance.now() + ${seconds * 1000};
      const tick = (now) => { if (last) gaps.push(now - last); last = now;
        if (now < end) requestAnimationFrame(tick); else resolve(gaps); };
      requestAnimationFrame(tick);
    })`,
  ) as Promise<number[]>;
}

function summary(gaps: number[]) {
  const s = [...gaps].sort((a, b) => a - b);
  return {
    frames: s.length,
    p50: round(pct(s, 0.5)),
    p95: round(pct(s, 0.95)),
    p99: round(pct(s, 0.99)),
    max: round(s[s.length - 1] ?? 0),
    fps: round(s.length / (s.reduce((a, b) => a + b, 0) / 1000)),
  };
}

const BARE_PAGE = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/maplibre-gl.css"><style>html,body,#m{margin:0;height:100%}</style></head>
<body><div id="m"></div><script type="module">
import * as gl from '/maplibre-gl.mjs';
gl.setWorkerUrl('/maplibre-gl-worker.mjs');
const box = BOX;
const style = await (await fetch('/style.json')).json();
const map = new gl.Map({ container: 'm', bounds: [[box[0], box[1]], [box[2], box[3]]], attributionControl: false, style });
let fc = { type: 'FeatureCollection', features: [] };
window.push = (list) => { fc = { type: 'FeatureCollection', features: list.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, properties: {} })) }; };
map.on('load', () => { document.body.dataset.ready = '1';
  const frame = () => { map.getSource('units').setData(fc); requestAnimationFrame(frame); }; requestAnimationFrame(frame); });
</script></body></html>`;

async function main(): Promise<void> {
  const prefix = `bench-console-${Date.now().toString(36)}.`;
  console.log(
    `[bench:console] ${UNITS} units, ${ALERTS} open alerts, ${SECONDS} s per page, viewport ${VIEWPORT.width}×${VIEWPORT.height}`,
  );
  console.log(
    `[bench:console] machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const stack = await startStack({ prefix, brokers, redisUrl });
  const producer = new EventProducer(stack.kafka, logger, { topicPrefix: prefix });
  await producer.connect();
  const box = stack.pack.meta.bbox;
  // The same basemap the console draws, for the bare page: the gateway's layers in the console's style.
  const { token } = (await (
    await fetch(`${stack.gatewayUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: stack.people.supervisor.username,
        password: stack.people.supervisor.password,
      }),
    })
  ).json()) as { token: string };
  const basemap = (await (
    await fetch(`${stack.gatewayUrl}/api/city/basemap`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as CityBasemap;
  const styleJson = JSON.stringify(cityStyle(basemap));
  const maplibre = join(REPO_ROOT, 'node_modules/maplibre-gl/dist');
  const bare = createServer((req, res) => {
    const files: Record<string, [string, string]> = {
      '/maplibre-gl.mjs': [join(maplibre, 'maplibre-gl.mjs'), 'text/javascript'],
      '/maplibre-gl-worker.mjs': [join(maplibre, 'maplibre-gl-worker.mjs'), 'text/javascript'],
      '/maplibre-gl.css': [join(maplibre, 'maplibre-gl.css'), 'text/css'],
    };
    const path = (req.url ?? '/').split('?')[0] as string;
    const file = files[path];
    if (path === '/style.json') {
      res.setHeader('content-type', 'application/json');
      res.end(styleJson);
    } else if (file) {
      res.setHeader('content-type', file[1]);
      res.end(readFileSync(file[0]));
    } else {
      res.setHeader('content-type', 'text/html');
      res.end(BARE_PAGE.replace('BOX', JSON.stringify(box)));
    }
  });
  await new Promise<void>((ok) => bare.listen(0, '127.0.0.1', ok));
  const bareAddress = bare.address();
  const bareUrl = `http://127.0.0.1:${typeof bareAddress === 'object' && bareAddress ? bareAddress.port : 0}`;

  const browser = await launch(VSYNC ? [] : UNTHROTTLED);
  console.log(
    `[bench:console] WebGL: ${launchedRenderer()}; vsync ${VSYNC ? 'on' : 'off (BENCH_VSYNC=off)'}`,
  );
  let moving: ReturnType<typeof setInterval> | undefined;
  let latest: { lat: number; lon: number }[] = [];
  try {
    // 200 open alerts spread over the city.
    const now = new Date().toISOString();
    const alerts: Alert[] = Array.from({ length: ALERTS }, (_, i) => {
      const p = unitAt((i * 7) % UNITS, 5, box);
      return {
        ...examples[Topic.AlertsRaised],
        alertId: `${prefix}al-${i}`,
        subjectId: `${prefix}res-${i}`,
        revision: 1,
        status: 'open',
        level: (['notice', 'warning', 'urgent'] as const)[i % 3] as Alert['level'],
        raisedAt: now,
        updatedAt: now,
        location: { lat: p.lat + 0.001, lon: p.lon + 0.001 },
      };
    });
    for (const a of alerts) delete (a as { gridCellId?: string }).gridCellId;
    await producer.send(Topic.AlertsRaised, alerts);

    // Positions every 500 ms from every unit.
    const started = Date.now();
    const writePositions = async () => {
      const t = (Date.now() - started) / 1000;
      const at = new Date().toISOString();
      latest = Array.from({ length: UNITS }, (_, i) => unitAt(i, t, box));
      const events: UnitPosition[] = latest.map((location, i) => ({
        version: 1,
        eventId: `${prefix}pos-${i}-${Math.round(t * 10)}`,
        occurredAt: at,
        unitId: `bench-u${String(i).padStart(4, '0')}`,
        location,
        speedKph: 30,
      }));
      await producer.send(Topic.UnitsPositions, events);
    };
    await writePositions();
    moving = setInterval(
      () => void writePositions().catch((err: unknown) => logger.warn({ err }, 'positions')),
      500,
    );

    // Ours: the supervisor's view through the gateway.
    const ours = await openPage(browser, stack.gatewayUrl, VIEWPORT);
    await logIn(
      ours.page,
      stack.gatewayUrl,
      stack.people.supervisor.username,
      stack.people.supervisor.password,
    );
    await ours.page.waitForFunction(
      `Number(document.getElementById('map')?.dataset.units ?? 0) >= ${UNITS} && Number(document.getElementById('map')?.dataset.alerts ?? 0) >= ${ALERTS}`,
      null,
      { timeout: 180_000 },
    );
    const drawn = await ours.page.$eval('#map', (el) => ({
      units: Number((el as unknown as { dataset: Record<string, string> }).dataset.units),
      alerts: Number((el as unknown as { dataset: Record<string, string> }).dataset.alerts),
    }));
    await frameTimes(ours.page, 2); // warm-up
    const oursGaps = await frameTimes(ours.page, SECONDS);
    await ours.page.context().close();

    // Bare maplibre: the same points, pushed in every 500 ms, setData on every frame.
    const b = await openPage(browser, bareUrl, VIEWPORT);
    await b.page.goto(bareUrl);
    await b.page.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });
    const feed = setInterval(
      () =>
        void b.page
          .evaluate((list) => (globalThis as unknown as { push(l: unknown): void }).push(list), latest)
          .catch(() => undefined),
      500,
    );
    await b.page.evaluate((list) => (globalThis as unknown as { push(l: unknown): void }).push(list), latest);
    await frameTimes(b.page, 2);
    const bareGaps = await frameTimes(b.page, SECONDS);
    clearInterval(feed);
    await b.page.context().close();

    const o = summary(oursGaps);
    const r = summary(bareGaps);
    const vsBareMap = Math.round((r.p95 / o.p95) * 100) / 100;
    console.log(
      `[bench:console] ours (supervisor view, ${drawn.units} units, ${drawn.alerts} alerts): ${o.frames} frames, p50 ${o.p50} ms, p95 ${o.p95} ms, p99 ${o.p99} ms, max ${o.max} ms, ${o.fps} fps`,
    );
    console.log(
      `[bench:console] bare maplibre (same basemap, ${UNITS} points, setData per frame): ${r.frames} frames, p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, max ${r.max} ms, ${r.fps} fps`,
    );
    console.log(
      `[bench:console] vsBareMap ${vsBareMap} (bare p95 / ours; target ≥ 0.5); frameMsP95 target < 50 ms`,
    );
    console.log(
      JSON.stringify({
        bench: 'console',
        frameMsP95: o.p95,
        frameMsP50: o.p50,
        fps: o.fps,
        units: drawn.units,
        alerts: drawn.alerts,
        bareFrameMsP95: r.p95,
        vsBareMap,
        webgl: launchedRenderer(),
        vsync: VSYNC,
      }),
    );
  } finally {
    if (moving) clearInterval(moving);
    await browser.close().catch(() => undefined);
    await new Promise((ok) => bare.close(ok));
    await producer.close();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
