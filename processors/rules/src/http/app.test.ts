import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FraudRuleSet, UserIdentity } from '@fenghuo/contracts';
import { builtinRuleSet } from '@fenghuo/engine';
import { AuthTokens, createLogger } from '@fenghuo/kit';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBacktestStore } from '../backtest/backtest-store.ts';
import { BacktestJobs } from '../backtest/jobs.ts';
import { MemoryHistoryStore } from '../history/history-store.ts';
import { RuleHistory } from '../history/rule-history.ts';
import { createApp } from './app.ts';

const secret = new TextEncoder().encode('a-test-key-of-at-least-thirty-two-characters');
const tokens = new AuthTokens({ secret });
const logger = createLogger({ service: 'rules-test', level: 'silent' });
const store = new MemoryHistoryStore(new RuleHistory([builtinRuleSet]));
let server: Server;
let base: string;

const tokenOf = async (user: UserIdentity) => (await tokens.issue(user)).token;
let analyst: string;

// biome-ignore lint/suspicious/noExplicitAny: test answers are checked field by field
type Json = any;

async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/api/rules${path}`, {
    method,
    headers: {
      ...(opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` }),
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

beforeAll(async () => {
  const app = createApp(
    {
      logger,
      store,
      jobs: new BacktestJobs({ store: new MemoryBacktestStore(), logger }),
      tokens,
      // Not reached by these tests (no Kafka-backed backtest or shadow comparison).
      kafka: { kafka: {} as Kafka, topicPrefix: '' },
    },
    { bodyLimitBytes: 1024 * 1024, uploadLimitBytes: 1024 * 1024 },
  );
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  analyst = await tokenOf({ username: 'zhao.min', role: 'analyst' });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('rules HTTP API', () => {
  it('401 without a valid token, 403 for an operator, both audited', async () => {
    expect((await call('GET', '/sets')).status).toBe(401);
    expect((await call('GET', '/sets', { token: 'not.a.token' })).status).toBe(401);
    const dispatcher = await tokenOf({ username: 'li.wei', role: 'operator' });
    const refused = await call('GET', '/sets', { token: dispatcher });
    expect(refused.status).toBe(403);
    await expect.poll(() => store.audited.filter((a) => a.action === 'access_denied').length).toBe(3);
    expect(store.audited.at(-1)).toMatchObject({ actor: { username: 'li.wei' }, result: 'denied' });
  });

  it('lists the built-in set, drafts, validates with paths, publishes, diffs and rolls back', async () => {
    const sets = await call('GET', '/sets', { token: analyst });
    expect(sets.status).toBe(200);
    expect(sets.body.sets.map((s: { ruleSetId: string }) => s.ruleSetId)).toContain('builtin-fraud');

    const draft = await call('POST', '/drafts', {
      token: analyst,
      body: { ruleSetId: 'builtin-fraud', comment: 'tune' },
    });
    expect(draft.status).toBe(201);
    const id = draft.body.draftId as string;
    const content = draft.body.content as FraudRuleSet;

    // A level no score reaches: 400 naming its path, on an edit and on a bare validation.
    const bad = { ...content, levels: { ...content.levels, urgent: 1_000_000 } };
    const badEdit = await call('PUT', `/drafts/${id}`, { token: analyst, body: { content: bad } });
    expect(badEdit.status).toBe(400);
    expect(badEdit.body.error.details.map((d: { path: string }) => d.path)).toContain(
      'content.levels.urgent',
    );
    const bare = await call('POST', '/validate', { token: analyst, body: bad });
    expect(bare.status).toBe(400);
    expect(bare.body.error.details.map((d: { path: string }) => d.path)).toContain('levels.urgent');

    const good = { ...content, levels: { ...content.levels, notice: content.levels.notice + 5 } };
    expect((await call('PUT', `/drafts/${id}`, { token: analyst, body: { content: good } })).status).toBe(
      200,
    );
    expect((await call('POST', `/drafts/${id}/validate`, { token: analyst })).body).toMatchObject({
      valid: true,
    });
    const published = await call('POST', `/drafts/${id}/publish`, {
      token: analyst,
      body: { comment: 'notice higher' },
    });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ ruleSetId: 'builtin-fraud', ruleSetVersion: 2, channel: 'live' });
    expect(store.published.at(-1)).toMatchObject({ ruleSetId: 'builtin-fraud', ruleSetVersion: 2 });

    const versions = await call('GET', '/sets/builtin-fraud/versions', { token: analyst });
    expect(versions.body.versions.map((v: { ruleSetVersion: number }) => v.ruleSetVersion)).toEqual(
      expect.arrayContaining([1, 2]),
    );
    const v2 = await call('GET', '/sets/builtin-fraud/versions/2', { token: analyst });
    expect(v2.body).toMatchObject({ live: true, author: { username: 'zhao.min' } });
    expect(v2.body.diff).toContainEqual(
      expect.objectContaining({ op: 'change', path: 'levels.notice', after: content.levels.notice + 5 }),
    );

    const diff = await call('GET', '/sets/builtin-fraud/diff?from=1&to=2', { token: analyst });
    expect(diff.status).toBe(200);
    expect(diff.body.changes).toHaveLength(v2.body.diff.length);

    const back = await call('POST', '/sets/builtin-fraud/rollback', {
      token: analyst,
      body: { toVersion: 1, comment: 'too noisy' },
    });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ ruleSetVersion: 3, channel: 'live' });
    const live = store.published.at(-1) as FraudRuleSet;
    expect(live.ruleSetVersion).toBe(3);
    expect(live.levels).toEqual(builtinRuleSet.levels);
    expect(store.audited.filter((a) => a.action === 'rule_change').length).toBeGreaterThanOrEqual(3);
  });

  it('400 naming the field for a body that is not its contract; 404 for unknown versions', async () => {
    const r = await call('POST', '/drafts', { token: analyst, body: { ruleSetId: 7 } });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toContain('ruleSetId');
    expect((await call('GET', '/sets/builtin-fraud/versions/99', { token: analyst })).status).toBe(404);
    expect((await call('GET', '/sets/builtin-fraud/versions/x', { token: analyst })).status).toBe(400);
  });
});
