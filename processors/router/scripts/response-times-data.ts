/**
 * The real-world data of `npm run eval:response-times`, read from `../shared/data/calls-for-service/`
 * (see /work/shared/data/SOURCES.txt): San Diego PD calls for service (geocoded by a third party;
 * categories, priorities, time of day) to replay, and the South Metro Fire Rescue 911 log, whose
 * "Unit Response Time" (notification of the unit → its arrival, m:ss) is the distribution to compare
 * with. Nothing here is shipped or used by the router itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GeoPoint, IncidentCategory } from '@fenghuo/contracts';

/** `<repo>/../shared/data/calls-for-service`. */
export const CALLS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/data/calls-for-service',
);
export const SDPD_FILE = join(CALLS_DIR, 'sdpd_calls_2023-01-18_to_25_geocoded.csv');
export const SMFR_FILE = join(CALLS_DIR, 'smfr_911_2019-11-23_to_12-31.csv');

/** Why the data cannot be used, or `undefined` when both files are there. */
export function missingData(): string | undefined {
  for (const f of [SDPD_FILE, SMFR_FILE]) if (!existsSync(f)) return `${f} not found`;
  return undefined;
}

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes) → rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function records(file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  if (!header) return [];
  return rows
    .filter((r) => r.length > 1)
    .map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** `m:ss` → seconds, or `undefined`. */
export function minutesSeconds(text: string): number | undefined {
  const m = /^(\d+):(\d{1,2})$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/**
 * SMFR's unit response times in seconds (notification → arrival of the unit). Blank and zero
 * entries (calls without a unit arriving, or times not recorded) are left out.
 */
export function smfrUnitResponseTimes(file = SMFR_FILE): number[] {
  return records(file)
    .map((r) => minutesSeconds(r['Unit Response Time'] ?? ''))
    .filter((s): s is number => s !== undefined && s > 0);
}

/** How many first-due stations the SMFR log names. */
export function smfrStations(file = SMFR_FILE): number {
  return new Set(
    records(file)
      .map((r) => r['Station First Due'] ?? '')
      .filter((s) => s !== ''),
  ).size;
}

/** A call to replay. */
export interface Call {
  readonly id: string;
  /** Seconds after local midnight of its day. */
  readonly secondOfDay: number;
  readonly day: string;
  readonly category: IncidentCategory;
  /** 1 most urgent … 4. */
  readonly priority: number;
  /** Where it was, in San Diego. */
  readonly at: GeoPoint;
}

/** Officer-initiated activity and administrative entries: nobody is dispatched to them. */
const NOT_DISPATCHED = new Set([
  'T',
  'SELENF',
  'MPSSTP',
  '1151',
  'FD',
  'FU',
  'MTG',
  'INFO',
  '1186',
  'AU2',
  '1016',
  '1185',
  '586',
  'COURT',
  'SCHOOL',
  '11-6',
  '11-8',
  'PLATE',
]);
/** Dispositions without a unit on scene: no dispatch, cancelled, duplicates. */
const NO_UNIT = new Set(['W', 'CAN', 'DUP', 'V', 'X', '']);

/** San Diego PD call type → Fenghuo's incident category. */
export function categoryOf(callType: string): IncidentCategory {
  const t = callType.toUpperCase();
  if (/^(242|245|243|273|417|415V|5150V|240)/.test(t)) return 'violence';
  if (/^(211|212)/.test(t)) return 'robbery';
  if (/^459A/.test(t)) return 'alarm';
  if (/^(459|484|487|488|10851|10852|503|594)/.test(t)) return 'theft';
  if (/^(415|PARTY)/.test(t)) return 'disturbance';
  if (/^(118[0-4]|2000[12]|23152|1182|CC$)/.test(t)) return 'traffic';
  if (/^(1140|1141|1144|5150|SLEEPER)/.test(t)) return 'medical';
  if (/^MP/.test(t)) return 'missing_person';
  if (/^(602|1150|1153|1154|SUSP)/.test(t)) return 'suspicious';
  if (/^(FIRE|1149)/.test(t)) return 'fire';
  return 'other';
}

/** SDPD priority (0 emergency … 4; 9 officer-initiated) → 1…4, or `undefined` to leave out. */
export function priorityOf(sdpd: string): number | undefined {
  const p = Number(sdpd);
  if (sdpd.trim() === '' || !Number.isInteger(p) || p < 0 || p > 4) return undefined;
  return Math.max(1, p);
}

/** The dispatched calls of the geocoded SDPD file, with their local day and time of day. */
export function sdpdCalls(file = SDPD_FILE): Call[] {
  const out: Call[] = [];
  for (const r of records(file)) {
    const lat = Number(r.lat);
    const lon = Number(r.lng);
    const priority = priorityOf(r.priority ?? '');
    const when = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(r.date_time ?? '');
    if (!r.lat || !r.lng || !Number.isFinite(lat) || !Number.isFinite(lon) || priority === undefined || !when)
      continue;
    if (NOT_DISPATCHED.has(r.call_type ?? '') || NO_UNIT.has(r.disposition ?? '')) continue;
    // Keep the San Diego area (one geocoded row lies elsewhere).
    if (lat < 32.5 || lat > 33.2 || lon < -117.4 || lon > -116.8) continue;
    out.push({
      id: r.incident_num as string,
      day: when[1] as string,
      secondOfDay: Number(when[2]) * 3600 + Number(when[3]) * 60 + Number(when[4]),
      category: categoryOf(r.call_type ?? ''),
      priority,
      at: { lat, lon },
    });
  }
  return out;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

export interface Distribution {
  readonly n: number;
  readonly p10: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p90: number;
  readonly mean: number;
}

export function distribution(values: readonly number[]): Distribution {
  return {
    n: values.length,
    p10: percentile(values, 10),
    p25: percentile(values, 25),
    p50: percentile(values, 50),
    p75: percentile(values, 75),
    p90: percentile(values, 90),
    mean: values.reduce((s, v) => s + v, 0) / Math.max(1, values.length),
  };
}

/**
 * Moves San Diego positions into a city's bounding box: the calls' 2nd–98th percentile extent is
 * stretched linearly onto the box (inset by 5%), so hot spots stay hot spots and the pattern keeps
 * its shape. Returns the map and how much shorter distances become (San Diego km per city km).
 */
export function mapInto(
  calls: readonly Call[],
  bbox: readonly [number, number, number, number],
): { map: (p: GeoPoint) => GeoPoint; shrink: number } {
  const lons = calls.map((c) => c.at.lon);
  const lats = calls.map((c) => c.at.lat);
  const [lo0, lo1, la0, la1] = [
    percentile(lons, 2),
    percentile(lons, 98),
    percentile(lats, 2),
    percentile(lats, 98),
  ];
  const [minLon, minLat, maxLon, maxLat] = bbox;
  const insetLon = (maxLon - minLon) * 0.05;
  const insetLat = (maxLat - minLat) * 0.05;
  const clamp = (x: number, a: number, b: number) => Math.min(b, Math.max(a, x));
  const map = (p: GeoPoint): GeoPoint => ({
    lon: minLon + insetLon + clamp((p.lon - lo0) / (lo1 - lo0), 0, 1) * (maxLon - minLon - 2 * insetLon),
    lat: minLat + insetLat + clamp((p.lat - la0) / (la1 - la0), 0, 1) * (maxLat - minLat - 2 * insetLat),
  });
  const kmLat = (la1 - la0) * 111.3;
  const cityKmLat = (maxLat - minLat - 2 * insetLat) * 111.3;
  return { map, shrink: kmLat / cityKmLat };
}
