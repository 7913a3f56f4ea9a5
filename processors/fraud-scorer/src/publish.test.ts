import type { Alert } from '@fenghuo/contracts';
import { examples, Topic } from '@fenghuo/contracts';
import type { AlertRevision } from '@fenghuo/engine';
import { describe, expect, it } from 'vitest';
import { chunkBySize } from './publish.ts';

const alert: Alert = examples[Topic.AlertsRaised];
const revision = (a: Alert, correlationId?: string): AlertRevision => ({
  alert: a,
  causeEventId: `ev-${a.revision}`,
  correlationId,
});

describe('chunkBySize', () => {
  const bytes = Buffer.byteLength(JSON.stringify(alert));

  it('keeps order and never exceeds the chunk size (unless one alert alone does)', () => {
    const revisions = Array.from({ length: 25 }, (_, i) => revision({ ...alert, revision: i + 1 }));
    const chunks = chunkBySize(revisions, bytes * 4 + 10);
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect(chunks.flat().map((r) => r.alert.revision)).toEqual(revisions.map((r) => r.alert.revision));
    expect(chunkBySize([revision(alert)], 10)).toEqual([[revision(alert)]]);
    expect(chunkBySize([])).toEqual([]);
  });
});
