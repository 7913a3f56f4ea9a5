/** Helpers shared by this package's unit tests (not exported from the barrel). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCity } from './generate.js';
import type { RoadGraph } from './graph.js';
import type { CityPack } from './pack.js';

/** `/work/main/../shared/data/roads`, resolved from this file (infra/city/src). */
export const SHARED_ROADS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/data/roads',
);

/** Path of a shared real-data file, or `undefined` (with a console note) when it is absent. */
export function sharedRoadFile(name: string): string | undefined {
  const file = join(SHARED_ROADS_DIR, name);
  if (existsSync(file)) return file;
  console.warn(`[city tests] skipping: ${file} not found (real OSM data lives in ../shared/data/roads)`);
  return undefined;
}

let cached: CityPack | undefined;
/** The default generated pack, built once per test file. */
export function defaultPack(): CityPack {
  cached ??= generateCity();
  return cached;
}

/**
 * Reference shortest times by a label-correcting search (FIFO queue, Bellman-Ford style):
 * a different algorithm from the production Dijkstra, so agreement means something.
 */
export function referenceTimes(
  g: RoadGraph,
  w: Float64Array,
  sources: number[],
  sourceTimes: number[],
  reverse = false,
): Float64Array {
  const dist = new Float64Array(g.nodeCount).fill(Number.POSITIVE_INFINITY);
  const inQueue = new Uint8Array(g.nodeCount);
  const queue: number[] = [];
  sources.forEach((s, i) => {
    const t = sourceTimes[i] as number;
    if (t < (dist[s] as number)) dist[s] = t;
    if (!inQueue[s]) {
      inQueue[s] = 1;
      queue.push(s);
    }
  });
  for (let qi = 0; qi < queue.length; qi++) {
    const u = queue[qi] as number;
    inQueue[u] = 0;
    // Plain edge scan by tail/head arrays, not the CSR offsets the engine uses.
    const edges = reverse ? incoming(g, u) : outgoing(g, u);
    for (const e of edges) {
      const v = reverse ? (g.tail[e] as number) : (g.head[e] as number);
      const nd = (dist[u] as number) + (w[e] as number);
      if (nd < (dist[v] as number)) {
        dist[v] = nd;
        if (!inQueue[v]) {
          inQueue[v] = 1;
          queue.push(v);
        }
      }
    }
  }
  return dist;
}

function outgoing(g: RoadGraph, u: number): number[] {
  const out: number[] = [];
  for (let e = g.firstOut[u] as number; e < (g.firstOut[u + 1] as number); e++) out.push(e);
  return out;
}

function incoming(g: RoadGraph, v: number): number[] {
  const out: number[] = [];
  for (let k = g.firstIn[v] as number; k < (g.firstIn[v + 1] as number); k++) out.push(g.inEdge[k] as number);
  return out;
}

/** Deterministic sample of `k` node indices. */
export function sampleNodes(g: RoadGraph, k: number, seed = 7): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < k; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out.push(s % g.nodeCount);
  }
  return out;
}
