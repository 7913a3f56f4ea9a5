import type { FraudIndicator, IncidentReport } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { sourceFor } from './ingest-client.ts';
import { batches } from './player.ts';

const ind = (kind: FraudIndicator['kind'], id: string) =>
  ({ kind, eventId: id }) as unknown as FraudIndicator;
const inc = (id: string) => ({ eventId: id }) as unknown as IncidentReport;

describe('batches of due events', () => {
  it('sends each kind of event as the source that reports it', () => {
    expect(sourceFor('fraud-indicators', ind('transfer', 'a'))).toBe('demo-bank');
    expect(sourceFor('fraud-indicators', ind('sms', 'a'))).toBe('demo-telecom');
    expect(sourceFor('fraud-indicators', ind('app_install', 'a'))).toBe('demo-antifraud-app');
    expect(sourceFor('incidents', inc('a'))).toBe('demo-110');
  });

  it('groups by kind and source, keeps each source in time order, and splits at the maximum', () => {
    const out = batches(
      [
        { kind: 'fraud-indicators', event: ind('call', '1') },
        { kind: 'fraud-indicators', event: ind('transfer', '2') },
        { kind: 'fraud-indicators', event: ind('sms', '3') },
        { kind: 'incidents', event: inc('4') },
        { kind: 'fraud-indicators', event: ind('call', '5') },
      ],
      2,
    );
    expect(out.map((b) => [b.source, b.events.map((e) => e.eventId)])).toEqual([
      ['demo-telecom', ['1', '3']],
      ['demo-bank', ['2']],
      ['demo-110', ['4']],
      ['demo-telecom', ['5']],
    ]);
  });
});
