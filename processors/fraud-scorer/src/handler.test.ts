import type { Alert, FraudIndicator } from '@fenghuo/contracts';
import {
  compileRuleSet,
  createScorer,
  emptyState,
  type FraudScorer,
  type SubjectState,
} from '@fenghuo/engine';
import { call, InstrumentedStore, ruleSet, transfer } from '@fenghuo/engine/test-support';
import { describe, expect, it } from 'vitest';
import { type HandlerDeps, handleIndicatorBatch, handleOutcomeBatch } from './handler.ts';

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

const consumed = (events: readonly FraudIndicator[]) =>
  events.map((event) => ({ event, correlationId: undefined }));

/** Count of the stored window `ruleId` for subject `s` (one entry per indicator counted). */
function windowCount(store: InstrumentedStore, s: string, ruleId: string): number {
  const state = store.inner.peek(s).state as SubjectState;
  return state.win[ruleId]?.length ?? 0;
}

describe('handleIndicatorBatch', () => {
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
    expect(windowCount(store, 'v', 'listed-calls-20m')).toBe(3);
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
          correlationId: undefined,
        },
      ],
      d,
    );
    expect(published.at(-1)).toMatchObject({ alertId, status: 'closed', revision: 2 });
    await handleIndicatorBatch(
      consumed([transfer('v', 10, 90_000), call('v', 11), call('v', 12), call('v', 13)]),
      d,
    );
    expect(published).toHaveLength(2);
  });
});
