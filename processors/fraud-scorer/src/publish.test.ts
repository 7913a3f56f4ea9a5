import type { Alert } from '@fenghuo/contracts';
import { examples, Topic } from '@fenghuo/contracts';
import type { AlertRevision } from '@fenghuo/engine';
import type { OutgoingBatch } from '@fenghuo/kit';
import { CORRELATION_HEADER } from '@fenghuo/kit';
import { describe, expect, it } from 'vitest';
import { chunkBySize, createAlertPublisher } from './publish.ts';

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

describe('createAlertPublisher', () => {
  it('gives every record the correlation id of its own cause, and none when the cause had none', async () => {
    const sent: OutgoingBatch[] = [];
    const publish = createAlertPublisher({
      sendBatches: async (batches) => {
        sent.push(...batches);
        return [];
      },
    });
    await publish([
      revision({ ...alert, revision: 1, subjectId: 'a' }, 'req-a'),
      revision({ ...alert, revision: 2, subjectId: 'b' }, 'req-b'),
      revision({ ...alert, revision: 3, subjectId: 'c' }),
    ]);
    expect(sent).toHaveLength(1);
    const batch = sent[0] as OutgoingBatch<typeof Topic.AlertsRaised>;
    expect(batch.topic).toBe(Topic.AlertsRaised);
    const headers = batch.events.map((e, i) => batch.headersOf?.(e, i));
    expect(headers).toEqual([
      { [CORRELATION_HEADER]: 'req-a' },
      { [CORRELATION_HEADER]: 'req-b' },
      undefined,
    ]);
  });
});
