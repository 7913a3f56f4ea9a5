import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backtestWorkerEntry, bundleWorker } from './worker-entry.ts';

describe('backtest worker entry', () => {
  it('bundles the worker once per process, each file keeping its own import.meta.url', async () => {
    const first = await backtestWorkerEntry();
    expect(first).toMatchObject({ kind: 'bundle' });
    expect(await backtestWorkerEntry()).toBe(first);
    const code = first.kind === 'bundle' ? first.code : '';
    expect(code).not.toContain('import.meta');
    // The engine's model registry reads its models beside its own file.
    const registry = new URL('../../../engine/src/text-model/registry.ts', import.meta.url);
    expect(fileURLToPath(registry)).toMatch(/registry\.ts$/);
    expect(code).toContain(JSON.stringify(registry.href));
  });

  it('builds the same bundle from the same sources', async () => {
    expect(await bundleWorker()).toBe(await bundleWorker());
  });
});
