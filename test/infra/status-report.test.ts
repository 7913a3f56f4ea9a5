import { describe, expect, it } from 'vitest';
import {
  formatStatus,
  ratePerSec,
  type StatusReport,
  topicEnd,
  topicLag,
} from '../../infra/scripts/status-report.ts';

const marks = [
  { partition: 0, low: '0', high: '100' },
  { partition: 1, low: '50', high: '80' },
  { partition: 2, low: '0', high: '10' },
];

describe('consumer lag', () => {
  it('sums high watermark minus committed offset over the partitions', () => {
    const lag = topicLag(
      'g',
      't',
      [
        { partition: 0, offset: '90' },
        { partition: 1, offset: '80' },
        { partition: 2, offset: '4' },
      ],
      marks,
    );
    expect(lag).toMatchObject({ lag: 10 + 0 + 6, committedPartitions: 3, partitions: 3, consumed: 174 });
  });

  it('counts a commit below the low watermark from the low watermark (retention deleted the rest)', () => {
    expect(topicLag('g', 't', [{ partition: 1, offset: '20' }], marks).lag).toBe(30);
  });

  it('adds no lag for partitions with nothing committed, and says how many are committed', () => {
    const lag = topicLag(
      'g',
      't',
      [
        { partition: 0, offset: '100' },
        { partition: 2, offset: '-1' },
      ],
      marks,
    );
    expect(lag).toMatchObject({ lag: 0, committedPartitions: 1, partitions: 3 });
  });

  it('counts records written and rates between two snapshots', () => {
    expect(topicEnd(marks)).toBe(190);
    expect(ratePerSec(190, 290, 2)).toBe(50);
    expect(ratePerSec(undefined, 290, 2)).toBeUndefined();
    expect(ratePerSec(10, 20, 0)).toBeUndefined();
  });
});

const base: StatusReport = {
  at: '2026-12-03T22:00:00.000Z',
  brokers: ['127.0.0.1:9092'],
  sampleSec: 2,
  hiddenGroups: 0,
  services: [
    { name: 'ingest', url: 'http://127.0.0.1:8081', state: 'ready', failing: [], uptimeSec: 90 },
    {
      name: 'fraud-scorer',
      url: 'http://127.0.0.1:9320',
      state: 'not_ready',
      failing: ['redis'],
      lastError: { at: '2026-12-03T21:59:00.000Z', line: 'redis connection refused' },
    },
    { name: 'gateway', url: 'http://127.0.0.1:8080', state: 'down', failing: [] },
  ],
};

describe('status screen', () => {
  it('shows each service, its failing checks and last error, and the lag table', () => {
    const text = formatStatus({
      ...base,
      hiddenGroups: 3,
      lags: [
        {
          group: 'fraud-scorer',
          topic: 'fraud.indicators',
          lag: 42,
          committedPartitions: 12,
          partitions: 12,
          consumed: 1000,
          inPerSec: 120,
          outPerSec: 99.5,
        },
        {
          group: 'gateway',
          topic: 'alerts.raised',
          lag: 0,
          committedPartitions: 0,
          partitions: 6,
          consumed: 0,
        },
      ],
    });
    expect(text).toContain('ingest       ready');
    expect(text).toContain('NOT READY (redis failing)');
    expect(text).toContain('last error 2026-12-03T21:59:00.000Z: redis connection refused');
    expect(text).toContain('DOWN (no answer)');
    expect(text).toMatch(/fraud-scorer\s+fraud\.indicators\s+42\s+120\s+99\.5/);
    expect(text).toMatch(/gateway\s+alerts\.raised\s+0\s+-\s+-\s+\(nothing committed yet\)/);
    expect(text).toContain('3 group(s) without members not shown');
  });

  it('says plainly when Kafka does not answer', () => {
    const text = formatStatus({
      ...base,
      kafkaError: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
    });
    expect(text).toContain('Kafka (127.0.0.1:9092) is not answering: Connection error: connect ECONNREFUSED');
    expect(text).toContain('npm run infra:up');
    expect(text).not.toContain('Consumer lag');
  });
});
