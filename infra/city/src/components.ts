/** Strongly connected components, used to drop road fragments that cannot be driven out of. */
import type { RoadGraphInput } from './graph.js';

function csr(n: number, from: Int32Array, to: Int32Array): { first: Int32Array; adj: Int32Array } {
  const first = new Int32Array(n + 1);
  for (let e = 0; e < from.length; e++) {
    const k = (from[e] as number) + 1;
    first[k] = (first[k] as number) + 1;
  }
  for (let i = 0; i < n; i++) first[i + 1] = (first[i + 1] as number) + (first[i] as number);
  const cursor = first.slice(0, n);
  const adj = new Int32Array(from.length);
  for (let e = 0; e < from.length; e++) {
    const u = from[e] as number;
    adj[cursor[u] as number] = to[e] as number;
    cursor[u] = (cursor[u] as number) + 1;
  }
  return { first, adj };
}

/**
 * Marks the nodes of the largest strongly connected component (Kosaraju, iterative).
 * Returns a mask with 1 for kept nodes.
 */
export function largestStronglyConnectedComponent(n: number, from: Int32Array, to: Int32Array): Uint8Array {
  const fwd = csr(n, from, to);
  const rev = csr(n, to, from);
  const visited = new Uint8Array(n);
  const order = new Int32Array(n);
  let orderLen = 0;
  const stackNode = new Int32Array(n);
  const stackPos = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (visited[s]) continue;
    let top = 0;
    stackNode[0] = s;
    stackPos[0] = fwd.first[s] as number;
    visited[s] = 1;
    while (top >= 0) {
      const u = stackNode[top] as number;
      const p = stackPos[top] as number;
      if (p < (fwd.first[u + 1] as number)) {
        stackPos[top] = p + 1;
        const v = fwd.adj[p] as number;
        if (!visited[v]) {
          visited[v] = 1;
          top++;
          stackNode[top] = v;
          stackPos[top] = fwd.first[v] as number;
        }
      } else {
        order[orderLen++] = u;
        top--;
      }
    }
  }
  const comp = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const stack = new Int32Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const s = order[k] as number;
    if (comp[s] !== -1) continue;
    const c = sizes.length;
    let size = 0;
    let top = 0;
    stack[0] = s;
    comp[s] = c;
    while (top >= 0) {
      const u = stack[top--] as number;
      size++;
      for (let p = rev.first[u] as number; p < (rev.first[u + 1] as number); p++) {
        const v = rev.adj[p] as number;
        if (comp[v] === -1) {
          comp[v] = c;
          stack[++top] = v;
        }
      }
    }
    sizes.push(size);
  }
  let best = 0;
  for (let c = 1; c < sizes.length; c++) if ((sizes[c] as number) > (sizes[best] as number)) best = c;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (comp[i] === best) mask[i] = 1;
  return mask;
}

/** Keeps only masked nodes (and edges between them), preserving order. Returns the old→new map too. */
export function filterGraphInput(
  input: RoadGraphInput,
  mask: Uint8Array,
): { input: RoadGraphInput; remap: Int32Array } {
  const n = input.lon.length;
  const remap = new Int32Array(n).fill(-1);
  let kept = 0;
  for (let i = 0; i < n; i++) if (mask[i]) remap[i] = kept++;
  const lon = new Float64Array(kept);
  const lat = new Float64Array(kept);
  const nodeId = new Float64Array(kept);
  for (let i = 0; i < n; i++) {
    const j = remap[i] as number;
    if (j < 0) continue;
    lon[j] = input.lon[i] as number;
    lat[j] = input.lat[i] as number;
    nodeId[j] = input.nodeId[i] as number;
  }
  let m = 0;
  for (let e = 0; e < input.from.length; e++) {
    if ((remap[input.from[e] as number] as number) >= 0 && (remap[input.to[e] as number] as number) >= 0) m++;
  }
  const out: RoadGraphInput = {
    lon,
    lat,
    nodeId,
    from: new Int32Array(m),
    to: new Int32Array(m),
    lengthM: new Float32Array(m),
    speedKph: new Float32Array(m),
    roadClass: new Uint8Array(m),
  };
  let k = 0;
  for (let e = 0; e < input.from.length; e++) {
    const a = remap[input.from[e] as number] as number;
    const b = remap[input.to[e] as number] as number;
    if (a < 0 || b < 0) continue;
    out.from[k] = a;
    out.to[k] = b;
    out.lengthM[k] = input.lengthM[e] as number;
    out.speedKph[k] = input.speedKph[e] as number;
    out.roadClass[k] = input.roadClass[e] as number;
    k++;
  }
  return { input: out, remap };
}
