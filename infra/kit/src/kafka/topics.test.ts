import type { TopicSpec } from '@fenghuo/contracts';
import { type Admin, ConfigSource, type ITopicConfig } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import {
  alignTopicConfigs,
  describeTopicChange,
  ensureTopics,
  parseRetentionOverrides,
  TopicConfigNotAppliedError,
  topicsFromEnv,
  waitForTopicsReady,
  withRetention,
} from './topics.ts';

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

/** Answers for the readiness check: every partition led by broker 1 and serving offsets. */
function servingTopics(topics: () => Iterable<string>) {
  return {
    fetchTopicMetadata: async ({ topics: wanted }: { topics: string[] }) => {
      const known = new Set(topics());
      return {
        topics: wanted.map((name) => {
          if (!known.has(name)) throw new Error('This server does not host this topic-partition');
          return { name, partitions: [{ partitionId: 0, leader: 1, partitionErrorCode: 0 }] };
        }),
      };
    },
    fetchTopicOffsets: async () => [{ partition: 0, offset: '0', high: '0', low: '0' }],
  };
}

/** An in-memory stand-in for the Admin calls ensureTopics makes. */
function fakeAdmin(initial: string[], opts: { createdBehindOurBack?: string[] } = {}) {
  const topics = new Map<string, ITopicConfig>(initial.map((t) => [t, { topic: t }]));
  const calls: ITopicConfig[][] = [];
  let raced = false;
  const admin = {
    ...servingTopics(() => topics.keys()),
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
    expect(result).toEqual({ created: ['a', 'rules'], existing: [], changed: [] });
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
    expect(await ensureTopics(admin, [spec('a'), spec('b')])).toEqual({
      created: [],
      existing: ['a', 'b'],
      changed: [],
    });
    expect(calls).toHaveLength(0);
  });

  it('prefixes every name', async () => {
    const { admin } = fakeAdmin(['t-x.a']);
    const result = await ensureTopics(admin, [spec('a'), spec('b')], { prefix: 't-x.' });
    expect(result).toEqual({ created: ['t-x.b'], existing: ['t-x.a'], changed: [] });
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
      ...servingTopics(() => ['fresh.topic']),
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
    await expect(ensureTopics(admin, [s])).resolves.toEqual({
      created: ['fresh.topic'],
      existing: [],
      changed: [],
    });
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

describe('waitForTopicsReady', () => {
  it('waits until every partition has a leader that answers ListOffsets', async () => {
    let metadataCalls = 0;
    let offsetCalls = 0;
    const admin = {
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        metadataCalls++;
        return {
          topics: topics.map((name) => ({
            name,
            // The first answer lists a partition without a leader (an election in progress).
            partitions: [
              { partitionId: 0, leader: 1, partitionErrorCode: 0 },
              { partitionId: 1, leader: metadataCalls === 1 ? -1 : 1, partitionErrorCode: 0 },
            ],
          })),
        };
      },
      fetchTopicOffsets: async () => {
        offsetCalls++;
        // Then the leader is listed but does not host the partition yet.
        if (offsetCalls === 1) throw new Error('This server does not host this topic-partition');
        return [];
      },
    } as unknown as Admin;
    await waitForTopicsReady(admin, ['t']);
    expect(metadataCalls).toBe(3);
    expect(offsetCalls).toBe(2);
  });

  it('gives up after the time-out, naming the topic and the problem', async () => {
    const admin = {
      fetchTopicMetadata: async () => ({
        topics: [{ name: 't', partitions: [{ leader: -1, partitionErrorCode: 5 }] }],
      }),
      fetchTopicOffsets: async () => [],
    } as unknown as Admin;
    await expect(waitForTopicsReady(admin, ['t'], { timeoutMs: 200 })).rejects.toThrow(
      /t: 1 of 1 partitions without a leader/,
    );
  });
});

describe('retention overrides (TOPIC_RETENTION_DAYS)', () => {
  const catalogue = [
    spec('fraud.indicators'),
    spec('units.positions'),
    spec('units.status', { cleanupPolicy: 'compact' }),
  ];
  const DAY = 86_400_000;

  it('parses topic=days pairs, fractional days and forever', () => {
    const overrides = parseRetentionOverrides('fraud.indicators=60, units.positions=0.5', catalogue);
    expect([...overrides]).toEqual([
      ['fraud.indicators', 60 * DAY],
      ['units.positions', DAY / 2],
    ]);
    expect(parseRetentionOverrides('fraud.indicators=forever', catalogue).get('fraud.indicators')).toBe(-1);
    expect(parseRetentionOverrides(undefined, catalogue).size).toBe(0);
    expect(parseRetentionOverrides(' ', catalogue).size).toBe(0);
  });

  it('names the variable and every bad entry', () => {
    let err: unknown;
    try {
      parseRetentionOverrides('fraud.indicatorz=3,units.positions=-1,units.status=2,oops', catalogue);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => p.variable)).toEqual(Array(4).fill('TOPIC_RETENTION_DAYS'));
    expect(problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/"fraud.indicatorz" is not a topic/),
      expect.stringMatching(/units.positions: days must be a positive number/),
      expect.stringMatching(/units.status is compacted/),
      expect.stringMatching(/"oops" must be TOPIC=DAYS/),
    ]);
  });

  it('applies overrides to the catalogue, from the environment too', () => {
    const specs = withRetention(catalogue, new Map([['units.positions', 3 * DAY]]));
    expect(specs.map((s) => s.retentionMs)).toEqual([1000, 3 * DAY, 1000]);
    const fromEnv = topicsFromEnv(catalogue, { TOPIC_RETENTION_DAYS: 'fraud.indicators=60' });
    expect(fromEnv[0]?.retentionMs).toBe(60 * DAY);
    expect(() => topicsFromEnv(catalogue, { TOPIC_RETENTION_DAYS: 'x=1' })).toThrow(/TOPIC_RETENTION_DAYS/);
  });
});

