import { describe, expect, it } from 'vitest';
// The test reads the query as ingest does (tests may use a service's parser; the simulator does not).
import { parseOsmAndParams } from '../../../../ingest/src/osmand.ts';
import { osmandQuery } from './osmand-client.ts';

describe('a phone report in the OsmAnd query format', () => {
  it('is read by ingest as the fix it came from', () => {
    const at = Date.parse('2026-12-04T03:00:07.250Z');
    const q = osmandQuery(
      'sim-phone-unit-007',
      { lon: 120.1234567, lat: 30.2345678, headingDeg: 87.25, speedKph: 42.3 },
      at,
    );
    const parsed = parseOsmAndParams(Object.fromEntries(q));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.report.deviceId).toBe('sim-phone-unit-007');
    expect(parsed.report.occurredAt).toBe('2026-12-04T03:00:07.250Z');
    expect(parsed.report.location).toEqual({ lat: 30.234568, lon: 120.123457 });
    expect(parsed.report.speedKph).toBeCloseTo(42.3, 1);
    expect(parsed.report.headingDeg).toBeCloseTo(87.3, 5);
  });
});
