/**
 * A hand-made world for unit tests of the decisions: a two-cell city, a roster, drive times set
 * per unit, a clock the test moves, and `apply` doing what a commit does to the units.
 */
import type { GeoPoint, UnitKind, UnitState } from '@fenghuo/contracts';
import type { CityView, RosterUnit } from '../../src/city-view.ts';
import { DEFAULT_ACK_DEADLINES, parseAckDeadlines } from '../../src/config.ts';
import type { DecideContext } from '../../src/draft.ts';
import { builtinLadder } from '../../src/ladder.ts';
import { type Decision, isExclusive, type Matter, type UnitView } from '../../src/model.ts';
import { applyUnitOp } from '../../src/unit-ops.ts';

export const T0 = Date.parse('2026-11-27T08:30:00.000Z');
export const HERE: GeoPoint = { lat: 30.27, lon: 120.15 };

const roster: RosterUnit[] = [
  { id: 'off-1', kind: 'community_officer', stationId: 's1', position: HERE },
  { id: 'off-2', kind: 'community_officer', stationId: 's1', position: HERE },
  { id: 'desk-s1', kind: 'duty_desk', stationId: 's1', position: HERE },
  ...['u1', 'u2', 'u3', 'u4', 'u5'].map((id) => ({
    id,
    kind: 'patrol_car' as UnitKind,
    stationId: 's1',
    position: HERE,
  })),
];

export const fakeCity: CityView = {
  cellAt: (p) =>
    p.lon < 120.2
      ? { id: 'cell-1', stationId: 's1', officerId: 'off-1' }
      : { id: 'cell-2', stationId: 's1', officerId: 'off-2' },
  cell: (id) =>
    id === 'cell-1'
      ? { id, stationId: 's1', officerId: 'off-1' }
      : id === 'cell-2'
        ? { id, stationId: 's1', officerId: 'off-2' }
        : undefined,
  cellCentre: (id) => (id.startsWith('cell-') ? HERE : undefined),
  dutyDeskOf: (s) => (s === 's1' ? 'desk-s1' : undefined),
  unit: (id) => roster.find((u) => u.id === id),
  roster: () => roster,
};

export class FakeWorld {
  now = T0;
  readonly units = new Map<string, UnitView>();
  /** Drive time (s) of each patrol unit to anywhere. */
  readonly etas = new Map<string, number>([
    ['u1', 300],
    ['u2', 120],
    ['u3', 200],
    ['u4', 500],
    ['u5', 90],
  ]);
  ladder = builtinLadder('escalation-ladder', parseAckDeadlines(DEFAULT_ACK_DEADLINES));

  constructor() {
    for (const u of roster) {
      this.units.set(u.id, {
        id: u.id,
        kind: u.kind,
        stationId: u.stationId,
        status: 'available',
        orders: [],
        lon: u.position.lon,
        lat: u.position.lat,
        seenAt: T0,
      });
    }
  }

  set(id: string, patch: Partial<Pick<UnitView, 'status' | 'seenAt'>>): void {
    const u = this.units.get(id);
    if (!u) throw new Error(id);
    this.units.set(id, { ...u, ...patch });
  }

  /** Every unit reports a position now. */
  heardFromAll(): void {
    for (const [id, u] of this.units) this.units.set(id, { ...u, seenAt: this.now });
  }

  status(id: string): UnitState | undefined {
    return this.units.get(id)?.status;
  }

  offered(u: UnitView): boolean {
    return u.kind === 'duty_desk' || u.seenAt >= this.now - 300_000;
  }

  ctx(): DecideContext {
    return {
      now: this.now,
      ladder: this.ladder,
      city: fakeCity,
      recommend: 3,
      queueRetryMs: 15_000,
      unit: (id) => this.units.get(id),
      offered: (u) => this.offered(u),
      rank: (_to, exclude, k) =>
        [...this.units.values()]
          .filter(
            (u) =>
              isExclusive(u.kind) &&
              !exclude.has(u.id) &&
              u.status === 'available' &&
              u.orders.length === 0 &&
              this.offered(u),
          )
          .map((u) => ({ unitId: u.id, etaSec: this.etas.get(u.id) ?? 999 }))
          .sort((a, b) => a.etaSec - b.etaSec)
          .slice(0, k),
    };
  }

  /** What a commit does: the units take their new state; returns the new matter. */
  apply(d: Decision | undefined): Matter {
    if (!d?.matter) throw new Error('no decision');
    for (const op of d.unitOps) {
      const u = this.units.get(op.unitId) as UnitView;
      const after = applyUnitOp(u, op);
      if (!after) throw new Error(`unit ${op.unitId} cannot be claimed: ${u.status} [${u.orders}]`);
      this.units.set(op.unitId, after);
    }
    return d.matter;
  }
}
