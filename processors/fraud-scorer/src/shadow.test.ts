import type { Alert, FraudIndicator } from '@fenghuo/contracts';
import { compileRuleSet, createScorer, MemoryStateStore } from '@fenghuo/engine';
import { call, ruleSet, transfer } from '@fenghuo/engine/test-support';
import { describe, expect, it } from 'vitest';
import { handleIndicatorBatch, handleOutcomeBatch } from './handler.ts';
import { RulesSource } from './rules-source.ts';
import { ShadowRules, shadowEngines, shadowNamespace } from './shadow.ts';

const shadowOf = (version: number, over: Parameters<typeof ruleSet>[0] = {}, active = true) =>
  ruleSet({ ruleSetId: 'main', ruleSetVersion: version, shadow: { active }, ...over });

describe('ShadowRules', () => {
  it('takes a newer shadow version of its rule set, and drops it when stopped', () => {
    const shadow = new ShadowRules('main');
    expect(shadow.current()).toBeUndefined();
    expect(shadow.offer(ruleSet({ ruleSetId: 'main', ruleSetVersion: 9 })).applied).toBe(false);
    expect(shadow.offer(shadowOf(4, { ruleSetId: 'other' })).applied).toBe(false);
    expect(shadow.offer(shadowOf(4)).applied).toBe(true);
    expect(shadow.current()?.ruleSetVersion).toBe(4);
    expect(shadow.offer(shadowOf(3)).applied).toBe(false);
    expect(shadow.offer(shadowOf(5)).applied).toBe(true);
    expect(shadow.offer(shadowOf(5, {}, false))).toEqual({ applied: true, reason: 'shadow v5 stopped' });
    expect(shadow.current()).toBeUndefined();
    expect(shadow.offer(shadowOf(7)).applied).toBe(true);
  });

  it('keeps the running shadow when a new one does not compile', () => {
    const shadow = new ShadowRules('main');
    shadow.offer(shadowOf(4));
    const r = shadow.offer(shadowOf(5, { levels: { notice: 50, warning: 10, urgent: 90 } }));
    expect(r.reason).toContain('does not compile');
    expect(shadow.current()?.ruleSetVersion).toBe(4);
  });

  it('is never taken as the live version', () => {
    const live = new RulesSource(compileRuleSet(ruleSet({ ruleSetId: 'main', ruleSetVersion: 3 })), 'main');
    expect(live.offer(shadowOf(8)).applied).toBe(false);
    expect(live.current().ruleSetVersion).toBe(3);
  });
});

describe('the handlers with a shadow version', () => {
  function setup() {
    const liveStore = new MemoryStateStore();
    const stores = new Map<string, MemoryStateStore>();
    const live: Alert[] = [];
    const shadowed: Alert[] = [];
    const failures: unknown[] = [];
    const liveRules = compileRuleSet(ruleSet({ ruleSetId: 'main', ruleSetVersion: 3 }));
    const shadowRules = new ShadowRules('main');
    const engine = shadowEngines({
      rules: shadowRules,
      storeFor: (id, v) => {
        const store = new MemoryStateStore();
        stores.set(shadowNamespace(id, v), store);
        return store;
      },
    });
    const deps = {
      engine: createScorer({ rules: () => liveRules, store: liveStore }),
      publish: async (r: readonly { alert: Alert }[]) => void live.push(...r.map((x) => x.alert)),
      shadow: {
        engine,
        publish: async (r: readonly { alert: Alert }[]) => void shadowed.push(...r.map((x) => x.alert)),
        onFailure: (err: unknown) => void failures.push(err),
      },
    };
    return { deps, shadowRules, liveStore, stores, live, shadowed, failures };
  }
  const consumed = (events: readonly FraudIndicator[], offset = 0) =>
    events.map((event, i) => ({ event, partition: 0, offset: String(offset + i), correlationId: undefined }));

  it('scores nothing in shadow until a shadow version arrives', async () => {
    const s = setup();
    await handleIndicatorBatch(consumed([call('v', 0), call('v', 1), call('v', 2)]), s.deps);
    expect(s.live).toHaveLength(1);
    expect(s.shadowed).toHaveLength(0);
  });

  it('sends shadow revisions to the shadow publisher only, from state of its own', async () => {
    const s = setup();
    // A stricter shadow: listed calls weigh nothing, so the same calls raise no shadow alert…
    const strict = shadowOf(4);
    s.shadowRules.offer({
      ...strict,
      rules: strict.rules.map((r) => (r.id === 'listed-calls-20m' ? { ...r, weight: 0 } : r)),
    });
    await handleIndicatorBatch(consumed([call('v', 0), call('v', 1), call('v', 2)]), s.deps);
    expect(s.live.map((a) => a.ruleSetVersion)).toEqual([3]);
    expect(s.shadowed).toHaveLength(0);
    // …a laxer one alerts on one large transfer, into alerts.shadow, and the live state is not its.
    s.shadowRules.offer(shadowOf(5, { levels: { notice: 1, warning: 60, urgent: 90 } }));
    await handleIndicatorBatch(consumed([transfer('w', 0, 60_000)], 3), s.deps);
    expect(s.live).toHaveLength(1);
    expect(s.shadowed.map((a) => [a.subjectId, a.ruleSetVersion])).toEqual([['w', 5]]);
    // One write of the live state (the live scorer's own); the shadow wrote only in its namespace.
    expect(s.liveStore.peek('w').version).toBe('1');
    expect([...s.stores.keys()]).toEqual([shadowNamespace('main', 4), shadowNamespace('main', 5)]);
    expect(s.stores.get(shadowNamespace('main', 5))?.peek('w').version).toBe('1');
  });

  it('closes the shadow alert on an outcome label that names it', async () => {
    const s = setup();
    s.shadowRules.offer(shadowOf(4));
    await handleIndicatorBatch(consumed([call('v', 0), call('v', 1), call('v', 2)]), s.deps);
    const alertId = s.live[0]?.alertId as string;
    expect(s.shadowed[0]?.alertId).toBe(alertId);
    const label = {
      version: 1 as const,
      eventId: 'out-1',
      alertId,
      subjectId: 'v',
      outcome: 'dissuaded' as const,
      labelledBy: 'off-1',
      labelledAt: '2026-11-27T09:00:00.000Z',
    };
    await handleOutcomeBatch([{ event: label, partition: 0, offset: '0', correlationId: undefined }], s.deps);
    expect(s.live.at(-1)?.status).toBe('closed');
    expect(s.shadowed.at(-1)?.status).toBe('closed');
  });

  it('never fails the live batch when the shadow fails', async () => {
    const s = setup();
    s.shadowRules.offer(shadowOf(4));
    const deps = {
      ...s.deps,
      shadow: {
        ...s.deps.shadow,
        publish: async () => {
          throw new Error('alerts.shadow unavailable');
        },
      },
    };
    const stats = await handleIndicatorBatch(consumed([call('v', 0), call('v', 1), call('v', 2)]), deps);
    expect(stats.revisions).toBe(1);
    expect(s.live).toHaveLength(1);
    expect(s.failures.map((e) => (e as Error).message)).toEqual(['alerts.shadow unavailable']);
  });
});
