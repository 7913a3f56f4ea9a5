import type { TopicSpec } from '@fenghuo/contracts';
import type { Admin, ITopicConfig } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ensureTopics } from './topics.ts';

function spec(name: string, overrides: Partial<TopicSpec> = {}): TopicSpec {
  return {
    name,
    key: 'id',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 1000,
    owner: 'ingest',
    producers: [],
    consumers: [],
    event: 'Test',
    description: 'test topic',
    ...overrides,
  };
}

/** An in-memory stand-in for the two Admin calls ensureTopics makes. */
function fakeAdmin(initial: string[], opts: { createdBehindOurBack?: string[] } = {}) {
  const topics = new Map<string, ITopicConfig>(initial.map((t) => [t, { topic: t }]));
  const calls: ITopicConfig[][] = [];
  let raced = false;
  const admin = {
    listTopics: async () => [...topics.keys()],
    createTopics: async ({ topics: wanted }: { topics: ITopicConfig[] }) => {
      calls.push(wanted);
      if (!raced && opts.createdBehindOurBack) {
        raced = true;
        for (const t of opts.createdBehindOurBack) topics.set(t, { topic: t });
      }
      let all = true;
      for (const t of wanted) {
        if (topics.has(t.topic)) all = false;
        else topics.set(t.topic, t);
      }
      return all;
    },
  };
  return { admin: admin as unknown as Admin, topics, calls };
}

describe('ensureTopics', () => {
  it('creates missing topics with partitions, cleanup policy and retention', async () => {
    const { admin, topics } = fakeAdmin([]);
    const result = await ensureTopics(admin, [
      spec('a'),
      spec('rules', { partitions: 1, cleanupPolicy: 'compact', retentionMs: -1 }),
    ]);
    expect(result).toEqual({ created: ['a', 'rules'], existing: [] });
    expect(topics.get('rules')).toEqual({
      topic: 'rules',
      numPartitions: 1,
      replicationFactor: -1,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'retention.ms', value: '-1' },
      ],
    });
  });

  it('reports existing topics and does not call createTopics when nothing is missing', async () => {
    const { admin, calls } = fakeAdmin(['a', 'b']);
    expect(await ensureTopics(admin, [spec('a'), spec('b')])).toEqual({ created: [], existing: ['a', 'b'] });
    expect(calls).toHaveLength(0);
  });

  it('prefixes every name', async () => {
    const { admin } = fakeAdmin(['t-x.a']);
    const result = await ensureTopics(admin, [spec('a'), spec('b')], { prefix: 't-x.' });
    expect(result).toEqual({ created: ['t-x.b'], existing: ['t-x.a'] });
  });

  it('tells created from existing when another process creates a topic concurrently', async () => {
    const { admin } = fakeAdmin([], { createdBehindOurBack: ['b'] });
    const result = await ensureTopics(admin, [spec('a'), spec('b'), spec('c')]);
    expect(result.created.sort()).toEqual(['a', 'c']);
    expect(result.existing).toEqual(['b']);
  });

  it('rejects a catalogue that lists a topic twice', async () => {
    const { admin } = fakeAdmin([]);
    await expect(ensureTopics(admin, [spec('a'), spec('a')])).rejects.toThrow(/listed twice/);
  });
});

describe('ensureTopics retries', () => {
  it('asks again while a fresh broker answers a retriable error, and counts the topic as created', async () => {
    let calls = 0;
    const admin = {
      listTopics: async () => [],
      createTopics: async () => {
        calls++;
        if (calls === 1) {
          throw Object.assign(new Error('This server does not host this topic-partition'), {
            retriable: true,
          });
        }
        return false; // the first attempt did create it before failing
      },
    } as unknown as Parameters<typeof ensureTopics>[0];
    const s = spec('fresh.topic');
    await expect(ensureTopics(admin, [s])).resolves.toEqual({ created: ['fresh.topic'], existing: [] });
    expect(calls).toBe(2);
  });

  it('does not retry an error that is not retriable', async () => {
    let calls = 0;
    const admin = {
      listTopics: async () => [],
      createTopics: async () => {
        calls++;
        throw Object.assign(new Error('Invalid replication factor'), { retriable: false });
      },
    } as unknown as Parameters<typeof ensureTopics>[0];
    await expect(ensureTopics(admin, [spec('bad.topic')])).rejects.toThrow('Invalid replication factor');
    expect(calls).toBe(1);
  });
});
