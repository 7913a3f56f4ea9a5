import type { Alert } from '@fenghuo/contracts';
import { examples, Topic } from '@fenghuo/contracts';
import { describe, expect, it } from 'vitest';
import { chunkBySize } from './publish.ts';

describe('chunkBySize', () => {
  const alert: Alert = examples[Topic.AlertsRaised];
  const bytes = Buffer.byteLength(JSON.stringify(alert));

  it('keeps order and never exceeds the chunk size (unless one alert alone does)', () => {
    const alerts = Array.from({ length: 25 }, (_, i) => ({ ...alert, revision: i + 1 }));
    const chunks = chunkBySize(alerts, bytes * 4 + 10);
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect(chunks.flat().map((a) => a.revision)).toEqual(alerts.map((a) => a.revision));
    expect(chunkBySize([alert], 10)).toEqual([[alert]]);
    expect(chunkBySize([])).toEqual([]);
  });
});
