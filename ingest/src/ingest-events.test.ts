import { randomBytes } from 'node:crypto';
import {
  examples,
  type FraudIndicator,
  fraudIndicatorExamples,
  type IncidentReport,
  Topic,
} from '@fenghuo/contracts';
import { keyId, type SecretKey } from '@fenghuo/kit';
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
  const stored: { subjectId: string; contact: unknown }[] = [];
  const residents = {
    contacts: {
      putMany: vi.fn(async (entries: readonly { subjectId: string; contact: unknown }[]) => {
        stored.push(...entries);
      }),
    },
    accountKey,
  };
  return {
    dedupe,
    sent,
    gate,
    stored,
    residents,
    deps: { gate: gate as never, dedupe, residents, warn: vi.fn() },
  };
}

const accountBytes = randomBytes(32);
const accountKey: SecretKey = {
  bytes: accountBytes,
  id: keyId('account-hash', accountBytes),
  origin: 'test',
};

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

  it('leaves the claims of a send whose outcome is unknown pending (a commit unanswered): neither done nor released', async () => {
    let first = true;
    const { deps } = setup(async () => {
      if (first) {
        first = false;
        throw new KafkaUnavailableError('commit unanswered', Promise.resolve(undefined));
      }
    });
    await expect(ingestEvents('incidents', 's', [ev('a')], deps)).rejects.toMatchObject({ status: 503 });
    await new Promise((r) => setImmediate(r));
    // Not released (a retry could write it twice), not marked done (the events may not be in Kafka):
    // a retry waits (in_flight) until the claim expires.
    await expect(ingestEvents('incidents', 's', [ev('a')], deps)).rejects.toMatchObject({
      code: 'in_flight',
    });
    expect(deps.warn).toHaveBeenCalledWith(
      expect.objectContaining({ source: 's', events: 1 }),
      expect.stringMatching(/left pending/),
    );
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

describe("ingestEvents and residents' privacy", () => {
  const transfer = fraudIndicatorExamples.find((e) => e.kind === 'transfer')!;
  const contact = { phone: '13800138000', address: '世纪大道 100 弄 5 号', name: '王秀英' };
  const indicator = (id: string): FraudIndicator => ({
    ...transfer,
    eventId: id,
    payerAccount: '6217000011112222333',
    subjectContact: contact,
  });

  it('stores the contact before producing, and writes the event without it and with a pseudonymous own account', async () => {
    const order: string[] = [];
    const { deps, sent, stored, residents } = setup(async () => {
      order.push('send');
    });
    residents.contacts.putMany.mockImplementationOnce(async (entries) => {
      order.push('store');
      stored.push(...entries);
    });
    expect(await ingestEvents('fraud-indicators', 'bank', [indicator('t1')], deps)).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    expect(order).toEqual(['store', 'send']);
    expect(stored).toEqual([{ subjectId: transfer.subjectId, contact }]);
    const written = sent[0]![0] as FraudIndicator & { payerAccount: string; payeeAccount: string };
    expect(written).not.toHaveProperty('subjectContact');
    expect(written.payerAccount).toMatch(/^acct:[0-9a-f]{32}$/);
    expect(written.payeeAccount).toBe(transfer.kind === 'transfer' ? transfer.payeeAccount : '');
    const text = JSON.stringify(sent);
    for (const secret of ['13800138000', '世纪大道', '王秀英', '6217000011112222333']) {
      expect(text).not.toContain(secret);
    }
  });

  it('gives the same pseudonym to the same account across requests', async () => {
    const { deps, sent } = setup(async () => {});
    await ingestEvents('fraud-indicators', 'bank', [indicator('t1')], deps);
    await ingestEvents('fraud-indicators', 'bank', [indicator('t2')], deps);
    const pseudonyms = sent.map((batch) => (batch[0] as { payerAccount: string }).payerAccount);
    expect(pseudonyms[0]).toBe(pseudonyms[1]);
  });

  it('answers 503 and writes nothing when the contact store is unavailable; a retry goes through', async () => {
    const { deps, sent, residents } = setup(async () => {});
    residents.contacts.putMany.mockRejectedValueOnce(new Error('redis down'));
    await expect(ingestEvents('fraud-indicators', 'bank', [indicator('t1')], deps)).rejects.toMatchObject({
      status: 503,
      code: 'redis_unavailable',
    });
    expect(sent).toHaveLength(0);
    expect(await ingestEvents('fraud-indicators', 'bank', [indicator('t1')], deps)).toEqual({
      accepted: 1,
      duplicates: 0,
    });
  });
});
