import { examples, Topic } from '@fenghuo/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../test/setup/helpers.ts';
import { type BatchSender, EventGate, KafkaUnavailableError, type OutgoingBatch } from './event-gate.ts';

const ev = (id: string) => ({ ...examples[Topic.IncidentsReported], eventId: id });

/** A sender whose sends are settled by the test. */
class ManualSender implements BatchSender {
  readonly calls: { batches: readonly OutgoingBatch[]; resolve: () => void; reject: (e: Error) => void }[] =
    [];
  /** Acknowledge every later send at once. */
  autoAcknowledge = false;
  sendBatches(batches: readonly OutgoingBatch[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.calls.push({ batches, resolve: () => resolve([]), reject });
      if (this.autoAcknowledge) resolve([]);
    });
  }
}

const tick = () => new Promise((r) => setImmediate(r));

/**
 * Time moves only when a test says so (`vi.advanceTimersByTimeAsync`): the gate's deadlines and
 * probe interval run on `setTimeout` and `Date.now`, and a loaded machine must not decide whether a
 * request falls inside or outside them. `setImmediate` (the gate's coalescing turn) stays real.
 */
const controlTime = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
afterEach(() => {
  vi.useRealTimers();
});

describe('EventGate', () => {
  it('coalesces requests that arrive while a send is in flight into one send', async () => {
    const sender = new ManualSender();
    const gate = new EventGate(sender, { sendTimeoutMs: 10_000 });
    const first = gate.send(Topic.IncidentsReported, [ev('a')]);
    await tick();
    expect(sender.calls).toHaveLength(1);
    const second = gate.send(Topic.IncidentsReported, [ev('b')]);
    const third = gate.send(Topic.IncidentsReported, [ev('c'), ev('d')]);
    await tick();
    expect(sender.calls).toHaveLength(1); // waiting for the first acknowledgement
    sender.calls[0]!.resolve();
    await first;
    await tick();
    expect(sender.calls).toHaveLength(2);
    expect(sender.calls[1]!.batches).toEqual([
      { topic: Topic.IncidentsReported, events: [ev('b'), ev('c'), ev('d')] },
    ]);
    sender.calls[1]!.resolve();
    await Promise.all([second, third]);
  });

  it('fails a refused send, then refuses at once while open, lets one probe through, and closes on success', async () => {
    controlTime();
    const sender = new ManualSender();
    const changes: boolean[] = [];
    const gate = new EventGate(sender, {
      sendTimeoutMs: 10_000,
      probeIntervalMs: 50,
      onStateChange: (o) => changes.push(o),
    });
    const p = gate.send(Topic.IncidentsReported, [ev('a')]);
    await tick();
    sender.calls[0]!.reject(new Error('ECONNREFUSED'));
    await expect(p).rejects.toBeInstanceOf(KafkaUnavailableError);
    expect(gate.healthy).toBe(false);
    await expect(gate.send(Topic.IncidentsReported, [ev('b')])).rejects.toThrow(/circuit open/);
    await vi.advanceTimersByTimeAsync(49);
    await expect(gate.send(Topic.IncidentsReported, [ev('b2')])).rejects.toThrow(/circuit open/);
    expect(sender.calls).toHaveLength(1);
    // Once the probe interval has passed, the next request is the trial send; others are refused.
    await vi.advanceTimersByTimeAsync(1);
    const probe = gate.send(Topic.IncidentsReported, [ev('c')]);
    await expect(gate.send(Topic.IncidentsReported, [ev('d')])).rejects.toThrow(/circuit open/);
    await tick();
    expect(sender.calls).toHaveLength(2);
    expect(sender.calls[1]!.batches).toEqual([{ topic: Topic.IncidentsReported, events: [ev('c')] }]);
    sender.calls[1]!.resolve();
    await probe;
    expect(gate.healthy).toBe(true);
    expect(changes).toEqual([true, false]);
  });

  it('answers within the time-out and reports the late outcome of an ambiguous send', async () => {
    controlTime();
    const sender = new ManualSender();
    const gate = new EventGate(sender, { sendTimeoutMs: 30 });
    let settled = false;
    const answer = gate.send(Topic.IncidentsReported, [ev('a')]).catch((e: unknown) => e);
    void answer.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(29);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    const err = await answer;
    expect(err).toBeInstanceOf(KafkaUnavailableError);
    const outcome = (err as KafkaUnavailableError).outcome;
    expect(outcome).toBeDefined();
    sender.calls[0]!.resolve();
    await expect(outcome).resolves.toBe(true);
    expect(gate.healthy).toBe(true); // a late acknowledgement closes the circuit
  });

  it('closes the circuit from the background health probe without traffic', async () => {
    const sender = new ManualSender();
    let brokerUp = false;
    const gate = new EventGate(sender, {
      probeIntervalMs: 20,
      healthProbe: async () => {
        if (!brokerUp) throw new Error('down');
      },
    });
    const p = gate.send(Topic.IncidentsReported, [ev('a')]);
    await tick();
    sender.calls[0]!.reject(new Error('down'));
    await p.catch(() => {});
    expect(gate.healthy).toBe(false);
    brokerUp = true;
    await waitFor(() => gate.healthy, { timeoutMs: 5_000, intervalMs: 5, message: 'closed by the probe' });
    gate.stop();
  });
});

