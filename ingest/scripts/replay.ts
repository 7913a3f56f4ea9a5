/**
 * `npm run replay -- FILE --kind KIND [options]`: send an NDJSON or CSV file through ingest.
 * Run with `--help` for usage.
 */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EVENT_KINDS, isEventKind } from '../src/kinds.ts';
import { type FileFormat, formatOf, readRecords } from '../src/replay/read-records.ts';
import { parseMapping } from '../src/replay/record-mapping.ts';
import { ReplayError, type ReplaySummary, replay } from '../src/replay/replay.ts';

const USAGE = `Usage: npm run replay -- FILE --kind KIND [options]

Sends every record of an NDJSON or CSV file through ingest (same contracts, same validation,
duplicates dropped by event id), paced, with a progress bar and a summary.

Required:
  FILE                  .ndjson/.jsonl (one event per line) or .csv (header row)
  --kind KIND           ${EVENT_KINDS.join(' | ')}

Mapping (CSV, or NDJSON that is not already in contract shape):
  --map f=Col,...       event field (dotted path; lat/lon mean location.lat/lon) from column Col
  --set f=value,...     constant fields, e.g. channel=replay,category=other
  --values f=a:b,...    translate codes of a field, e.g. priority=0:1,9:4 ('*:x' for the rest)
  --utc-offset=±HH:MM   offset for times without one (default Z; write it with '=')
  Values are converted to the type the contract declares; eventId defaults to <file>-<record>,
  so replaying a file twice writes nothing new.

Sending:
  --url URL             ingest base URL (default $INGEST_URL or http://127.0.0.1:8081)
  --key KEY             API key (default $INGEST_KEY)
  --rate N              events per second (default 2000)
  --batch N             events per request (default 500)
  --limit N             stop after N records
  --dry-run             map and validate only
  --quiet               no progress bar
  -h, --help

Example (San Diego PD calls for service):
  npm run replay -- ../shared/data/calls-for-service/sdpd_calls_2023-01-18_to_25_geocoded.csv \\
    --kind incidents --rate 2000 \\
    --map eventId=incident_num,incidentId=incident_num,externalRef=incident_num,occurredAt=date_time,lat=lat,lon=lng,address=Address,priority=priority \\
    --set channel=replay,category=other --values priority=0:1,5:4,6:4,7:4,8:4,9:4 --utc-offset=-08:00
`;

function bar(s: ReplaySummary, total: number | undefined): string {
  const rate = s.seconds > 0 ? Math.round(s.sent / s.seconds) : 0;
  const counts = `${s.read}${total ? `/${total}` : ''} read  ${s.accepted} accepted  ${s.duplicates} dup  ${s.rejected} rejected  ${rate} ev/s`;
  if (!total) return counts;
  const width = 30;
  const filled = Math.round((Math.min(s.read, total) / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor((100 * s.read) / total)).padStart(3)}%  ${counts}`;
}

async function countRecords(
  file: string,
  format: FileFormat,
  limit: number | undefined,
): Promise<number | undefined> {
  if (statSync(file).size > 200 * 1024 * 1024) return limit;
  let n = 0;
  for await (const _ of readRecords(file, format)) n += 1;
  return limit === undefined ? n : Math.min(n, limit);
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new ReplayError(`--${name} must be a positive number, got "${raw}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      kind: { type: 'string' },
      map: { type: 'string', multiple: true },
      set: { type: 'string', multiple: true },
      values: { type: 'string', multiple: true },
      'utc-offset': { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
      rate: { type: 'string' },
      batch: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string' },
      'dry-run': { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new ReplayError(`expected one FILE\n\n${USAGE}`);
  if (!existsSync(file)) throw new ReplayError(`no such file: ${file}`);
  const kind = values.kind ?? '';
  if (!isEventKind(kind)) throw new ReplayError(`--kind must be one of ${EVENT_KINDS.join(', ')}`);
  const format = (values.format ?? formatOf(file)) as FileFormat | undefined;
  if (format !== 'csv' && format !== 'ndjson')
    throw new ReplayError('cannot tell the format; pass --format csv|ndjson');
  const key = values.key ?? process.env.INGEST_KEY ?? '';
  if (key === '' && !values['dry-run'])
    throw new ReplayError('an API key is needed: --key KEY or INGEST_KEY');
  const limit = values.limit === undefined ? undefined : Math.floor(positive('limit', values.limit, 1));
  const batchSize = Math.floor(positive('batch', values.batch, 500));
  const ratePerSec = positive('rate', values.rate, 2000);
  const mapping = parseMapping({
    ...(values.map ? { map: values.map } : {}),
    ...(values.set ? { set: values.set } : {}),
    ...(values.values ? { values: values.values } : {}),
    ...(values['utc-offset'] ? { utcOffset: values['utc-offset'] } : {}),
  });

  const total = await countRecords(file, format, limit);
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  const summary = await replay({
    file,
    kind,
    format,
    mapping,
    url: (values.url ?? process.env.INGEST_URL ?? 'http://127.0.0.1:8081').replace(/\/$/, ''),
    key,
    ratePerSec,
    batchSize,
    ...(limit === undefined ? {} : { limit }),
    dryRun: values['dry-run'] ?? false,
    onProgress: (s) => {
      if (values.quiet) return;
      if (tty) process.stderr.write(`\r${bar(s, total)}`);
      else {
        const decile = total ? Math.floor((10 * s.read) / total) : -1;
        if (decile !== lastDecile) {
          lastDecile = decile;
          process.stderr.write(`${bar(s, total)}\n`);
        }
      }
    },
  });
  if (tty && !values.quiet) process.stderr.write('\n');

  const rate = summary.seconds > 0 ? Math.round(summary.sent / summary.seconds) : 0;
  console.log(
    `replay ${file} as ${kind}${values['dry-run'] ? ' (dry run)' : ''}: read ${summary.read}, sent ${summary.sent} ` +
      `(accepted ${summary.accepted}, duplicate ${summary.duplicates}), rejected ${summary.rejected}, ` +
      `${summary.seconds.toFixed(1)} s, ${rate} events/s`,
  );
  if (summary.rejected > 0) {
    console.log('rejections by reason:');
    for (const [reason, n] of [...summary.reasons].sort((a, b) => b[1] - a[1]).slice(0, 10))
      console.log(`  ${String(n).padStart(6)}  ${reason}`);
    console.log('first rejected records:');
    for (const line of summary.examples) console.log(`  ${line}`);
  }
  console.log(
    JSON.stringify({
      replay: file,
      kind,
      read: summary.read,
      sent: summary.sent,
      accepted: summary.accepted,
      duplicates: summary.duplicates,
      rejected: summary.rejected,
      seconds: Number(summary.seconds.toFixed(2)),
      eventsPerSec: rate,
    }),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const known =
      err instanceof ReplayError ||
      (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
    console.error(known ? `error: ${(err as Error).message}` : err);
    process.exitCode = 1;
  },
);
