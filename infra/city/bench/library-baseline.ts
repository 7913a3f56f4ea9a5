/**
 * The baselines of `npm run bench:routing`: the same road graph and edge drive times loaded into
 * well-kept npm graph libraries, queried for the same drive times as our router.
 *
 * - one-to-one: `ngraph.graph` + `ngraph.path`'s `aStar` without a heuristic, which is Dijkstra
 *   stopping at the target (the faster of the maintained JavaScript libraries we tried:
 *   graphology's bidirectional Dijkstra took twice as long on the 100k-node city);
 * - one-to-many: `graphology` + `graphology-shortest-path`'s `dijkstra.singleSource` (ngraph.path
 *   has no one-to-many search), the drive time to each target summed along its path.
 *
 * Parallel edges keep the fastest one and self-loops are dropped: neither changes a shortest
 * drive time. The drive time of a path is the sum of its edges' times, as our router's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RoadGraph } from '@fenghuo/city';
import Graph from 'graphology';
import { dijkstra } from 'graphology-shortest-path';
import createGraph from 'ngraph.graph';
import { aStar } from 'ngraph.path';

const require = createRequire(import.meta.url);

/** `name version` of an installed package, for the bench's header (some export no package.json). */
export function packageVersion(name: string): string {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name) return `${name} ${pkg.version}`;
  }
  return name;
}

/** Calls `edge(u, v, seconds)` once per distinct directed pair, with the fastest parallel edge. */
function forEachFastestEdge(
  graph: RoadGraph,
  weights: Float64Array,
  edge: (u: number, v: number, seconds: number) => void,
): void {
  const best = new Map<number, number>();
  for (let u = 0; u < graph.nodeCount; u++) {
    best.clear();
    for (let e = graph.firstOut[u] as number, end = graph.firstOut[u + 1] as number; e < end; e++) {
      const v = graph.head[e] as number;
      if (v === u) continue;
      const s = weights[e] as number;
      const known = best.get(v);
      if (known === undefined || s < known) best.set(v, s);
    }
    for (const [v, s] of best) edge(u, v, s);
  }
}

/** One-to-one drive times with ngraph.path (Dijkstra: A* with the zero heuristic). */
export class NgraphOneToOne {
  private readonly graph = createGraph<undefined, number>();
  private readonly finder;

  constructor(road: RoadGraph, weights: Float64Array) {
    for (let u = 0; u < road.nodeCount; u++) this.graph.addNode(u);
    forEachFastestEdge(road, weights, (u, v, s) => this.graph.addLink(u, v, s));
    this.finder = aStar<undefined, number>(this.graph, {
      oriented: true,
      distance: (_from, _to, link) => link.data,
    });
  }

  /** Shortest drive time in seconds from `from` to `to` (node indices), Infinity when unreachable. */
  driveTime(from: number, to: number): number {
    if (from === to) return 0;
    const path = this.finder.find(from, to); // target first
    if (path.length === 0) return Number.POSITIVE_INFINITY;
    let seconds = 0;
    for (let i = path.length - 1; i > 0; i--) {
      seconds += this.graph.getLink((path[i] as { id: number }).id, (path[i - 1] as { id: number }).id)!.data;
    }
    return seconds;
  }
}

/** One-to-many drive times with graphology-shortest-path's single-source Dijkstra. */
export class GraphologyOneToMany {
  private readonly graph = new Graph<Record<string, never>, { weight: number }>({
    type: 'directed',
    multi: false,
    allowSelfLoops: false,
  });

  constructor(road: RoadGraph, weights: Float64Array) {
    for (let u = 0; u < road.nodeCount; u++) this.graph.addNode(String(u));
    forEachFastestEdge(road, weights, (u, v, s) => this.graph.addEdge(String(u), String(v), { weight: s }));
  }

  /** Drive times in seconds from `from` to each target (node indices), Infinity when unreachable. */
  driveTimes(from: number, targets: readonly number[]): Float64Array {
    const paths = dijkstra.singleSource(this.graph, String(from), 'weight');
    const out = new Float64Array(targets.length);
    targets.forEach((t, i) => {
      const path = paths[String(t)];
      if (!path) {
        out[i] = Number.POSITIVE_INFINITY;
        return;
      }
      let seconds = 0;
      for (let j = 1; j < path.length; j++) {
        seconds += this.graph.getEdgeAttribute(path[j - 1] as string, path[j] as string, 'weight');
      }
      out[i] = seconds;
    });
    return out;
  }
}
