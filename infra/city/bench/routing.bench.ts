/**
 * `npm run bench:routing` — routing figures on the default pack, a generated 100k-node city and
 * the real extracts in ../shared/data/roads when present. Prints the machine, a table, and ends
 * with one JSON line for the largest graph (medians).
 *
 * Baseline (absolute figures differ up to 3x between our machines, the ratio should not): the same
 * graphs and queries through npm graph libraries (`library-baseline.ts`), one-to-one drive times
 * against ngraph.path's Dijkstra (`vsLibrary`) and one-to-many against graphology's single-source
 * Dijkstra (`vsLibraryOneToMany`), ours over theirs in queries per second. Every drive time is
 * compared; the bench stops when any differs. Loading the libraries' graphs is not timed, but printed.
 */
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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
import { GraphologyOneToMany, NgraphOneToOne, packageVersion } from './library-baseline.ts';

const HELP = `Usage: npm run bench:routing [-- --quick]

Measures, per graph: size, build/import time, one-to-all drive times, nearest-by-ETA among 200
units (k = 5), a 5-minute isochrone (search + polygon), all posts' 1/3/5-minute response circles,
grid lookups per second and memory. Graphs: the default generated pack, a generated 100k-node
city, and andorra.osm.pbf, monaco.osm.gz and Winterswijk.graph.graphml from ../shared/data/roads
when present. Figures are medians. The last line is JSON for the largest graph.

Baseline: the same graph and queries through npm libraries (one-to-one: ngraph.path's Dijkstra;
one-to-many: graphology-shortest-path's single-source Dijkstra), ours over theirs in queries/s
(vsLibrary, vsLibraryOneToMany). Drive times must agree, or the bench stops. Library graph load
times are printed and not timed.

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
setFlagsFromString('--expose-gc');
/** A full collection, so one graph's library copies do not count in the next graph's heap figure. */
const collectGarbage = runInNewContext('gc') as () => void;
/** Library comparisons repeat their queries until this long has gone (one pass at least). */
const MIN_SECONDS = values.quick ? 0.2 : 2;
/** One-to-many searches per graph in the library comparison, each to {@link MANY_TARGETS} nodes. */
const MANY_SOURCES = values.quick ? 2 : 5;
const MANY_TARGETS = 200;
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
  library: LibraryRow;
}

interface LibraryRow {
  ngraphLoadMs: number;
  graphologyLoadMs: number;
  /** Drive times compared between ours and the libraries' (all equal, or the bench stopped). */
  checked: number;
  oneToOneQps: number;
  libraryOneToOneQps: number;
  oneToManyQps: number;
  libraryOneToManyQps: number;
}

function fail(message: string): never {
  console.error(`bench:routing: ${message}`);
  process.exit(1);
}

/**
 * Queries per second of our side and the library's over the same queries, interleaved query by
 * query so that both see the same machine (other load comes and goes during a run); passes until
 * MIN_SECONDS have gone, medians of the passes. Interleaving leaves our caches cold after each
 * library query, which counts against us.
 */
function interleavedQps<Q>(
  queries: readonly Q[],
  ours: (query: Q, i: number) => void,
  theirs: (query: Q, i: number) => void,
): [number, number] {
  const oursRates: number[] = [];
  const theirRates: number[] = [];
  const start = performance.now();
  do {
    let oursMs = 0;
    let theirMs = 0;
    queries.forEach((q, i) => {
      const t0 = performance.now();
      ours(q, i);
      const t1 = performance.now();
      theirs(q, i);
      oursMs += t1 - t0;
      theirMs += performance.now() - t1;
    });
    oursRates.push(queries.length / (oursMs / 1000));
    theirRates.push(queries.length / (theirMs / 1000));
  } while (performance.now() - start < MIN_SECONDS * 1000);
  return [median(oursRates), median(theirRates)];
}

/** Equal drive times, up to float rounding (sums over the same edges in another order). */
function sameSeconds(a: number, b: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, a);
}

/**
 * Our router against the libraries on the same graph, edge times and queries: one-to-one drive
 * times between REPS random node pairs, and one-to-many from MANY_SOURCES random nodes to the same
 * MANY_TARGETS nodes. Every answer is compared; a difference stops the bench.
 */
function compareWithLibraries(label: string, g: RoadGraph, router: Router): LibraryRow {
  const w = router.weights();
  const rnd = lcg(4242);
  const node = () => Math.floor(rnd() * g.nodeCount);
  const [ngraph, ngraphLoadMs] = timed(() => new NgraphOneToOne(g, w));
  const [graphology, graphologyLoadMs] = timed(() => new GraphologyOneToMany(g, w));

  const pairs = Array.from({ length: REPS }, () => [node(), node()] as const);
  const ours = new Float64Array(pairs.length);
  const theirs = new Float64Array(pairs.length);
  const ourRoute = (s: number, t: number) =>
    router.route({ node: s }, { node: t })?.seconds ?? Number.POSITIVE_INFINITY;
  for (const [s, t] of pairs.slice(0, 3)) {
    ourRoute(s, t); // warm-up
    ngraph.driveTime(s, t);
  }
  const [oneToOneQps, libraryOneToOneQps] = interleavedQps(
    pairs,
    ([s, t], i) => {
      ours[i] = ourRoute(s, t);
    },
    ([s, t], i) => {
      theirs[i] = ngraph.driveTime(s, t);
    },
  );
  pairs.forEach(([s, t], i) => {
    if (!sameSeconds(ours[i] as number, theirs[i] as number)) {
      fail(`${label}: drive time ${s} → ${t} is ${ours[i]} s here and ${theirs[i]} s with ngraph.path`);
    }
  });

  const targets = Array.from({ length: MANY_TARGETS }, node);
  const targetPlaces = targets.map((t) => ({ node: t }));
  const sources = Array.from({ length: MANY_SOURCES }, node);
  const ourMany: Float64Array[] = [];
  const theirMany: Float64Array[] = [];
  router.oneToMany({ node: node() }, targetPlaces); // warm-up
  graphology.driveTimes(node(), targets);
  const [oneToManyQps, libraryOneToManyQps] = interleavedQps(
    sources,
    (s, i) => {
      ourMany[i] = router.oneToMany({ node: s }, targetPlaces);
    },
    (s, i) => {
      theirMany[i] = graphology.driveTimes(s, targets);
    },
  );
  sources.forEach((s, i) => {
    targets.forEach((t, j) => {
      const a = ourMany[i]?.[j] as number;
      const b = theirMany[i]?.[j] as number;
      if (!sameSeconds(a, b))
        fail(`${label}: drive time ${s} → ${t} is ${a} s here and ${b} s with graphology`);
    });
  });

  return {
    ngraphLoadMs,
    graphologyLoadMs,
    checked: pairs.length + sources.length * targets.length,
    oneToOneQps,
    libraryOneToOneQps,
    oneToManyQps,
    libraryOneToManyQps,
  };
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
  const heapMB = process.memoryUsage().heapUsed / 1048576;
  const library = compareWithLibraries(label, g, router);
  collectGarbage();

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
    heapMB,
    library,
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

const ratio = (ours: number, theirs: number) => Number((ours / theirs).toFixed(2));
console.log(
  `\nvs libraries, same graph, edge times and queries (queries/s, medians; ${REPS} one-to-one pairs, ` +
    `${MANY_SOURCES} one-to-many searches to ${MANY_TARGETS} nodes; every drive time compared):\n` +
    `  one-to-one: ours = Router.route, theirs = ${packageVersion('ngraph.path')} aStar without heuristic ` +
    `(Dijkstra) on ${packageVersion('ngraph.graph')}\n` +
    `  one-to-many: ours = Router.oneToMany, theirs = ${packageVersion('graphology-shortest-path')} ` +
    `dijkstra.singleSource on ${packageVersion('graphology')}`,
);
console.log(
  [
    'graph'.padEnd(26),
    'load ms ngraph/gr.logy'.padStart(23),
    '1-to-1 ours'.padStart(12),
    'ngraph'.padStart(8),
    'ratio'.padStart(7),
    '1-to-many ours'.padStart(15),
    'graphology'.padStart(11),
    'ratio'.padStart(7),
    'checked'.padStart(8),
  ].join(' '),
);
for (const { graph, library: l } of rows) {
  console.log(
    [
      graph.padEnd(26),
      `${fmt(l.ngraphLoadMs, 0)} / ${fmt(l.graphologyLoadMs, 0)}`.padStart(23),
      fmt(l.oneToOneQps, 1).padStart(12),
      fmt(l.libraryOneToOneQps, 1).padStart(8),
      `${ratio(l.oneToOneQps, l.libraryOneToOneQps)}x`.padStart(7),
      fmt(l.oneToManyQps, 1).padStart(15),
      fmt(l.libraryOneToManyQps, 2).padStart(11),
      `${ratio(l.oneToManyQps, l.libraryOneToManyQps)}x`.padStart(7),
      String(l.checked).padStart(8),
    ].join(' '),
  );
}
console.log('target: vsLibrary (one-to-one, ours over theirs) >= 3');

const largest = rows.reduce((a, b) => (b.nodes > a.nodes ? b : a));
const lib = largest.library;
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
    oneToOneQps: Number(lib.oneToOneQps.toFixed(2)),
    libraryOneToOneQps: Number(lib.libraryOneToOneQps.toFixed(2)),
    vsLibrary: ratio(lib.oneToOneQps, lib.libraryOneToOneQps),
    oneToManyQps: Number(lib.oneToManyQps.toFixed(2)),
    libraryOneToManyQps: Number(lib.libraryOneToManyQps.toFixed(2)),
    vsLibraryOneToMany: ratio(lib.oneToManyQps, lib.libraryOneToManyQps),
    ngraphLoadMs: Math.round(lib.ngraphLoadMs),
    graphologyLoadMs: Math.round(lib.graphologyLoadMs),
    cpu,
    cores: cpus().length,
    node: process.version,
  }),
);
