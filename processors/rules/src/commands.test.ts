import { type FraudRuleSet, ruleSetKey, type UserIdentity } from '@fenghuo/contracts';
import { builtinRuleSet } from '@fenghuo/engine';
import { describe, expect, it } from 'vitest';
import { createDraft, discardDraft, publishDraft, rollback, stopShadow, updateDraft } from './commands.ts';
import { MemoryHistoryStore } from './history/history-store.ts';
import { RuleHistory } from './history/rule-history.ts';
import { RulesError } from './rules-error.ts';

const analyst: UserIdentity = { username: 'zhao.min', role: 'analyst' };
let t = Date.parse('2026-12-01T09:00:00.000Z');
const caller = () => {
  t += 60_000;
  return { user: analyst, requestId: 'req-1', now: t };
};
const setup = () => new MemoryHistoryStore(new RuleHistory([builtinRuleSet]));

async function refusal(p: Promise<unknown>): Promise<RulesError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RulesError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('drafts and versions', () => {
  it('drafts from the built-in pack, publishes above its version, with author, comment, parent and diff', async () => {
    const store = setup();
    const draft = await createDraft(store, caller(), { ruleSetId: 'builtin-fraud', comment: 'tune' });
    expect(draft).toMatchObject({
      ruleSetId: 'builtin-fraud',
      kind: 'fraud',
      baseVersion: 1,
      comment: 'tune',
    });
    const content = draft.content as FraudRuleSet;
    const edited = { ...content, levels: { ...content.levels, notice: content.levels.notice + 5 } };
    await updateDraft(store, caller(), draft.draftId, { content: edited });
    const result = await publishDraft(store, caller(), draft.draftId, 'live', { comment: 'notice higher' });
    expect(result).toMatchObject({
      ruleSetId: 'builtin-fraud',
      ruleSetVersion: 2,
      channel: 'live',
      active: true,
    });

    const v2 = store.history.version('builtin-fraud', 2);
    expect(v2).toMatchObject({
      channel: 'live',
      author: { username: 'zhao.min', role: 'analyst' },
      comment: 'notice higher',
      parentVersion: 1,
      draftId: draft.draftId,
      diff: [
        {
          op: 'change',
          path: 'levels.notice',
          before: content.levels.notice,
          after: content.levels.notice + 5,
        },
      ],
    });
    expect(store.published.map((rs) => [ruleSetKey(rs), rs.ruleSetVersion, rs.publishedBy])).toEqual([
      ['builtin-fraud', 2, 'zhao.min'],
    ]);
    expect(store.history.draft(draft.draftId)).toBeUndefined(); // published drafts are closed
    expect(store.history.liveVersion('builtin-fraud')?.ruleSetVersion).toBe(2);
    // Every change is audited: who, what, the diff.
    expect(store.audited.map((a) => [a.action, a.details?.change, a.actor?.username])).toEqual([
      ['rule_change', 'draft_created', 'zhao.min'],
      ['rule_change', 'draft_saved', 'zhao.min'],
      ['rule_change', 'published', 'zhao.min'],
    ]);
    expect(store.audited[2]?.details).toMatchObject({ version: 2, parentVersion: 1, changes: 1 });
    expect(String(store.audited[2]?.details?.diff)).toContain('change levels.notice');
  });

  it('refuses invalid content with every problem and its path, writing nothing', async () => {
    const store = setup();
    const draft = await createDraft(store, caller(), { ruleSetId: 'builtin-fraud' });
    const content = draft.content as FraudRuleSet;
    const bad = {
      ...content,
      levels: { notice: 30, warning: 60, urgent: 100_000 },
      rules: [
        ...content.rules,
        {
          id: 'x',
          name: 'x',
          fraudType: 'other',
          weight: 5,
          kind: 'match',
          when: { kind: 'sms', where: [{ op: 'keywords', field: 'text', set: 'nope', minMatches: 1 }] },
        },
      ],
    } as FraudRuleSet;
    const before = store.events.length;
    const err = await refusal(updateDraft(store, caller(), draft.draftId, { content: bad }));
    expect(err.status).toBe(400);
    expect(err.details.map((d) => d.path)).toEqual([
      `content.rules[${content.rules.length}].when.where[0].set`,
      'content.levels.urgent',
    ]);
    expect(store.events.length).toBe(before);
  });

  it('refuses a stale draft unless forced; a draft keeps its rule set', async () => {
    const store = setup();
    const a = await createDraft(store, caller(), { ruleSetId: 'builtin-fraud' });
    const b = await createDraft(store, caller(), { ruleSetId: 'builtin-fraud' });
    await publishDraft(store, caller(), a.draftId, 'live', { comment: 'first' });
    const stale = await refusal(publishDraft(store, caller(), b.draftId, 'live', { comment: 'second' }));
    expect([stale.status, stale.code]).toEqual([409, 'draft_stale']);
    const forced = await publishDraft(store, caller(), b.draftId, 'live', { comment: 'second', force: true });
    expect(forced.ruleSetVersion).toBe(3);
    const c = await createDraft(store, caller(), { ruleSetId: 'builtin-fraud' });
    // The draft's rule set is kept whatever the content says.
    const other = await updateDraft(store, caller(), c.draftId, {
      content: { ...c.content, ruleSetId: 'elsewhere' },
    });
    expect(other.content.ruleSetId).toBe('builtin-fraud');
    expect(store.history.draft(c.draftId)?.ruleSetId).toBe('builtin-fraud');
  });

  it('rolls back by publishing the older content again as a newer version', async () => {
    const store = setup();
    const d = await createDraft(store, caller(), { ruleSetId: 'builtin-fraud' });
    const content = d.content as FraudRuleSet;
    await updateDraft(store, caller(), d.draftId, { content: { ...content, cooldownMin: 5 } });
    await publishDraft(store, caller(), d.draftId, 'live', { comment: 'short cooldown' });
    const r = await rollback(store, caller(), 'builtin-fraud', { toVersion: 1, comment: 'too many repeats' });
    expect(r.ruleSetVersion).toBe(3);
    const v3 = store.history.version('builtin-fraud', 3);
    expect(v3).toMatchObject({ rollbackOf: 1, parentVersion: 2 });
    expect(v3?.diff).toEqual([{ op: 'change', path: 'cooldownMin', before: 5, after: content.cooldownMin }]);
    expect((v3!.content as FraudRuleSet).cooldownMin).toBe(content.cooldownMin);
    expect(store.published.map((rs) => rs.ruleSetVersion)).toEqual([2, 3]);
    expect(store.audited.at(-1)?.details).toMatchObject({ change: 'rolled_back', version: 3, rollbackOf: 1 });
    expect(
      (await refusal(rollback(store, caller(), 'builtin-fraud', { toVersion: 9, comment: 'x' }))).status,
    ).toBe(404);
  });

  it('publishes a shadow under its own key, which never becomes live, and stops it', async () => {
    const store = setup();
    const d = await createDraft(store, caller(), { ruleSetId: 'builtin-fraud' });
    const s = await publishDraft(store, caller(), d.draftId, 'shadow', { comment: 'try it' });
    expect(s).toMatchObject({ ruleSetVersion: 2, channel: 'shadow' });
    const record = store.published.at(-1) as FraudRuleSet;
    expect(ruleSetKey(record)).toBe('builtin-fraud#shadow');
    expect(record.shadow).toEqual({ active: true });
    expect(store.history.liveVersion('builtin-fraud')?.ruleSetVersion).toBe(1);
    expect(store.history.shadowVersion('builtin-fraud')?.ruleSetVersion).toBe(2);
    // Promote it: its content goes live as a new version, without the shadow marker.
    const live = await rollback(store, caller(), 'builtin-fraud', { toVersion: 2, comment: 'promote' });
    expect(live.ruleSetVersion).toBe(3);
    expect((store.published.at(-1) as FraudRuleSet).shadow).toBeUndefined();
    const stopped = await stopShadow(store, caller(), 'builtin-fraud', { comment: 'done' });
    expect(stopped).toMatchObject({ ruleSetVersion: 2, channel: 'shadow', active: false });
    expect((store.published.at(-1) as FraudRuleSet).shadow).toEqual({ active: false });
    expect(store.history.shadowVersion('builtin-fraud')).toBeUndefined();
    expect((await refusal(stopShadow(store, caller(), 'builtin-fraud', {}))).status).toBe(404);
  });

  it('discards a draft, which is then gone', async () => {
    const store = setup();
    const d = await createDraft(store, caller(), { ruleSetId: 'builtin-fraud' });
    await discardDraft(store, caller(), d.draftId);
    expect(store.history.drafts()).toEqual([]);
    expect((await refusal(discardDraft(store, caller(), d.draftId))).status).toBe(404);
  });
});
