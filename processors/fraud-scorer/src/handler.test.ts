import type { Alert } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from './engine/compile.ts';
import { call, ruleSet, transfer } from './engine/test-fixtures.ts';
import { handleIndicatorBatch, handleOutcomeBatch, type ScorerDeps } from './handler.ts';
import { MemoryStateStore, type StateWrite } from './state-store.ts';

function deps(store = new MemoryStateStore()) {
  const published: Alert[] = [];
  const c = compileRuleSet(ruleSet());
  const d: ScorerDeps = {
    rules: () => c,
    store,
    publish: async (alerts) => {
      published.push(...alerts);
    },
  };
  return { d, store, published };
}

describe('handleIndicatorBatch', () => {
  it('reads and writes state once per batch, whatever the number of subjects', async () => {
    const { d, store, published } = deps();
    const events = [];
    for (let s = 0; s < 50; s++) events.push(call(`s${s}`, 0), call(`s${s}`, 1), call(`s${s}`, 2));
    const stats = await handleIndicatorBatch(events, d);
    expect(store.loads).toBe(1);
    expect(store.saves).toBe(1);
    expect(stats).toMatchObject({
      indicators: 150,
      subjects: 50,
      alerts: 50,
      duplicates: 0,
      casConflicts: 0,
    });
    expect(published).toHaveLength(50);
  });

  it('keeps a redelivered batch from creating a second alert or counting twice', async () => {
    const { d, store, published } = deps();
    const batch = [call('v', 0), call('v', 1), call('v', 2)];
    await handleIndicatorBatch(batch, d);
    const stats = await handleIndicatorBatch(batch, d);
    expect(stats.duplicates).toBe(3);
    expect(published.map((a) => [a.alertId, a.revision])).toEqual([
      [published[0]?.alertId, 1],
      [published[0]?.alertId, 1],
    ]);
    const state = JSON.parse(store.data.get('v')?.json ?? '{}');
    expect(state.win['listed-calls-20m']).toHaveLength(3);
  });

  it('reloads and rescores subjects whose write lost a compare-and-set race', async () => {
    const store = new MemoryStateStore();
    const { d, published } = deps(store);
    // Another instance writes the same subject between our load and our save, once.
    let raced = false;
    const save = store.save.bind(store);
    store.save = async (writes: readonly StateWrite[]) => {
      if (!raced) {
        raced = true;
        const other = await store.load(['v']);
        await save([
          {
            subjectId: 'v',
            expectedVersion: other.get('v')?.version ?? '0',
            state: { ver: 1, lastT: 0, seen: {}, win: {}, seq: {}, fired: {} },
          },
        ]);
      }
      return save(writes);
    };
    const stats = await handleIndicatorBatch([call('v', 0), call('v', 1), call('v', 2)], d);
    expect(stats.casConflicts).toBe(1);
    expect(published).toHaveLength(1);
    expect(store.data.get('v')?.version).toBe(2);
  });

  it('fails when publishing fails (offsets stay uncommitted) and the redelivery sends the alert', async () => {
    const { d, store } = deps();
    const failing: ScorerDeps = {
      ...d,
      publish: async () => {
        throw new Error('broker down');
      },
    };
    const batch = [call('v', 0), call('v', 1), call('v', 2)];
    await expect(handleIndicatorBatch(batch, failing)).rejects.toThrow('broker down');
    // State was saved before the publish failed; the same batch, redelivered, re-sends that alert.
    const { d: again, published } = deps(store);
    const stats = await handleIndicatorBatch(batch, again);
    expect(stats.duplicates).toBe(3);
    expect(published.map((a) => [a.revision, a.level, a.status])).toEqual([[1, 'notice', 'open']]);
  });

  it('applies outcomes: close, then cooldown', async () => {
    const { d, published } = deps();
    await handleIndicatorBatch([call('v', 0), call('v', 1), call('v', 2)], d);
    const alertId = published[0]?.alertId as string;
    await handleOutcomeBatch(
      [
        {
          version: 1,
          eventId: 'o1',
          alertId,
          subjectId: 'v',
          outcome: 'false_alarm',
          labelledBy: 'off',
          labelledAt: '2026-11-27T08:05:00.000Z',
        },
      ],
      d,
    );
    expect(published.at(-1)).toMatchObject({ alertId, status: 'closed', revision: 2 });
    await handleIndicatorBatch([transfer('v', 10, 90_000), call('v', 11), call('v', 12), call('v', 13)], d);
    expect(published).toHaveLength(2);
  });
});
