import { Codecs } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { parseOsmAndParams, parseTimestamp, parseTraccarJson, toUnitPosition } from './osmand.ts';

const now = new Date('2026-11-27T09:00:00.000Z');

describe('OsmAnd protocol', () => {
  it('parses Traccar Client query parameters (speed in knots) into a valid UnitPosition', () => {
    const r = parseOsmAndParams(
      {
        id: 'phone-8841',
        lat: '31.229',
        lon: '121.471',
        timestamp: '1764232200',
        speed: '10',
        bearing: '90',
        altitude: '12.5',
        accuracy: '6',
        batt: '81',
      },
      now,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report).toEqual({
      deviceId: 'phone-8841',
      occurredAt: '2025-11-27T08:30:00.000Z',
      location: { lat: 31.229, lon: 121.471 },
      speedKph: 18.52,
      headingDeg: 90,
      altitudeM: 12.5,
      accuracyM: 6,
      batteryPct: 81,
    });
    const position = toUnitPosition(r.report, 'u17');
    expect(position.eventId).toBe('osmand-phone-8841-1764232200000');
    expect(
      Codecs.UnitPosition.validate({ ...position, source: 'osmand', receivedAt: now.toISOString() }).ok,
    ).toBe(true);
  });

  it('accepts deviceid, location=lat,lon, millisecond and textual timestamps, and defaults the time to now', () => {
    const r = parseOsmAndParams(
      { deviceid: 'd1', location: '31.2,121.4', timestamp: '2026-11-27 08:00:00' },
      now,
    );
    expect(r.ok && r.report).toMatchObject({
      deviceId: 'd1',
      location: { lat: 31.2, lon: 121.4 },
      occurredAt: '2026-11-27T08:00:00.000Z',
    });
    expect(parseTimestamp('1764232200123')?.toISOString()).toBe('2025-11-27T08:30:00.123Z');
    const noTime = parseOsmAndParams({ id: 'd1', lat: '1', lon: '2' }, now);
    expect(noTime.ok && noTime.report.occurredAt).toBe(now.toISOString());
  });

  it('names missing and non-numeric fields', () => {
    const r = parseOsmAndParams({ lat: 'north', speed: '1e', timestamp: 'yesterday' }, now);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path).sort()).toEqual(['id', 'lat', 'lon', 'speed', 'timestamp']);
  });

  it('parses the JSON body of Traccar Client 9+ (speed in m/s, battery 0..1, -1 for unknown)', () => {
    const r = parseTraccarJson(
      {
        device_id: 'phone-8841',
        location: {
          timestamp: '2026-11-27T08:59:58.000Z',
          coords: { latitude: 31.23, longitude: 121.47, speed: 10, heading: -1, altitude: 4, accuracy: 5 },
          is_moving: true,
          battery: { level: 0.815, is_charging: false },
          activity: { type: 'in_vehicle' },
        },
      },
      now,
    );
    expect(r.ok && r.report).toEqual({
      deviceId: 'phone-8841',
      occurredAt: '2026-11-27T08:59:58.000Z',
      location: { lat: 31.23, lon: 121.47 },
      speedKph: 36,
      altitudeM: 4,
      accuracyM: 5,
      batteryPct: 81.5,
    });
    const bad = parseTraccarJson({ location: { coords: { latitude: 'x' } } }, now);
    expect(bad.ok === false && bad.errors.map((e) => e.path)).toEqual([
      'location.coords.latitude',
      'device_id',
      'location.coords.longitude',
    ]);
    expect(parseTraccarJson([1], now).ok).toBe(false);
  });
});
