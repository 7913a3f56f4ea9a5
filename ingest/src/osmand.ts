/**
 * Officers' phones speak the OsmAnd protocol of Traccar Client: query or form parameters
 * (`id`/`deviceid`, `lat`, `lon` or `location=lat,lon`, `timestamp`, `speed` in knots, `bearing`/
 * `heading`, `altitude`, `accuracy`, `batt` in percent), or — Traccar Client 9+ — a JSON body
 * `{device_id, location: {timestamp, coords: {latitude, longitude, speed (m/s), heading, altitude,
 * accuracy}, battery: {level 0..1}}}`. Both become the fields of a `UnitPosition`.
 */
import type { FieldError, UnitPosition } from '@fenghuo/contracts';

const KNOTS_TO_KPH = 1.852;
const MPS_TO_KPH = 3.6;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A phone's report before the device is looked up: who sent it and what it says. */
export interface PhoneReport {
  readonly deviceId: string;
  readonly occurredAt: string;
  readonly location: { lat: number; lon: number };
  readonly speedKph?: number;
  readonly headingDeg?: number;
  readonly altitudeM?: number;
  readonly accuracyM?: number;
  readonly batteryPct?: number;
}

export type PhoneReportResult =
  | { readonly ok: true; readonly report: PhoneReport }
  | { readonly ok: false; readonly errors: FieldError[] };

/** Traccar's rules: integer seconds (below 2^31) or milliseconds, ISO 8601, or `yyyy-MM-dd HH:mm:ss` (UTC). */
export function parseTimestamp(raw: string): Date | undefined {
  const v = raw.trim();
  if (/^\d{1,15}$/.test(v)) {
    let n = Number(v);
    if (n < 2_147_483_647) n *= 1000;
    return new Date(n);
  }
  const iso = v.includes('T')
    ? v
    : /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v)
      ? `${v.replace(' ', 'T')}Z`
      : '';
  if (iso === '') return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

class Collector {
  readonly errors: FieldError[] = [];

  num(field: string, raw: unknown): number | undefined {
    if (raw === undefined || raw === null || raw === '') return undefined;
    const n =
      typeof raw === 'number'
        ? raw
        : typeof raw === 'string' && NUMBER.test(raw.trim())
          ? Number(raw)
          : Number.NaN;
    if (!Number.isFinite(n)) {
      this.errors.push({ path: field, reason: `must be a number, got ${JSON.stringify(raw)?.slice(0, 40)}` });
      return undefined;
    }
    return n;
  }

  required<T>(field: string, value: T | undefined): value is T {
    if (value === undefined) {
      if (!this.errors.some((e) => e.path === field)) this.errors.push({ path: field, reason: 'required' });
      return false;
    }
    return true;
  }

  time(field: string, raw: unknown, now: Date): string {
    if (raw === undefined || raw === null || raw === '') return now.toISOString();
    const d =
      typeof raw === 'number'
        ? parseTimestamp(String(Math.trunc(raw)))
        : typeof raw === 'string'
          ? parseTimestamp(raw)
          : undefined;
    if (d === undefined || Number.isNaN(d.getTime())) {
      this.errors.push({ path: field, reason: 'must be unix seconds or milliseconds, or an ISO 8601 time' });
      return now.toISOString();
    }
    return d.toISOString();
  }
}

function optional<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Query or form parameters (the first value of each name). */
export function parseOsmAndParams(
  params: Readonly<Record<string, string | undefined>>,
  now = new Date(),
): PhoneReportResult {
  const c = new Collector();
  const deviceId = params.id ?? params.deviceid;
  let lat = c.num('lat', params.lat);
  let lon = c.num('lon', params.lon);
  if (params.location !== undefined && lat === undefined && lon === undefined) {
    const [a, b] = params.location.split(',');
    lat = c.num('location', a);
    lon = c.num('location', b);
  }
  const speedKn = c.num('speed', params.speed);
  const heading = c.num('bearing', params.bearing ?? params.heading);
  const altitude = c.num('altitude', params.altitude);
  const accuracy = c.num('accuracy', params.accuracy);
  const batt = c.num('batt', params.batt);
  const occurredAt = c.time('timestamp', params.timestamp, now);
  const hasId = c.required('id', deviceId === '' ? undefined : deviceId);
  const hasLat = c.required('lat', lat);
  const hasLon = c.required('lon', lon);
  if (c.errors.length > 0 || !hasId || !hasLat || !hasLon) return { ok: false, errors: c.errors };
  return {
    ok: true,
    report: {
      deviceId: deviceId!,
      occurredAt,
      location: { lat: lat!, lon: lon! },
      ...optional({
        speedKph: speedKn === undefined ? undefined : speedKn * KNOTS_TO_KPH,
        headingDeg: heading,
        altitudeM: altitude,
        accuracyM: accuracy,
        batteryPct: batt,
      }),
    },
  };
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The JSON body of Traccar Client 9+. */
export function parseTraccarJson(body: unknown, now = new Date()): PhoneReportResult {
  const c = new Collector();
  const root = obj(body);
  if (root === undefined) return { ok: false, errors: [{ path: '', reason: 'expected a JSON object' }] };
  const location = obj(root.location);
  const coords = obj(location?.coords);
  const rawId = root.device_id ?? root.deviceId ?? root.id;
  const deviceId =
    typeof rawId === 'string' && rawId !== '' ? rawId : typeof rawId === 'number' ? String(rawId) : undefined;
  const lat = c.num('location.coords.latitude', coords?.latitude);
  const lon = c.num('location.coords.longitude', coords?.longitude);
  const speed = c.num('location.coords.speed', coords?.speed);
  const heading = c.num('location.coords.heading', coords?.heading);
  const altitude = c.num('location.coords.altitude', coords?.altitude);
  const accuracy = c.num('location.coords.accuracy', coords?.accuracy);
  const level = c.num('location.battery.level', obj(location?.battery)?.level ?? obj(root.battery)?.level);
  const occurredAt = c.time('location.timestamp', location?.timestamp, now);
  const hasId = c.required('device_id', deviceId);
  const hasLat = c.required('location.coords.latitude', lat);
  const hasLon = c.required('location.coords.longitude', lon);
  if (c.errors.length > 0 || !hasId || !hasLat || !hasLon) return { ok: false, errors: c.errors };
  return {
    ok: true,
    report: {
      deviceId: deviceId!,
      occurredAt,
      location: { lat: lat!, lon: lon! },
      // The geolocation library reports -1 for an unknown speed or heading.
      ...optional({
        speedKph: speed === undefined || speed < 0 ? undefined : speed * MPS_TO_KPH,
        headingDeg: heading === undefined || heading < 0 ? undefined : heading,
        altitudeM: altitude,
        accuracyM: accuracy === undefined || accuracy < 0 ? undefined : accuracy,
        batteryPct: level === undefined || level < 0 ? undefined : Math.round(level * 1000) / 10,
      }),
    },
  };
}

/**
 * The `UnitPosition` for a report from a device registered to `unitId`. The event id is derived
 * from device and fix time, so a phone re-sending its buffered positions creates no duplicates.
 */
export function toUnitPosition(report: PhoneReport, unitId: string): UnitPosition {
  return {
    version: 1,
    eventId: `osmand-${report.deviceId}-${Date.parse(report.occurredAt)}`,
    occurredAt: report.occurredAt,
    unitId,
    deviceId: report.deviceId,
    location: report.location,
    ...optional({
      speedKph: report.speedKph,
      headingDeg: report.headingDeg,
      altitudeM: report.altitudeM,
      accuracyM: report.accuracyM,
      batteryPct: report.batteryPct,
    }),
  };
}
