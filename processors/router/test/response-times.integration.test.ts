/**
 * The response-time evaluation (`npm run eval:response-times`) on the real broker and Redis, for
 * one hour of San Diego PD calls: every call goes through ingest to the router and gets an order,
 * and the simulated units' arrivals give a dispatch → on scene time per order. Its data readers are
 * checked against the files. Skips, saying why, when ../shared/data is absent.
 */
import { describe, expect, inject, it } from 'vitest';
import { replayCalls } from '../scripts/eval-response-times.ts';
import {
  categoryOf,
  distribution,
  mapInto,
  minutesSeconds,
  missingData,
  parseCsv,
  priorityOf,
  sdpdCalls,
  smfrUnitResponseTimes,
} from '../scripts/response-times-data.ts';

const missing = missingData();
if (missing) console.warn(`[router tests] skipping the response-time evaluation: ${missing}`);

describe('response-time data readers', () => {
  it('read CSV, m:ss, San Diego call types and priorities', () => {
    expect(parseCsv('a,b\n"x, ""y""",2\r\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', '2'],
    ]);
    expect(minutesSeconds('5:15')).toBe(315);
    expect(minutesSeconds('NaN')).toBeUndefined();
    expect(['242', '211', '459A', '459', '415N', '1183', '5150', 'MP', '602', 'CW'].map(categoryOf)).toEqual([
      'violence',
      'robbery',
      'alarm',
      'theft',
      'disturbance',
      'traffic',
      'medical',
      'missing_person',
      'suspicious',
      'other',
    ]);
    expect(['0', '1', '2', '4', '9', ''].map(priorityOf)).toEqual([1, 1, 2, 4, undefined, undefined]);
  });

  it.skipIf(missing !== undefined)(
    'find the SMFR distribution the issue quotes and a day of SDPD calls',
    () => {
      const smfr = distribution(smfrUnitResponseTimes());
      expect(smfr.n).toBeGreaterThan(4000);
      expect(smfr.p50).toBeGreaterThan(300);
      expect(smfr.p50).toBeLessThan(360);
      expect(smfr.p90).toBeGreaterThan(470);
      expect(smfr.p90).toBeLessThan(550);
      const calls = sdpdCalls();
      const day = calls.filter((c) => c.day === '2023-01-19');
      expect(day.length).toBeGreaterThan(600);
      const { map, shrink } = mapInto(calls, [120, 30, 120.15, 30.15]);
      expect(shrink).toBeGreaterThan(1);
      for (const c of day.slice(0, 50)) {
        const p = map(c.at);
        expect(p.lon).toBeGreaterThanOrEqual(120);
        expect(p.lon).toBeLessThanOrEqual(120.15);
        expect(p.lat).toBeGreaterThanOrEqual(30);
        expect(p.lat).toBeLessThanOrEqual(30.15);
      }
    },
  );
});

describe.skipIf(missing !== undefined)('response-time replay through ingest and the router', () => {
  it('dispatches every call of an hour and times each unit from order to scene', async () => {
    const calls = sdpdCalls();
    const result = await replayCalls(calls, {
      brokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
      day: '2023-01-19',
      fromHour: 9,
      hours: 1,
      speed: 300,
    });
    expect(result.calls).toBeGreaterThan(20);
    // Every call got at least one order (two for violence and robbery).
    expect(result.orders).toBeGreaterThanOrEqual(result.calls);
    expect(result.onScene.length).toBeGreaterThanOrEqual(Math.floor(result.orders * 0.9));
    for (const x of result.onScene) {
      // At least the answer (10 s), at most an hour.
      expect(x.seconds).toBeGreaterThanOrEqual(10);
      expect(x.seconds).toBeLessThan(3600);
    }
  }, 300_000);
});
