/**
 * Demo sources for `npm start`: one per kind of sender, each with a fresh key at every start (the
 * previous demo keys are revoked), and one demo phone. The keys are printed and written to
 * `<keys dir>/demo-keys.json` (mode 0600) so local simulators can pick them up.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AddedKey, KeyStore } from './key-store.ts';
import type { EventKind } from './kinds.ts';

export const DEMO_SOURCES: readonly { readonly source: string; readonly kinds: readonly EventKind[] }[] = [
  { source: 'demo-bank', kinds: ['fraud-indicators'] },
  { source: 'demo-telecom', kinds: ['fraud-indicators'] },
  { source: 'demo-antifraud-app', kinds: ['fraud-indicators'] },
  { source: 'demo-110', kinds: ['incidents'] },
  { source: 'demo-grid-workers', kinds: ['incidents'] },
  { source: 'demo-cameras', kinds: ['sightings'] },
  { source: 'demo-replay', kinds: ['fraud-indicators', 'incidents', 'sightings', 'positions'] },
];

/** Unit ids follow the generated city pack (`unit-001`…, infra/city). */
export const DEMO_DEVICES: readonly { readonly deviceId: string; readonly unitId: string }[] = [
  { deviceId: 'demo-phone-001', unitId: 'unit-001' },
  { deviceId: 'demo-phone-002', unitId: 'unit-002' },
];

export interface DemoKeys {
  readonly keys: AddedKey[];
  readonly devices: typeof DEMO_DEVICES;
  readonly file: string;
}

export function issueDemoKeys(store: KeyStore): DemoKeys {
  const keys: AddedKey[] = [];
  for (const { source, kinds } of DEMO_SOURCES) {
    store.revoke({ source, demoOnly: true });
    keys.push(store.addKey(source, { kinds, demo: true }));
  }
  for (const d of DEMO_DEVICES) store.addDevice(d.deviceId, d.unitId);
  const file = join(dirname(store.path), 'demo-keys.json');
  const out = Object.fromEntries(keys.map((k) => [k.source, { key: k.key, kinds: k.kinds }]));
  writeFileSync(file, `${JSON.stringify({ sources: out, devices: DEMO_DEVICES }, null, 2)}\n`, {
    mode: 0o600,
  });
  return { keys, devices: DEMO_DEVICES, file };
}

export function formatDemoKeys(demo: DemoKeys, baseUrl: string): string {
  const width = Math.max(...demo.keys.map((k) => k.source.length));
  const lines = [
    `Demo sources (fresh keys, valid until the next start; also in ${demo.file}):`,
    ...demo.keys.map((k) => `  ${k.source.padEnd(width)}  ${k.key}  ${k.kinds.join(',')}`),
    `Demo phones (Traccar Client server URL ${baseUrl}/osmand):`,
    ...demo.devices.map((d) => `  device ${d.deviceId} → unit ${d.unitId}`),
    'Try:',
    `  curl -X POST ${baseUrl}/v1/incidents -H 'Authorization: Bearer ${demo.keys.find((k) => k.source === 'demo-110')?.key ?? '<key>'}' \\`,
    `       -H 'Content-Type: application/json' -d @event.json`,
  ];
  return lines.join('\n');
}
