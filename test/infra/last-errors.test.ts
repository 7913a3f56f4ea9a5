import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorMessage, readLastErrors, recordLastError } from '../../infra/scripts/last-errors.ts';

describe('last errors of the services', () => {
  it('takes pino error and fatal lines, with the error message, and nothing else', () => {
    expect(errorMessage('{"level":"error","msg":"send failed","err":{"message":"broker down"}}')).toBe(
      'send failed: broker down',
    );
    expect(errorMessage('{"level":"fatal","msg":"crashed"}')).toBe('crashed');
    expect(errorMessage('{"level":"warn","msg":"slow"}')).toBeUndefined();
    expect(errorMessage('{"level":"info","msg":"Error in the message text only"}')).toBeUndefined();
    expect(errorMessage('TypeError: x is not a function')).toBe('TypeError: x is not a function');
    expect(errorMessage('Demo users (fresh passwords)')).toBeUndefined();
  });

  it('keeps the last one per service in a file', () => {
    const root = mkdtempSync(join(tmpdir(), 'last-errors-'));
    recordLastError(root, 'ingest', { at: 't1', line: 'a' });
    recordLastError(root, 'gateway', { at: 't2', line: 'b' });
    recordLastError(root, 'ingest', { at: 't3', line: 'c' });
    expect(readLastErrors(root)).toEqual({
      ingest: { at: 't3', line: 'c' },
      gateway: { at: 't2', line: 'b' },
    });
  });
});
