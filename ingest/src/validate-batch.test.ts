import { examples, Topic } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { validateBatch } from './validate-batch.ts';

const stamp = { source: 'bank-a', receivedAt: '2026-11-27T09:00:00.000Z' };
const incident = () => structuredClone(examples[Topic.IncidentsReported]) as Record<string, unknown>;

describe('validateBatch', () => {
  it('stamps source and receivedAt over the client values', () => {
    const e = { ...incident(), source: 'i-am-the-police', receivedAt: '1999-01-01T00:00:00Z' };
    const r = validateBatch('incidents', [e], stamp, false);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.events[0]).toMatchObject(stamp);
  });

  it('lists every rejected event with index, path and reason', () => {
    const bad1 = { ...incident(), location: { lat: 91, lon: 121 } };
    const bad2 = { ...incident(), priority: 9 };
    const r = validateBatch('incidents', [incident(), bad1, incident(), bad2, 'nope'], stamp, true);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejected).toBe(3);
    expect(r.errors).toContainEqual(expect.objectContaining({ index: 1, path: 'location.lat' }));
    expect(r.errors).toContainEqual(expect.objectContaining({ index: 3, path: 'priority' }));
    expect(r.errors.some((e) => e.index === 4)).toBe(true);
    expect(r.errors.every((e) => e.reason.length > 0)).toBe(true);
  });

  it('omits the index for a single event and names the discriminator of fraud indicators', () => {
    const r = validateBatch(
      'fraud-indicators',
      [{ ...examples[Topic.FraudIndicators], kind: 'fax' }],
      stamp,
      false,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toEqual({ path: 'kind', reason: expect.stringContaining('not one of') });
  });
});
