/**
 * The last ERROR (or FATAL) line of each service that `npm start` runs, kept in
 * `.local/start/last-errors.json` so `npm run status` can show it. Services log pino JSON lines
 * (`"level":"error"`); a line that is not JSON counts when it starts with `Error`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LastError {
  readonly at: string;
  readonly line: string;
}

export function lastErrorsFile(root: string): string {
  return join(root, '.local', 'start', 'last-errors.json');
}

/** The message of an error line, or undefined when the line is not an error. */
export function errorMessage(line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    try {
      const entry = JSON.parse(trimmed) as { level?: unknown; msg?: unknown; err?: { message?: unknown } };
      if (entry.level !== 'error' && entry.level !== 'fatal' && entry.level !== 50 && entry.level !== 60)
        return undefined;
      const detail = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
      return `${typeof entry.msg === 'string' ? entry.msg : 'error'}${detail}`;
    } catch {
      return undefined;
    }
  }
  return /^(Error|[A-Z][A-Za-z]*Error)\b/.test(trimmed) ? trimmed : undefined;
}

export function readLastErrors(root: string): Record<string, LastError> {
  try {
    return JSON.parse(readFileSync(lastErrorsFile(root), 'utf8')) as Record<string, LastError>;
  } catch {
    return {};
  }
}

/** Records `service`'s last error (atomic rename, so a reader never sees half a file). */
export function recordLastError(root: string, service: string, error: LastError): void {
  const file = lastErrorsFile(root);
  mkdirSync(dirname(file), { recursive: true });
  const all = { ...readLastErrors(root), [service]: error };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(all, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
