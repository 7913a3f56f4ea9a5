import { examples, Topic } from '@fenghuo/contracts';
import { TransactionAbortedError, TransactionOutcomeUnknownError } from '@fenghuo/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../test/setup/helpers.ts';
import {
  type BatchSender,
  EventGate,
  KafkaUnavailableError,
  type OutgoingBatch,
  OverloadedError,
} from './event-gate.ts';

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

  it('reports a transaction aborted as surely not written, and a commit unanswered as unknown', async () => {
    const sender = new ManualSender();
    const gate = new EventGate(sender, { probeIntervalMs: 0 });
    const aborted = gate.send(Topic.IncidentsReported, [ev('a')]).catch((e: unknown) => e);
    await tick();
    sender.calls[0]!.reject(new TransactionAbortedError(new Error('connection cut')));
    const abortedErr = (await aborted) as KafkaUnavailableError;
    expect(abortedErr).toBeInstanceOf(KafkaUnavailableError);
    expect(abortedErr.outcome).toBeUndefined(); // nothing visible: the caller releases its claims

    const unknown = gate.send(Topic.IncidentsReported, [ev('b')]).catch((e: unknown) => e);
    await tick();
    sender.calls[1]!.reject(new TransactionOutcomeUnknownError(new Error('connection cut')));
    const unknownErr = (await unknown) as KafkaUnavailableError;
    expect(unknownErr).toBeInstanceOf(KafkaUnavailableError);
    expect(unknownErr.outcome).toBeDefined();
    await expect(unknownErr.outcome).resolves.toBeUndefined(); // neither written nor not
    gate.stop();
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

describe('EventGate load shedding', () => {
  /** One acknowledged send of `events` events taking `ms`, so the gate has measured an ack time. */
  async function measure(gate: EventGate, sender: ManualSender, events: number, ms: number) {
    const done = gate.send(
      Topic.IncidentsReported,
      Array.from({ length: events }, (_, i) => ev(`m${sender.calls.length}-${i}`)),
    );
    await tick();
    await vi.advanceTimersByTimeAsync(ms);
    sender.calls.at(-1)!.resolve();
    await done;
  }

  it('takes requests while the estimated wait fits the budget, then refuses at once with the estimate', async () => {
    controlTime();
    const sender = new ManualSender();
    const shed: [number, number][] = [];
    const gate = new EventGate(sender, {
      sendTimeoutMs: 60_000,
      maxBatchEvents: 100,
      latencyBudgetMs: 500,
      onShed: (ms, n) => shed.push([ms, n]),
    });
    // An idle gate takes a request whatever it costs: nothing was measured, nothing is queued.
    await measure(gate, sender, 100, 200); // a full send of 100 events takes 200 ms
    expect(gate.estimateWaitMs(100)).toBe(200);

    const inFlight = gate.send(
      Topic.IncidentsReported,
      Array.from({ length: 100 }, (_, i) => ev(`a${i}`)),
    );
    await tick(); // now sending: 200 ms to go
    expect(gate.estimateWaitMs(100)).toBe(400);
    const queued = gate.send(
      Topic.IncidentsReported,
      Array.from({ length: 50 }, (_, i) => ev(`b${i}`)),
    );
    // 200 left of the send in flight + 100 ms for the 50 queued: +50 more fit (400 ms)...
    expect(gate.estimateWaitMs(50)).toBe(400);
    const fits = gate.send(
      Topic.IncidentsReported,
      Array.from({ length: 50 }, (_, i) => ev(`c${i}`)),
    );
    // ...but the next 100 would wait 200 + 200 + 200 = 600 ms.
    const refused = await gate
      .send(
        Topic.IncidentsReported,
        Array.from({ length: 100 }, (_, i) => ev(`d${i}`)),
      )
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OverloadedError);
    expect((refused as OverloadedError).estimatedMs).toBe(600);
    expect((refused as OverloadedError).retryAfterMs).toBe(1_000);
    expect(gate.shed(100)).toBeInstanceOf(OverloadedError);
    expect(shed).toEqual([
      [600, 100],
      [600, 100],
    ]);

    // Time passes in the send in flight: its remaining part shrinks, and so does the estimate.
    await vi.advanceTimersByTimeAsync(150);
    expect(gate.estimateWaitMs(100)).toBe(450);
    expect(gate.shed(100)).toBeUndefined();

    sender.calls.at(-1)!.resolve();
    await inFlight;
    await tick();
    expect(sender.calls.at(-1)!.batches[0]!.events).toHaveLength(100); // the queued 50 + 50
    sender.calls.at(-1)!.resolve();
    await Promise.all([queued, fits]);
    expect(gate.healthy).toBe(true); // shedding is not an outage
    expect(sender.calls).toHaveLength(3); // nothing refused was ever sent
  });

  it('learns a fixed and a per-event part of the send time from sends of different sizes', async () => {
    controlTime();
    const sender = new ManualSender();
    const gate = new EventGate(sender, {
      sendTimeoutMs: 60_000,
      maxBatchEvents: 1_000,
      latencyBudgetMs: 500,
    });
    // 10 ms per send + 1 ms per 10 events.
    await measure(gate, sender, 10, 11);
    await measure(gate, sender, 1_000, 110);
    await measure(gate, sender, 500, 60);
    expect(gate.estimateWaitMs(200)).toBeCloseTo(30, 5);
    // 5,000 queued events drain in five full sends of 110 ms: over the budget.
    expect(gate.estimateWaitMs(5_000)).toBeCloseTo(550, 5);
  });

  it('never sheds without a budget, nor on an idle gate', async () => {
    controlTime();
    const sender = new ManualSender();
    const unlimited = new EventGate(sender, { sendTimeoutMs: 60_000, maxBatchEvents: 10 });
    await measure(unlimited, sender, 10, 1_000);
    const a = unlimited.send(Topic.IncidentsReported, [ev('a')]);
    await tick();
    expect(unlimited.estimateWaitMs(10)).toBeGreaterThan(1_000);
    expect(unlimited.shed(10)).toBeUndefined();
    sender.calls.at(-1)!.resolve();
    await a;

    const budgeted = new EventGate(sender, {
      sendTimeoutMs: 60_000,
      maxBatchEvents: 10,
      latencyBudgetMs: 100,
    });
    await measure(budgeted, sender, 10, 1_000);
    expect(budgeted.estimateWaitMs(10)).toBe(1_000);
    expect(budgeted.shed(10)).toBeUndefined(); // idle: its own send is not queueing
  });

  it('refuses an arrival when the requests in progress ahead of it would take it past the budget', async () => {
    controlTime();
    const sender = new ManualSender();
    const shed: [number, number][] = [];
    const gate = new EventGate(sender, {
      sendTimeoutMs: 60_000,
      latencyBudgetMs: 500,
      onShed: (ms, n) => shed.push([ms, n]),
    });
    // Requests reached the gate 300 ms after arriving behind 9 others: 30 ms of lead work each.
    gate.observeLead(300, 9);
    expect(gate.estimateAdmissionMs(10)).toBeCloseTo(330, 5);
    expect(gate.admit(10)).toBeUndefined();
    gate.observeLead(1_200, 9); // 120 ms each: the share moves a tenth of the way, to 39 ms
    expect(gate.estimateAdmissionMs(10)).toBeCloseTo(429, 5);
    expect(gate.admit(20)).toMatchObject({ estimatedMs: expect.closeTo(819, 5), budgetMs: 500 });
    expect(shed).toHaveLength(1);
    expect(shed[0]![1]).toBe(0); // refused unread
    // With nothing in progress a request is always taken, so shedding ends once the load is gone.
    expect(gate.admit(0)).toBeUndefined();
  });
});
