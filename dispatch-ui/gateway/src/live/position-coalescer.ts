/**
 * Unit positions arrive many times a second per unit; consoles need the latest of each a few times
 * a second. The coalescer keeps the newest position per unit and, every interval, emits one array
 * per room holding the units that moved. Each instance coalesces the partitions it consumes.
 */
import type { LivePosition } from '@fenghuo/contracts';

export interface PositionCoalescerOptions {
  /** @defaultValue `500` */
  readonly intervalMs?: number;
  /** The rooms of a unit's position. */
  readonly roomsOf: (p: LivePosition) => readonly string[];
  /** Emits one array of positions to one room. */
  readonly emit: (room: string, positions: LivePosition[]) => void;
}

export class PositionCoalescer {
  private pending = new Map<string, LivePosition>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: PositionCoalescerOptions) {}

  /** Keeps `p` when it is newer than the pending position of its unit. */
  offer(p: LivePosition): void {
    const held = this.pending.get(p.unitId);
    if (held === undefined || Date.parse(held.at) <= Date.parse(p.at)) this.pending.set(p.unitId, p);
  }

  /** Emits what is pending, grouped by room; returns how many positions went out. */
  flush(): number {
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    const byRoom = new Map<string, LivePosition[]>();
    for (const p of batch.values()) {
      for (const room of this.opts.roomsOf(p)) {
        const list = byRoom.get(room);
        if (list) list.push(p);
        else byRoom.set(room, [p]);
      }
    }
    for (const [room, list] of byRoom) this.opts.emit(room, list);
    return batch.size;
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.opts.intervalMs ?? 500);
    this.timer.unref();
  }

  /** Stops the timer and emits what is left. Idempotent. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
