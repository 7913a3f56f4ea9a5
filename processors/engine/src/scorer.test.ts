import type { FraudIndicator } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { app, at, call, ruleSet, sms } from '../test/support/index.ts';
import { compileRuleSet } from './compile.ts';
import { createScorer, type EngineInput } from './scorer.ts';
import { MemoryStateStore } from './store/memory-state-store.ts';

function setup(store = new MemoryStateStore()) {
  const c = compileRuleSet(ruleSet());
  return createScorer({ rules: () => c, store, clock: () => Date.parse(at(0)) });
}

const withIds = (
  events: FraudIndicator[],
  ids: (string | undefined)[],
  offset = 0,
): EngineInput<FraudIndicator>[] =>
  events.map((event, i) => ({ event, correlationId: ids[i], position: { stream: '0', seq: offset + i } }));

describe('createScorer: correlation of revisions with their cause', () => {
  it("carries the latest causing indicator's correlation id on each revision", async () => {
    const scorer = setup();
    const calls = [call('s', 0), call('s', 1), call('s', 2), call('t', 0), call('t', 1), call('t', 2)];
    const r = await scorer.scoreIndicators(withIds(calls, ['c1', 'c2', 'c3', 't1', 't2', undefined]));
    const bySubject = Object.fromEntries(r.revisions.map((x) => [x.alert.subjectId, x]));
    expect(bySubject.s).toMatchObject({ causeEventId: calls[2]?.eventId, correlationId: 'c3' });
    expect(bySubject.t).toMatchObject({ causeEventId: calls[5]?.eventId, correlationId: undefined });
  });

  it('a re-sent revision carries the correlation id of the redelivered cause', async () => {
    const scorer = setup();
    const calls = [call('s', 0), call('s', 1), call('s', 2)];
    await scorer.scoreIndicators(withIds(calls, ['a', 'b', 'c']));
    const again = await scorer.scoreIndicators(withIds(calls, ['a2', 'b2', 'c2']));
    expect(again.stats.duplicates).toBe(3);
    expect(again.revisions.map((x) => [x.alert.revision, x.correlationId])).toEqual([[1, 'c2']]);
  });

  it("an upgrade carries the upgrading indicator's id; a close carries the outcome label's", async () => {
    const scorer = setup();
    const first = await scorer.scoreIndicators(
      withIds([call('s', 0), call('s', 1), call('s', 2)], ['x', 'y', 'z']),
    );
    const alertId = first.revisions[0]?.alert.alertId as string;
    const upgrade = await scorer.scoreIndicators(
      withIds([call('s', 3, { callerNumber: '+86 170 0000 0001' })], ['deny'], 3),
    );
    expect(upgrade.revisions.map((x) => [x.alert.revision, x.correlationId])).toEqual([[2, 'deny']]);
    const closed = await scorer.applyOutcomes([
      {
        event: {
          version: 1,
          eventId: 'o1',
          alertId,
          subjectId: 's',
          outcome: 'dissuaded',
          labelledBy: 'officer-1',
          labelledAt: at(5),
        },
        correlationId: 'label-req',
      },
    ]);
    expect(closed.revisions.map((x) => [x.alert.status, x.causeEventId, x.correlationId])).toEqual([
      ['closed', 'o1', 'label-req'],
    ]);
  });
});

describe('createScorer: what is saved', () => {
  it('saves no state for indicators that change nothing scoring uses', async () => {
    const store = new MemoryStateStore();
    const scorer = setup(store);
    const quiet = [call('q', 0, { callerListed: false }), sms('q', 1, '明天下午三点开会')];
    const r = await scorer.scoreIndicators(withIds(quiet, []));
    expect(r.revisions).toEqual([]);
    expect(store.size).toBe(0);
    // Delivered again, they are scored again, and still change nothing.
    expect((await scorer.scoreIndicators(withIds(quiet, []))).revisions).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('saves a subject that has a state on every fresh indicator (its expiry moves on)', async () => {
    const store = new MemoryStateStore();
    const scorer = setup(store);
    await scorer.scoreIndicators(withIds([call('s', 0)], [], 0));
    expect(store.peek('s').version).toBe('1');
    await scorer.scoreIndicators(withIds([call('s', 1, { callerListed: false })], [], 1));
    expect(store.peek('s').version).toBe('2');
    expect(store.peek('s').state?.pos).toEqual(['0', '1']);
  });

  it('saves a state when an indicator counts in a window, moves a sequence or changes the grid cell', async () => {
    const store = new MemoryStateStore();
    const scorer = setup(store);
    await scorer.scoreIndicators(
      withIds(
        [
          call('w', 0), // counted by the listed-calls window, starts the sequence
          app('a', 0, { category: 'other' }), // nothing
          call('g', 0, { callerListed: false, gridCellId: 'cell-7' }), // grid cell only
        ],
        [],
      ),
    );
    expect(store.peek('w').version).toBe('1');
    expect(store.peek('a').version).toBe('0');
    expect(store.peek('g').state?.grid).toBe('cell-7');
  });
});

describe('createScorer: a long batch gives the event loop turns', () => {
  const calls = Array.from({ length: 60 }, (_, i) => call(`r${i % 20}`, Math.floor(i / 20)));

  async function scoreAndWatch(yieldAfterMs: number) {
    const c = compileRuleSet(ruleSet());
    const scorer = createScorer({
      rules: () => c,
      store: new MemoryStateStore(),
      clock: () => Date.parse(at(0)),
      yieldAfterMs,
    });
    // Scheduled before scoring: it runs first only if scoring lets the event loop turn.
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const r = await scorer.scoreIndicators(withIds(calls, []));
    return { turned, revisions: r.revisions.map((x) => x.alert), stats: r.stats };
  }

  it('lets timers and I/O (a heartbeat) run in between, and scores exactly the same', async () => {
    const yielding = await scoreAndWatch(-1); // a turn after every resident
    const inOneGo = await scoreAndWatch(Number.POSITIVE_INFINITY);
    expect(yielding.turned).toBe(true);
    expect(inOneGo.turned).toBe(false);
    expect(yielding.stats).toEqual(inOneGo.stats);
    expect(yielding.revisions.map((a) => [a.subjectId, a.level, a.score, a.revision])).toEqual(
      inOneGo.revisions.map((a) => [a.subjectId, a.level, a.score, a.revision]),
    );
    expect(yielding.revisions.length).toBeGreaterThan(0);
  });
});
