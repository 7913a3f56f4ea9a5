import { examples, type IncidentReport, Topic } from '@fenghuo/contracts';
import { describe, expect, it, vi } from 'vitest';
import { KafkaUnavailableError, OverloadedError } from './event-gate.ts';
import { IngestError } from './ingest-error.ts';
import { ingestEvents } from './ingest-events.ts';
import { MemoryDedupeStore } from './memory-dedupe.ts';

const ev = (id: string): IncidentReport => ({ ...examples[Topic.IncidentsReported], eventId: id });

function setup(
  send: (topic: string, events: readonly unknown[]) => Promise<void>,
  shed: (events: number) => OverloadedError | undefined = () => undefined,
) {
  const dedupe = new MemoryDedupeStore();
  const sent: unknown[][] = [];
  const gate = {
    shed: vi.fn(shed),
    observeLead: vi.fn(),
    send: vi.fn(async (topic: string, events: readonly unknown[]) => {
      await send(topic, events);
      sent.push([...events]);
    }),
  };
  return { dedupe, sent, gate, deps: { gate: gate as never, dedupe, warn: vi.fn() } };
}

describe('ingestEvents', () => {
  it('writes new events once, and counts repeats in the batch and across requests as duplicates', async () => {
    const { deps, sent } = setup(async () => {});
    expect(await ingestEvents('incidents', 's', [ev('a'), ev('b'), ev('a')], deps)).toEqual({
      accepted: 2,
      duplicates: 1,
    });
    expect(await ingestEvents('incidents', 's', [ev('b'), ev('c')], deps)).toEqual({
      accepted: 1,
      duplicates: 1,
    });
    expect(await ingestEvents('incidents', 'other-source', [ev('a')], deps)).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    expect(sent.flat().map((e) => (e as IncidentReport).eventId)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('releases its claims when Kafka refuses, so the retry is written and not called a duplicate', async () => {
    let down = true;
    const { deps, sent, dedupe } = setup(async () => {
      if (down) throw new KafkaUnavailableError('down');
    });
    const err = await ingestEvents('incidents', 's', [ev('a')], deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).status).toBe(503);
    expect((err as IngestError).retryAfterSec).toBe(1);
    expect(dedupe.values.size).toBe(0);
    down = false;
    expect(await ingestEvents('incidents', 's', [ev('a')], deps)).toEqual({ accepted: 1, duplicates: 0 });
    expect(sent).toHaveLength(1);
  });

  it('keeps claims of an ambiguous send pending: a quick retry gets 503 in_flight, then a duplicate once acknowledged', async () => {
    let ack!: (ok: boolean) => void;
    const outcome = new Promise<boolean>((r) => {
      ack = r;
    });
    let first = true;
    const { deps } = setup(async () => {
      if (first) {
        first = false;
        throw new KafkaUnavailableError('timeout', outcome);
      }
    });
    await expect(ingestEvents('incidents', 's', [ev('a')], deps)).rejects.toMatchObject({ status: 503 });
    await expect(ingestEvents('incidents', 's', [ev('a'), ev('b')], deps)).rejects.toMatchObject({
      code: 'in_flight',
    });
    ack(true);
    await new Promise((r) => setImmediate(r));
    expect(await ingestEvents('incidents', 's', [ev('a'), ev('b')], deps)).toEqual({
      accepted: 1,
      duplicates: 1,
    });
  });

  it('answers 503 when the dedupe store is down, without producing', async () => {
    const { deps, sent } = setup(async () => {});
    deps.dedupe.claim = async () => {
      throw new Error('ECONNREFUSED');
    };
    await expect(ingestEvents('incidents', 's', [ev('a')], deps)).rejects.toMatchObject({
      status: 503,
      code: 'redis_unavailable',
    });
    expect(sent).toHaveLength(0);
  });

  it('sheds an overloaded request before claiming anything, with the estimate as Retry-After', async () => {
    let overloaded = true;
    const { deps, sent, dedupe, gate } = setup(
      async () => {},
      () => (overloaded ? new OverloadedError(2_400, 500) : undefined),
    );
    const claim = vi.spyOn(deps.dedupe, 'claim');
    const err = await ingestEvents('incidents', 's', [ev('a'), ev('a'), ev('b')], deps).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 503, code: 'overloaded', retryAfterSec: 3 });
    expect(gate.shed).toHaveBeenCalledWith(2); // the events it would send, repeats dropped
    expect(claim).not.toHaveBeenCalled();
    expect(sent).toHaveLength(0);
    overloaded = false;
    expect(await ingestEvents('incidents', 's', [ev('a'), ev('b')], deps)).toEqual({
      accepted: 2,
      duplicates: 0,
    });
    expect(dedupe.values.size).toBe(2);
  });

  it('releases its claims when the gate sheds the events as they join the queue', async () => {
    let overloaded = true;
    const { deps, sent, dedupe } = setup(async () => {
      if (overloaded) throw new OverloadedError(800, 500);
    });
    await expect(ingestEvents('incidents', 's', [ev('a')], deps)).rejects.toMatchObject({
      status: 503,
      code: 'overloaded',
      retryAfterSec: 1,
    });
    expect(dedupe.values.size).toBe(0);
    overloaded = false;
    expect(await ingestEvents('incidents', 's', [ev('a')], deps)).toEqual({ accepted: 1, duplicates: 0 });
    expect(sent).toHaveLength(1);
  });
});
