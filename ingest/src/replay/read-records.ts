/** Streams the records of an NDJSON or CSV file (CSV with a header row; quoted fields may hold newlines). */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

export type FileFormat = 'csv' | 'ndjson';

export function formatOf(file: string): FileFormat | undefined {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(ndjson|jsonl|json)$/i.test(file)) return 'ndjson';
  return undefined;
}

export interface FileRecord {
  /** 1-based line (NDJSON) or record (CSV, header excluded) number. */
  readonly n: number;
  readonly value: Record<string, unknown> | undefined;
  /** Why the record could not be read (bad JSON line). */
  readonly error?: string;
}

export async function* readRecords(file: string, format: FileFormat): AsyncGenerator<FileRecord> {
  if (format === 'csv') {
    const parser = createReadStream(file).pipe(
      parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: false }),
    );
    let n = 0;
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      n += 1;
      yield { n, value: row };
    }
    return;
  }
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        yield { n, value: value as Record<string, unknown> };
      } else yield { n, value: undefined, error: 'line is not a JSON object' };
    } catch (err) {
      yield { n, value: undefined, error: `not valid JSON: ${(err as Error).message}` };
    }
  }
}
