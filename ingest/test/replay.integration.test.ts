/**
 * `npm run replay` with a column map feeds a real export — San Diego PD calls for service, geocoded —
 * through ingest into Kafka; a second run writes nothing new. Skipped when the shared data folder
 * is absent (it is never copied into the repository).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncidentReport } from '@fenghuo/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DATA = join(REPO_ROOT, '../shared/data/calls-for-service/sdpd_calls_2023-01-18_to_25_geocoded.csv');
const present = existsSync(DATA);
if (!present) console.warn(`replay test skipped: ${DATA} is absent (real data lives outside the repository)`);

const ROWS = 10_000;
const ROWS_WITHOUT_COORDINATES = 4; // documented in shared/data/SOURCES.txt

function npmReplay(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', 'replay', '--', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const MAPPING = [
  '--kind',
  'incidents',
  '--map',
  'eventId=incident_num,incidentId=incident_num,externalRef=incident_num,occurredAt=date_time,lat=lat,lon=lng,address=Address,priority=priority',
  '--set',
  'channel=replay,category=other',
  '--values',
  'priority=0:1,5:4,6:4,7:4,8:4,9:4',
  '--utc-offset=-08:00',
];

describe.skipIf(!present)('npm run replay with real calls for service', () => {
  let h: Harness;
  let key: string;

  beforeAll(async () => {
    h = await startHarness({
      name: 'ingest-replay',
      brokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
    });
    key = h.service.keys.addKey('replay-sdpd', { kinds: ['incidents'] }).key;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('maps the CSV columns to incidents, rejects rows without coordinates by name, and writes the rest once', async () => {
    const first = await npmReplay([DATA, ...MAPPING, '--rate', '20000', '--url', h.url], { INGEST_KEY: key });
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout.trim().split('\n').pop()!) as Record<string, number>;
    expect(summary).toMatchObject({
      read: ROWS,
      sent: ROWS - ROWS_WITHOUT_COORDINATES,
      accepted: ROWS - ROWS_WITHOUT_COORDINATES,
      duplicates: 0,
      rejected: ROWS_WITHOUT_COORDINATES,
    });
    expect(first.stdout).toMatch(/4 {2}location: Expected required property/);
    expect(first.stderr).toMatch(/100%/); // progress
    expect(await h.countRecords('incidents')).toBe(ROWS - ROWS_WITHOUT_COORDINATES);

    const messages = await h.read('incidents', ROWS - ROWS_WITHOUT_COORDINATES);
    const sample = messages
      .map((m) => JSON.parse(m.value!) as IncidentReport)
      .find((e) => e.incidentId === 'E23010025101');
    expect(sample).toMatchObject({
      eventId: 'E23010025101',
      externalRef: 'E23010025101',
      occurredAt: '2023-01-18T17:00:02-08:00',
      channel: 'replay',
      category: 'other',
      priority: 2,
      location: { lat: 32.722117, lon: -117.1594576 },
      address: '1600 06TH AVE San Diego, California',
      source: 'replay-sdpd',
    });

    // Replaying the same file again: every event is a duplicate, Kafka gets nothing new.
    const again = await npmReplay([DATA, ...MAPPING, '--rate', '20000', '--url', h.url, '--quiet'], {
      INGEST_KEY: key,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').pop()!)).toMatchObject({
      accepted: 0,
      duplicates: ROWS - ROWS_WITHOUT_COORDINATES,
    });
    expect(await h.countRecords('incidents')).toBe(ROWS - ROWS_WITHOUT_COORDINATES);
  });

  it('explains itself with --help and refuses a run without a key', async () => {
    const help = await npmReplay(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--map f=Col');
    const noKey = await npmReplay([DATA, '--kind', 'incidents', '--url', h.url], { INGEST_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('API key');
  });
});
