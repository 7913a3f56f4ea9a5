import type { Alert } from '@fenghuo/contracts';
import { Codecs, examples, Topic } from '@fenghuo/contracts';
import type { AlertRevision } from '@fenghuo/engine';
import { CORRELATION_HEADER, createLogger, EventProducer } from '@fenghuo/kit';
import type { Kafka, Message } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { chunkBySize, createAlertPublisher } from './publish.ts';

const alert: Alert = examples[Topic.AlertsRaised];
const revision = (a: Alert, correlationId?: string): AlertRevision => ({
  alert: a,
  causeEventId: `ev-${a.revision}`,
  correlationId,
});
const record = (a: Alert): Message => ({ key: a.subjectId, value: Codecs.Alert.encode(a) });

/** The kit's producer (its real contract check and encoding), sending nowhere: `sent` gets each request. */
function recordingProducer() {
  const kafka = { producer: () => ({}) } as unknown as Kafka;
  const producer = new EventProducer(kafka, createLogger({ service: 'test', level: 'silent' }));
  const sent: { topic: string; messages: Message[] }[][] = [];
  vi.spyOn(producer, 'sendRaw').mockImplementation(async (topicMessages) => {
    sent.push([...topicMessages]);
    return [];
  });
  return { producer, sent };
}

describe('chunkBySize', () => {
  const bytes = record(alert).value?.length ?? 0;

  it('keeps order and never exceeds the chunk size (unless one record alone does)', () => {
    const records = Array.from({ length: 25 }, (_, i) => record({ ...alert, revision: i + 1 }));
    const chunks = chunkBySize(records, bytes * 4 + 10);
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect(chunks.flat()).toEqual(records);
    expect(chunkBySize([record(alert)], 10)).toEqual([[record(alert)]]);
    expect(chunkBySize([])).toEqual([]);
  });
});

describe('createAlertPublisher', () => {
  it('gives every record the correlation id of its own cause, and none when the cause had none', async () => {
    const { producer, sent } = recordingProducer();
    const publish = createAlertPublisher(producer, { topicPrefix: 'p.' });
    const alerts = [
      { ...alert, revision: 1, subjectId: 'a' },
      { ...alert, revision: 2, subjectId: 'b' },
      { ...alert, revision: 3, subjectId: 'c' },
    ];
    await publish([
      revision(alerts[0] as Alert, 'req-a'),
      revision(alerts[1] as Alert, 'req-b'),
      revision(alerts[2] as Alert),
    ]);
    expect(sent).toHaveLength(1);
    const [request] = sent[0] ?? [];
    expect(request?.topic).toBe(`p.${Topic.AlertsRaised}`);
    expect(request?.messages.map((m) => m.headers)).toEqual([
      { [CORRELATION_HEADER]: 'req-a' },
      { [CORRELATION_HEADER]: 'req-b' },
      undefined,
    ]);
    expect(request?.messages.map((m) => JSON.parse(String(m.value)))).toEqual(alerts);
  });

  it("sends a shadow version's revisions to alerts.shadow", async () => {
    const { producer, sent } = recordingProducer();
    await createAlertPublisher(producer, { topicPrefix: 'p.', topic: Topic.AlertsShadow })([revision(alert)]);
    expect(sent[0]?.[0]?.topic).toBe(`p.${Topic.AlertsShadow}`);
  });

  it('sends in chunks, in order, and refuses an alert that breaks its contract before sending any', async () => {
    const { producer, sent } = recordingProducer();
    const bytes = record(alert).value?.length ?? 0;
    const publish = createAlertPublisher(producer, { maxChunkBytes: bytes * 2 + 10 });
    await publish([1, 2, 3, 4, 5].map((n) => revision({ ...alert, revision: n })));
    expect(sent.map((r) => r[0]?.messages.length)).toEqual([2, 2, 1]);
    const bad = { ...alert, level: 'purple' } as unknown as Alert;
    await expect(publish([revision(alert), revision(bad)])).rejects.toThrow();
    expect(sent).toHaveLength(3);
  });
});
