/** Events placed in the default city for the gateway's tests: points inside a station's cells, and builders. */
import type { CityPack } from '@fenghuo/city';
import {
  type Alert,
  type DispatchOrder,
  examples,
  type GeoPoint,
  type IncidentReport,
  Topic,
  type UnitPosition,
} from '@fenghuo/contracts';

/** The centre of the first cell of `stationId`, and that cell's id. */
export function placeIn(pack: CityPack, stationId: string): { location: GeoPoint; cellId: string } {
  const cell = pack.cells.find((c) => c.stationId === stationId);
  if (!cell) throw new Error(`no cell of ${stationId}`);
  const ring = cell.polygon[0]!;
  const n = ring.length - 1;
  let lon = 0;
  let lat = 0;
  for (let i = 0; i < n; i++) {
    lon += ring[i]![0];
    lat += ring[i]![1];
  }
  return { location: { lat: lat / n, lon: lon / n }, cellId: cell.id };
}

export function alertAt(id: string, where: { location: GeoPoint; cellId: string }, revision = 1): Alert {
  const now = new Date().toISOString();
  return {
    ...examples[Topic.AlertsRaised],
    alertId: id,
    subjectId: `res-${id}`,
    revision,
    raisedAt: now,
    updatedAt: now,
    location: where.location,
    gridCellId: where.cellId,
  };
}

export function orderFor(
  id: string,
  unitId: string,
  stationId: string,
  where: { location: GeoPoint },
): DispatchOrder {
  return {
    ...examples[Topic.DispatchOrders],
    orderId: id,
    unitId,
    stationId,
    destination: where.location,
    kind: 'incident',
    refId: `inc-${id}`,
    status: 'active',
    issuedAt: new Date().toISOString(),
    ackDeadline: new Date(Date.now() + 60_000).toISOString(),
  };
}

export function incidentAt(id: string, where: { location: GeoPoint; cellId: string }): IncidentReport {
  return {
    ...examples[Topic.IncidentsReported],
    incidentId: id,
    eventId: `ev-${id}`,
    location: where.location,
    gridCellId: where.cellId,
  };
}

export function positionOf(unitId: string, location: GeoPoint, atMs: number): UnitPosition {
  return {
    ...examples[Topic.UnitsPositions],
    eventId: `pos-${unitId}-${atMs}`,
    unitId,
    location,
    occurredAt: new Date(atMs).toISOString(),
  };
}
