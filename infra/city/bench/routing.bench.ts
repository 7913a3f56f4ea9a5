/**
 * `npm run bench:routing` — routing figures on the default pack, a generated 100k-node city and
 * the real extracts in ../shared/data/roads when present. Prints the machine, a table, and ends
 * with one JSON line for the largest graph (medians).
 */
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  City,
  type CityPack,
  completePack,
  generateCity,
  importGraphml,
  importOsmGraph,
  type PreparedMover,
  type RoadGraph,
  type Router,
} from '@fenghuo/city';

const HELP = `Usage: npm run bench:routing [-- --quick]

Measures, per graph: size, build/import time, one-to-all drive times, nearest-by-ETA among 200
units (k = 5), a 5-minute isochrone (search + polygon), all posts' 1/3/5-minute response circles,
grid lookups per second and memory. Graphs: the default generated pack, a generated 100k-node
city, and andorra.osm.pbf, monaco.osm.gz and Winterswijk.graph.graphml from ../shared/data/roads
when present. Figures are medians. The last line is JSON for the largest graph.

Options:
  --quick      fewer repetitions (for a smoke run)
  -h, --help   show this help
`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const REPS = values.quick ? 5 : 30;
const ROADS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/roads');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface Row {
  graph: string;
  nodes: number;
  edges: number;
  buildMs: number;
  oneToAllMs: number;
  nearestEtaMs: number;
  isochroneMs: number;
  responseCirclesS: number;
  posts: number;
  gridLookupsPerSec: number;
  heapMB: number;
}

function benchPack(label: string, pack: CityPack, buildMs: number): Row {
  const g: RoadGraph = pack.graph;
  const city = new City(pack);
  const router: Router = city.router;
  const rnd = lcg(12345);
  const node = () => Math.floor(rnd() * g.nodeCount);
  const times = new Float64Array(g.nodeCount);

  // Warm up the JIT on every path, then measure.
  for (let i = 0; i < 3; i++) router.earliestArrival({ node: node() }, {}, times);
  const oneToAll: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const s = node();
    const t = performance.now();
    router.earliestArrival({ node: s }, {}, times);
    oneToAll.push(performance.now() - t);
  }

  // 200 units: the pack's own when it has that many, else random road positions.
  const positions =
    pack.units.length >= 200
      ? pack.units.slice(0, 200).map((u) => u.position)
      : Array.from({ length: 200 }, () => {
          const v = node();
          return [g.lon[v] as number, g.lat[v] as number] as const;
        });
  const movers: PreparedMover[] = router.prepare(positions.map((position, i) => ({ id: `u${i}`, position })));
  for (let i = 0; i < 5; i++) router.nearestByEta({ node: node() }, movers, { k: 5 });
  const nearest: number[] = [];
  for (let i = 0; i < REPS * 4; i++) {
    const v = node();
    const target = [g.lon[v] as number, g.lat[v] as number] as const;
    const t = performance.now();
    router.nearestByEta({ position: target }, movers, { k: 5 });
    nearest.push(performance.now() - t);
  }

  router.isochrones({ node: node() }, [300]);
  const iso: number[] = [];
  for (let i = 0; i < Math.max(3, REPS / 3); i++) {
    const s = node();
    const t = performance.now();
    router.isochrones({ node: s }, [300]);
    iso.push(performance.now() - t);
  }

  const tc = performance.now();
  city.responseCoverage();
  const responseCirclesS = (performance.now() - tc) / 1000;

  // Grid lookups: random points over the cells' bounding box.
  const [minX, minY, maxX, maxY] = city.cellIndex.bbox;
  const N = 1 << 20;
  const px = new Float64Array(N);
  const py = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    px[i] = minX + rnd() * (maxX - minX);
    py[i] = minY + rnd() * (maxY - minY);
  }
  let hits = 0;
  for (let i = 0; i < N; i++) hits += city.cellIndex.lookup(px[i] as number, py[i] as number) >= 0 ? 1 : 0;
  const lookupRuns: number[] = [];
  for (let r = 0; r < (values.quick ? 2 : 5); r++) {
    const t = performance.now();
    for (let i = 0; i < N; i++) hits += city.cellIndex.lookup(px[i] as number, py[i] as number) >= 0 ? 1 : 0;
    lookupRuns.push(N / ((performance.now() - t) / 1000));
  }
  if (hits < 0) console.log(hits);

  return {
    graph: label,
    nodes: g.nodeCount,
    edges: g.edgeCount,
    buildMs: buildMs,
    oneToAllMs: median(oneToAll),
    nearestEtaMs: median(nearest),
    isochroneMs: median(iso),
    responseCirclesS,
    posts: pack.posts.length,
    gridLookupsPerSec: median(lookupRuns),
    heapMB: process.memoryUsage().heapUsed / 1048576,
  };
}