describe('alignTopicConfigs', () => {
  const entry = (configName: string, configValue: string, configSource = ConfigSource.TOPIC_CONFIG) => ({
    configName,
    configValue,
    configSource,
    readOnly: false,
  });
  type Entry = ReturnType<typeof entry>;

  /**
   * A broker whose DescribeConfigs shows an accepted change only after `lag` more describes, as a
   * KRaft broker applies it from the metadata log a moment after the controller answered.
   */
  function configAdmin(initial: Record<string, Entry[]>, lag = 0) {
    const shown = new Map(Object.entries(initial));
    const pending: { name: string; entries: Entry[]; after: number }[] = [];
    const altered: unknown[] = [];
    let describes = 0;
    const admin = {
      describeConfigs: async ({ resources }: { resources: { name: string }[] }) => {
        describes++;
        for (const p of pending.filter((p) => p.after <= describes)) shown.set(p.name, p.entries);
        return {
          resources: resources.map(({ name }) => ({
            resourceName: name,
            configEntries: shown.get(name) ?? [],
          })),
        };
      },
      alterConfigs: async (req: {
        resources: { name: string; configEntries: { name: string; value: string }[] }[];
      }) => {
        altered.push(...req.resources);
        for (const r of req.resources) {
          const defaults = (shown.get(r.name) ?? []).filter(
            (e) => e.configSource !== ConfigSource.TOPIC_CONFIG,
          );
          const entries = [...defaults, ...r.configEntries.map((e) => entry(e.name, e.value))];
          pending.push({ name: r.name, entries, after: describes + lag + 1 });
        }
      },
    } as unknown as Admin;
    return { admin, altered, shown, describes: () => describes };
  }

  it('changes only topics whose retention or policy differ, keeping their other settings', async () => {
    const { admin, altered } = configAdmin({
      'p.a': [
        entry('retention.ms', '1000'),
        entry('cleanup.policy', 'delete'),
        entry('max.message.bytes', '2000000'),
        entry('segment.bytes', '1073741824', ConfigSource.DEFAULT_CONFIG),
      ],
      'p.b': [entry('retention.ms', '5'), entry('cleanup.policy', 'delete')],
    });
    const changes = await alignTopicConfigs(
      admin,
      [spec('a', { retentionMs: 9000 }), spec('b', { retentionMs: 5 })],
      'p.',
    );
    expect(changes).toEqual([{ topic: 'p.a', name: 'retention.ms', from: '1000', to: '9000' }]);
    expect(altered).toEqual([
      {
        type: expect.any(Number),
        name: 'p.a',
        configEntries: [
          { name: 'max.message.bytes', value: '2000000' },
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: '9000' },
        ],
      },
    ]);
  });

  it('returns only once the broker shows the new settings (a KRaft broker applies them a moment later)', async () => {
    const { admin, shown, describes } = configAdmin(
      { 'p.a': [entry('retention.ms', '1000'), entry('cleanup.policy', 'delete')] },
      3,
    );
    await alignTopicConfigs(admin, [spec('a', { retentionMs: 9000 })], 'p.');
    expect(describes()).toBeGreaterThanOrEqual(4);
    expect(shown.get('p.a')?.find((e) => e.configName === 'retention.ms')?.configValue).toBe('9000');
  });

  it('fails with a retriable error when the broker never shows the change', async () => {
    const { admin } = configAdmin(
      { 'p.a': [entry('retention.ms', '1000'), entry('cleanup.policy', 'delete')] },
      Number.POSITIVE_INFINITY,
    );
    const failure = alignTopicConfigs(admin, [spec('a', { retentionMs: 9000 })], 'p.', { timeoutMs: 200 });
    await expect(failure).rejects.toBeInstanceOf(TopicConfigNotAppliedError);
    await expect(failure).rejects.toMatchObject({ retriable: true, message: expect.stringMatching(/p\.a/) });
  });
});

describe('describeTopicChange', () => {
  it('shows retention in days or hours', () => {
    expect(
      describeTopicChange({
        topic: 'fraud.indicators',
        name: 'retention.ms',
        from: '604800000',
        to: '2592000000',
      }),
    ).toBe('fraud.indicators retention.ms: 7 d → 30 d');
    expect(describeTopicChange({ topic: 't', name: 'retention.ms', from: undefined, to: '-1' })).toBe(
      't retention.ms: (default) → forever',
    );
    expect(describeTopicChange({ topic: 't', name: 'retention.ms', from: '43200000', to: '129600000' })).toBe(
      't retention.ms: 12 h → 1.5 d',
    );
    expect(describeTopicChange({ topic: 't', name: 'cleanup.policy', from: 'delete', to: 'compact' })).toBe(
      't cleanup.policy: delete → compact',
    );
  });
});
