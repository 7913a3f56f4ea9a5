import type { Alert, FraudIndicator } from '@fenghuo/contracts';
import {
  compileRuleSet,
  createScorer,
  emptyState,
  type FraudScorer,
  type SubjectState,
} from '@fenghuo/engine';
import { call, InstrumentedStore, ruleSet, transfer, windowCount } from '@fenghuo/engine/test-support';
import { describe, expect, it } from 'vitest';
import { fairRounds, type HandlerDeps, handleIndicatorBatch, handleOutcomeBatch } from './handler.ts';

function deps(store = new InstrumentedStore()) {
  const published: Alert[] = [];
  const c = compileRuleSet(ruleSet());
  const engine: FraudScorer = createScorer({ rules: () => c, store });
  const d: HandlerDeps = {
    engine,
    publish: async (revisions) => {
      published.push(...revisions.map((r) => r.alert));
    },
  };
  return { d, store, published };
}

/** As consumed from partition 0, the first at `offset`. */
const consumed = (events: readonly FraudIndicator[], offset = 0) =>
  events.map((event, i) => ({ event, partition: 0, offset: String(offset + i), correlationId: undefined }));

describe('fairRounds', () => {
  it('takes at most N of each subject per round and keeps every subject in order', () => {
    const items = ['a', 'a', 'b', 'a', 'c', 'a', 'b'].map((subjectId, i) => ({ event: { subjectId }, i }));
    expect(fairRounds(items, 2).map((r) => r.map((x) => `${x.event.subjectId}${x.i}`))).toEqual([
      ['a0', 'a1', 'b2', 'c4', 'b6'],
      ['a3', 'a5'],
    ]);
  });
});

describe('handleIndicatorBatch', () => {
  it('publishes the other residents alerts before scoring the rest of one resident flood', async () => {
    const { d, published } = deps();
    const calls: string[][] = [];
    const flood = Array.from({ length: 1_000 }, (_, i) => call('flood', i / 100, { callerListed: false }));
    const others = [];
    for (let s = 0; s < 5; s++) others.push(call(`o${s}`, 0), call(`o${s}`, 1), call(`o${s}`, 2));
    const stats = await handleIndicatorBatch(
      consumed([...flood.slice(0, 500), ...others, ...flood.slice(500)]),
      {
        ...d,
        maxPerSubjectPerRound: 100,
        publish: async (revisions) => {
          calls.push(revisions.map((r) => r.alert.subjectId));
          await d.publish(revisions);
        },
      },
    );
    expect(calls[0]?.sort()).toEqual(['o0', 'o1', 'o2', 'o3', 'o4']);
    expect(published).toHaveLength(5);
    expect(stats).toMatchObject({ events: 1_015, subjects: 6, duplicates: 0, revisions: 5 });
  });

  it('reads and writes state once per batch, whatever the number of subjects', async () => {
    const { d, store, published } = deps();
    const events = [];
    for (let s = 0; s < 50; s++) events.push(call(`s${s}`, 0), call(`s${s}`, 1), call(`s${s}`, 2));
    const stats = await handleIndicatorBatch(consumed(events), d);
    expect(store.loads).toBe(1);
    expect(store.saves).toBe(1);
    expect(stats).toMatchObject({
      events: 150,
      subjects: 50,
      revisions: 50,
      duplicates: 0,
      casConflicts: 0,
    });
    expect(published).toHaveLength(50);
  });

  it('keeps a redelivered batch from creating a second alert or counting twice', async () => {
    const { d, store, published } = deps();
    const batch = [call('v', 0), call('v', 1), call('v', 2)];
    await handleIndicatorBatch(consumed(batch), d);
    const stats = await handleIndicatorBatch(consumed(batch), d);
    expect(stats.duplicates).toBe(3);
    expect(published.map((a) => [a.alertId, a.revision])).toEqual([
      [published[0]?.alertId, 1],
      [published[0]?.alertId, 1],
    ]);
    expect(windowCount(store.inner.peek('v').state as SubjectState, 'listed-calls-20m')).toBe(3);
  });

  it('reloads and rescores subjects whose write lost a compare-and-set race', async () => {
    const store = new InstrumentedStore();
    const { d, published } = deps(store);
    // Another instance writes the same subject between our load and our save, once.
    let raced = false;
    store.beforeSave = async () => {
      if (raced) return;
      raced = true;
      const other = store.inner.peek('v');
      await store.inner.save([{ subjectId: 'v', expectedVersion: other.version, state: emptyState() }], {
        ttlMs: 60_000,
        nowMs: Date.now(),
      });
    };
    const stats = await handleIndicatorBatch(consumed([call('v', 0), call('v', 1), call('v', 2)]), d);
    expect(stats.casConflicts).toBe(1);
    expect(published).toHaveLength(1);
    expect(store.inner.peek('v').version).toBe('2');
  });

  it('fails when publishing fails (offsets stay uncommitted) and the redelivery sends the alert', async () => {
    const { d, store } = deps();
    const failing: HandlerDeps = {
      ...d,
      publish: async () => {
        throw new Error('broker down');
      },
    };
    const batch = [call('v', 0), call('v', 1), call('v', 2)];
    await expect(handleIndicatorBatch(consumed(batch), failing)).rejects.toThrow('broker down');
    // State was saved before the publish failed; the same batch, redelivered, re-sends that alert.
    const { d: again, published } = deps(store);
    const stats = await handleIndicatorBatch(consumed(batch), again);
    expect(stats.duplicates).toBe(3);
    expect(published.map((a) => [a.revision, a.level, a.status])).toEqual([[1, 'notice', 'open']]);
  });

  it('applies outcomes: close, then cooldown', async () => {
    const { d, published } = deps();
    await handleIndicatorBatch(consumed([call('v', 0), call('v', 1), call('v', 2)]), d);
    const alertId = published[0]?.alertId as string;
    await handleOutcomeBatch(
      [
        {
          event: {
            version: 1,
            eventId: 'o1',
            alertId,
            subjectId: 'v',
            outcome: 'false_alarm',
            labelledBy: 'off',
            labelledAt: '2026-11-27T08:05:00.000Z',
          },
          partition: 3,
          offset: '0',
          correlationId: undefined,
        },
      ],
      d,
    );
    expect(published.at(-1)).toMatchObject({ alertId, status: 'closed', revision: 2 });
    await handleIndicatorBatch(
      consumed([transfer('v', 10, 90_000), call('v', 11), call('v', 12), call('v', 13)], 3),
      d,
    );
    expect(published).toHaveLength(2);
  });
});
