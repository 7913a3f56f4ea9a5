/**
 * A binary min-heap of (key, value) pairs on typed arrays, used by Dijkstra with lazy deletion
 * (stale entries are skipped by the caller). Grows by doubling; `clear()` keeps the buffers.
 */
export class BinaryHeap {
  private keys: Float64Array;
  private values: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(key: number, value: number): void {
    if (this.size === this.keys.length) this.grow();
    const keys = this.keys;
    const values = this.values;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent] as number;
      if (pk <= key) break;
      keys[i] = pk;
      values[i] = values[parent] as number;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  /** Key of the minimum; only valid when `size > 0`. */
  peekKey(): number {
    return this.keys[0] as number;
  }

  /** Value of the minimum; only valid when `size > 0`. */
  peekValue(): number {
    return this.values[0] as number;
  }

  /** Removes the minimum (call `peekKey`/`peekValue` first). */
  pop(): void {
    const keys = this.keys;
    const values = this.values;
    const n = --this.size;
    if (n <= 0) return;
    const key = keys[n] as number;
    const value = values[n] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (keys[right] as number) < (keys[child] as number)) child = right;
      const ck = keys[child] as number;
      if (ck >= key) break;
      keys[i] = ck;
      values[i] = values[child] as number;
      i = child;
    }
    keys[i] = key;
    values[i] = value;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const values = new Int32Array(this.values.length * 2);
    values.set(this.values);
    this.keys = keys;
    this.values = values;
  }
}