function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const v = fn();
  return [v, performance.now() - t];
}

const cpu = cpus()[0]?.model ?? 'unknown cpu';
console.log(
  `machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${process.platform}/${process.arch}`,
);
console.log(`repetitions: ${REPS} (medians reported)\n`);

const rows: Row[] = [];
{
  const [pack, ms] = timed(() => generateCity());
  rows.push(benchPack('default (generated)', pack, ms));
}
{
  const [pack, ms] = timed(() => generateCity({ name: 'synthetic-100k', targetNodes: 100_000 }));
  rows.push(benchPack('generated 100k', pack, ms));
}
for (const [file, kind] of [
  ['andorra.osm.pbf', 'osm'],
  ['monaco.osm.gz', 'osm'],
  ['Winterswijk.graph.graphml', 'graphml'],
] as const) {
  const path = join(ROADS, file);
  if (!existsSync(path)) {
    console.log(`(skipping ${file}: not found in ${ROADS})`);
    continue;
  }
  const [graph, ms] = timed(() => (kind === 'osm' ? importOsmGraph(path).graph : importGraphml(path)));
  rows.push(benchPack(file, completePack(graph, { name: file, source: kind }), ms));
}

const fmt = (v: number, d = 2) => v.toFixed(d);
console.log(
  [
    'graph'.padEnd(26),
    'nodes'.padStart(7),
    'edges'.padStart(7),
    'build ms'.padStart(9),
    '1-to-all ms'.padStart(12),
    'nearest ms'.padStart(11),
    'iso5 ms'.padStart(8),
    'circles s'.padStart(10),
    'posts'.padStart(6),
    'lookups/s'.padStart(11),
    'heap MB'.padStart(8),
  ].join(' '),
);
for (const r of rows) {
  console.log(
    [
      r.graph.padEnd(26),
      String(r.nodes).padStart(7),
      String(r.edges).padStart(7),
      fmt(r.buildMs, 0).padStart(9),
      fmt(r.oneToAllMs).padStart(12),
      fmt(r.nearestEtaMs, 3).padStart(11),
      fmt(r.isochroneMs).padStart(8),
      fmt(r.responseCirclesS).padStart(10),
      String(r.posts).padStart(6),
      fmt(r.gridLookupsPerSec / 1e6, 2)
        .padStart(9)
        .concat(' M'),
      fmt(r.heapMB, 0).padStart(8),
    ].join(' '),
  );
}
console.log('\ntargets: one-to-all on 100k nodes < 50 ms; nearest-by-ETA < 5 ms; grid lookups > 1M/s');
const largest = rows.reduce((a, b) => (b.nodes > a.nodes ? b : a));
console.log(
  JSON.stringify({
    bench: 'routing',
    graph: largest.graph,
    nodes: largest.nodes,
    edges: largest.edges,
    oneToAllMs: Number(largest.oneToAllMs.toFixed(3)),
    nearestEtaMs: Number(largest.nearestEtaMs.toFixed(3)),
    isochroneMs: Number(largest.isochroneMs.toFixed(3)),
    responseCirclesS: Number(largest.responseCirclesS.toFixed(3)),
    gridLookupsPerSec: Math.round(largest.gridLookupsPerSec),
    heapMB: Math.round(largest.heapMB),
    cpu,
    cores: cpus().length,
    node: process.version,
  }),
);
