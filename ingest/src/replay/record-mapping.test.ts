import { Codecs } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { createMapper, parseMapping } from './record-mapping.ts';

describe('record mapping', () => {
  it('maps columns by the contract types, with constants, code tables, aliases and offsets', () => {
    const mapping = parseMapping({
      map: [
        'eventId=incident_num,incidentId=incident_num,occurredAt=date_time,lat=lat,lon=lng,priority=priority',
      ],
      set: ['channel=replay,category=other'],
      values: ['priority=0:1,9:4'],
      utcOffset: '-08:00',
    });
    const map = createMapper('incidents', mapping);
    const row = {
      incident_num: 'E1',
      date_time: '2023-01-18 17:00:02',
      lat: '32.7',
      lng: '-117.1',
      priority: '0',
    };
    const event = map(row, 'file-1');
    expect(event).toEqual({
      version: 1,
      eventId: 'E1',
      incidentId: 'E1',
      occurredAt: '2023-01-18T17:00:02-08:00',
      location: { lat: 32.7, lon: -117.1 },
      priority: 1,
      channel: 'replay',
      category: 'other',
    });
    expect(Codecs.IncidentReport.validate(event).ok).toBe(true);
    expect(map({ ...row, priority: '9' }, 'x').priority).toBe(4);
    expect(map({ ...row, priority: '3' }, 'x').priority).toBe(3);
  });

  it('leaves empty cells out (validation names them) and falls back to a file-based event id', () => {
    const map = createMapper('incidents', parseMapping({ map: ['incidentId=id,lat=lat,lon=lon'] }));
    const event = map({ id: 'x', lat: '', lon: '' }, 'calls-7');
    expect(event).toEqual({ version: 1, eventId: 'calls-7', incidentId: 'x' });
    const checked = Codecs.IncidentReport.validate(event);
    expect(checked.ok === false && checked.errors.map((e) => e.path)).toContain('location');
  });

  it('finds field types inside the fraud indicator variants, and passes NDJSON events through unmapped', () => {
    const map = createMapper(
      'fraud-indicators',
      parseMapping({ map: ['durationSec=d,callerListed=l,subjectId=s'] }),
    );
    expect(map({ d: '540', l: 'yes', s: '007' }, 'x')).toMatchObject({
      durationSec: 540,
      callerListed: true,
      subjectId: '007',
    });
    const pass = createMapper('incidents', parseMapping({}));
    expect(pass({ eventId: 'e', nested: { a: 1 } }, 'x')).toEqual({
      version: 1,
      eventId: 'e',
      nested: { a: 1 },
    });
  });

  it('refuses malformed specs', () => {
    expect(() => parseMapping({ map: ['lat'] })).toThrow(/field=value/);
    expect(() => parseMapping({ values: ['priority=0'] })).toThrow(/from:to/);
    expect(() => parseMapping({ utcOffset: '8' })).toThrow(/utc-offset/);
  });
});
