/**
 * The live view of units this instance plans with: the latest position and status of each, from
 * `units.positions` and `units.status` (the router owns availability; this only reads it), and the
 * city pack's units at their home positions until positions arrive.
 */
import type { LonLat, Unit } from '@fenghuo/city';
import type { UnitKind, UnitPosition, UnitStatus } from '@fenghuo/contracts';

interface LiveUnit {
  kind: UnitKind | undefined;
  position: LonLat | undefined;
  positionAt: number;
  status: UnitStatus | undefined;
}

export interface CandidateUnit {
  readonly id: string;
  readonly kind: UnitKind;
  readonly position: LonLat;
}

/** The order id prefix of a pursuit's checkpoint orders. */
export function interceptionOrderPrefix(pursuitId: string): string {
  return `int-${pursuitId}-`;
}

export class UnitBoard {
  private readonly units = new Map<string, LiveUnit>();
  /** Wall time (ms) of the last change that could move a plan: a position or a status. */
  lastChangeAt = 0;

  constructor(packUnits: readonly Unit[] = []) {
    for (const u of packUnits) {
      this.units.set(u.id, { kind: u.kind, position: u.position, positionAt: 0, status: undefined });
    }
  }

  private entry(unitId: string): LiveUnit {
    let u = this.units.get(unitId);
    if (!u) {
      u = { kind: undefined, position: undefined, positionAt: 0, status: undefined };
      this.units.set(unitId, u);
    }
    return u;
  }

  applyPosition(p: UnitPosition, nowMs: number): void {
    const u = this.entry(p.unitId);
    const at = Date.parse(p.occurredAt);
    if (at < u.positionAt) return;
    u.position = [p.location.lon, p.location.lat];
    u.positionAt = at;
    this.lastChangeAt = nowMs;
  }

  applyStatus(s: UnitStatus, nowMs: number): void {
    const u = this.entry(s.unitId);
    if (u.status && Date.parse(u.status.occurredAt) > Date.parse(s.occurredAt)) return;
    u.status = s;
    if (s.unitKind) u.kind = s.unitKind;
    this.lastChangeAt = nowMs;
  }

  /**
   * Units that may be sent to a checkpoint of `pursuitId`: of the given kinds, with a position, and
   * available (or with no status yet) or already working on this pursuit's checkpoint orders.
   */
  candidates(pursuitId: string, kinds: readonly UnitKind[]): CandidateUnit[] {
    const prefix = interceptionOrderPrefix(pursuitId);
    const out: CandidateUnit[] = [];
    for (const [id, u] of this.units) {
      if (!u.kind || !kinds.includes(u.kind) || !u.position) continue;
      const s = u.status;
      const free = !s || s.status === 'available';
      const ours = s?.orderId?.startsWith(prefix) === true && s.status !== 'off_duty' && s.status !== 'busy';
      if (free || ours) out.push({ id, kind: u.kind, position: u.position });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get size(): number {
    return this.units.size;
  }
}
