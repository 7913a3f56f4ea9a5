/**
 * 110 incidents over the simulated period, at the hour-of-day rates and with the category mix of
 * real calls for service (calls-for-service.ts), at random places inside the city's grid cells.
 */
import type { IncidentCategory, IncidentReport } from '@fenghuo/contracts';
import { CALLS_BY_CATEGORY, CALLS_BY_HOUR, CATEGORY_PRIORITY } from './calls-for-service.ts';
import type { IdMaker } from './residents.ts';
import type { Rng } from './rng.ts';

export interface TimedIncident {
  readonly atMs: number;
  readonly event: IncidentReport;
}

/** A grid cell: its id and the GeoJSON outer ring of its polygon (`[lon, lat]` pairs). */
export interface CellArea {
  readonly id: string;
  readonly ring: readonly (readonly [number, number])[];
}

/** The city's local time is UTC+8 (China Standard Time): the hour-of-day rates are local. */
export const CITY_UTC_OFFSET_HOURS = 8;

const HOUR = 3_600_000;

const CATEGORIES = Object.keys(CALLS_BY_CATEGORY) as IncidentCategory[];
const CATEGORY_WEIGHTS = CATEGORIES.map((c) => CALLS_BY_CATEGORY[c] ?? 0);
const HOUR_TOTAL = CALLS_BY_HOUR.reduce((a, b) => a + b, 0);

const DESCRIPTION: Readonly<Record<IncidentCategory, readonly string[]>> = {
  violence: ['两人在店门口打架，一人受伤', 'Fight outside a restaurant, one person hurt'],
  theft: ['电动车在地铁口被盗，嫌疑人往北跑了', 'Phone snatched at the bus stop'],
  robbery: ['路边被抢走挎包，嫌疑人骑摩托逃离', 'Street robbery, suspect on a motorbike'],
  fraud: ['老人说被人骗走了现金', 'Caller says a stranger took her savings'],
  traffic: ['两车追尾，道路堵塞', 'Collision at the junction, lane blocked'],
  fire: ['楼道冒烟，疑似电瓶车起火', 'Smoke from a shop front'],
  medical: ['有人在路边晕倒', 'Elderly man collapsed in the park'],
  disturbance: ['楼上深夜噪音扰民', 'Loud party, neighbours complaining'],
  suspicious: ['有人在小区车库里挨个拉车门', 'Man trying car doors in the car park'],
  missing_person: ['孩子放学后没有回家', 'Elderly woman with dementia missing since noon'],
  alarm: ['商铺防盗报警器响了', 'Burglar alarm ringing at a warehouse'],
  neighbour_dispute: ['邻居因漏水吵起来了', 'Neighbours arguing over a leaking ceiling'],
  family_dispute: ['夫妻争吵，妻子要求民警到场', 'Couple fighting, the wife asks for the police'],
  protection_order: ['申请人身安全保护令', 'Application for a personal-safety protection order'],
  fleeing_vehicle: ['车辆冲卡逃逸', 'Car drove through a checkpoint'],
  other: ['请民警上门查看独居老人情况', 'Welfare check requested'],
};

/** Expected incidents in local hour `hour` for a city that has `perDay` a day. */
export function expectedPerHour(perDay: number, hour: number): number {
  return (perDay * (CALLS_BY_HOUR[hour] ?? 0)) / HOUR_TOTAL;
}

/** A cell's bounding box. */
export function cellBox(cell: CellArea): { minLon: number; maxLon: number; minLat: number; maxLat: number } {
  let minLon = Number.POSITIVE_INFINITY;
  let maxLon = Number.NEGATIVE_INFINITY;
  let minLat = Number.POSITIVE_INFINITY;
  let maxLat = Number.NEGATIVE_INFINITY;
  for (const [lon, lat] of cell.ring) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  return { minLon, maxLon, minLat, maxLat };
}

/** A coordinate to the 6 decimals (about 0.1 m) events carry. */
export const round = (x: number): number => Math.round(x * 1e6) / 1e6;

function pointIn(rng: Rng, cell: CellArea): { lat: number; lon: number } {
  const { minLon, maxLon, minLat, maxLat } = cellBox(cell);
  return {
    lat: round(minLat + rng.next() * (maxLat - minLat)),
    lon: round(minLon + rng.next() * (maxLon - minLon)),
  };
}

/**
 * Incidents between `startMs` and `startMs + durationMs`: per hour slot, the expected count for
 * its local hour (a fraction of it for a partial slot), rounded at random; uniform times inside.
 */
export function planIncidents(
  rng: Rng,
  ids: IdMaker,
  cells: readonly CellArea[],
  startMs: number,
  durationMs: number,
  perDay: number,
): TimedIncident[] {
  if (cells.length === 0) throw new RangeError('the city has no grid cells to place incidents in');
  const out: TimedIncident[] = [];
  const endMs = startMs + durationMs;
  for (let slot = Math.floor(startMs / HOUR) * HOUR; slot < endMs; slot += HOUR) {
    const from = Math.max(slot, startMs);
    const to = Math.min(slot + HOUR, endMs);
    const hour = (new Date(slot).getUTCHours() + CITY_UTC_OFFSET_HOURS) % 24;
    const expected = (expectedPerHour(perDay, hour) * (to - from)) / HOUR;
    const count = Math.floor(expected + rng.next());
    for (let i = 0; i < count; i++) {
      const atMs = Math.floor(from + rng.next() * (to - from));
      const category = CATEGORIES[rng.weighted(CATEGORY_WEIGHTS)] ?? 'other';
      const cell = rng.pick(cells);
      const id = ids();
      out.push({
        atMs,
        event: {
          version: 1,
          eventId: `110-${id}`,
          occurredAt: new Date(atMs).toISOString(),
          incidentId: `inc-${id}`,
          channel: '110',
          category,
          priority: CATEGORY_PRIORITY[category],
          location: pointIn(rng, cell),
          gridCellId: cell.id,
          description: rng.pick(DESCRIPTION[category]),
          callerNumber: `1${rng.pick(['3', '5', '8'])}${rng.digits(9)}`,
        },
      });
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