describe('EventGate deadlines', () => {
  it('answers a request queued behind a stuck send within the time-out, as surely not written', async () => {
    controlTime();
    const sender = new ManualSender();
    const gate = new EventGate(sender, { sendTimeoutMs: 40, probeIntervalMs: 10 });
    const first = gate.send(Topic.IncidentsReported, [ev('a')]).catch((e: unknown) => e);
    await tick();
    expect(sender.calls).toHaveLength(1); // stuck: never settles during this test
    await vi.advanceTimersByTimeAsync(40);
    const firstErr = (await first) as KafkaUnavailableError;
    expect(firstErr.outcome).toBeDefined(); // sent: ambiguous
    await vi.advanceTimersByTimeAsync(15); // past the probe interval: the next request is a trial
    let settled = false;
    const queued = gate.send(Topic.IncidentsReported, [ev('b')]).catch((e: unknown) => e);
    void queued.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(39);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const queuedErr = (await queued) as KafkaUnavailableError;
    expect(queuedErr).toBeInstanceOf(KafkaUnavailableError);
    expect(queuedErr.outcome).toBeUndefined(); // never sent: the caller may release its claims
    expect(sender.calls).toHaveLength(1);
    sender.calls[0]!.resolve();
    await expect(firstErr.outcome).resolves.toBe(true);
  });
});

describe('EventGate and slow sends', () => {
  it('keeps the circuit closed after a time-out while the broker answers the health probe', async () => {
    const sender = new ManualSender();
    let probes = 0;
    const gate = new EventGate(sender, {
      sendTimeoutMs: 20,
      healthProbe: async () => {
        probes++;
      },
    });
    const err = await gate.send(Topic.IncidentsReported, [ev('slow')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaUnavailableError);
    await waitFor(() => probes === 1, { message: 'a health probe after the time-out' });
    expect(gate.healthy).toBe(true);
    // The slow send is acknowledged after all; the next request goes out as usual.
    sender.autoAcknowledge = true;
    sender.calls[0]!.resolve();
    await gate.send(Topic.IncidentsReported, [ev('next')]);
    expect(sender.calls).toHaveLength(2);
    gate.stop();
  });

  it('opens the circuit after a time-out when the broker does not answer the probe either', async () => {
    const sender = new ManualSender();
    const changes: boolean[] = [];
    const gate = new EventGate(sender, {
      sendTimeoutMs: 20,
      probeIntervalMs: 10_000,
      healthProbe: () => Promise.reject(new Error('ECONNREFUSED')),
      onStateChange: (open) => changes.push(open),
    });
    await gate.send(Topic.IncidentsReported, [ev('slow')]).catch(() => {});
    await waitFor(() => !gate.healthy, { message: 'circuit open' });
    expect(changes).toEqual([true]);
    await expect(gate.send(Topic.IncidentsReported, [ev('b')])).rejects.toBeInstanceOf(KafkaUnavailableError);
    gate.stop();
  });

  it("keeps each request's headers on its own records when requests share a send", async () => {
    const sender = new ManualSender();
    const gate = new EventGate(sender, { sendTimeoutMs: 10_000 });
    const first = gate.send(Topic.IncidentsReported, [ev('a')], { 'correlation-id': 'req-1' });
    await tick();
    const second = gate.send(Topic.IncidentsReported, [ev('b'), ev('c')], { 'correlation-id': 'req-2' });
    const third = gate.send(Topic.IncidentsReported, [ev('d')]);
    await tick();
    sender.calls[0]!.resolve();
    await first;
    await waitFor(() => sender.calls.length === 2, { message: 'coalesced send' });
    const [batch] = sender.calls[1]!.batches;
    const headers = batch!.events.map((e, i) => batch!.headersOf?.(e as never, i));
    expect(batch!.events.map((e) => (e as { eventId: string }).eventId)).toEqual(['b', 'c', 'd']);
    expect(headers).toEqual([{ 'correlation-id': 'req-2' }, { 'correlation-id': 'req-2' }, undefined]);
    sender.calls[1]!.resolve();
    await Promise.all([second, third]);
  });
});
