/**
 * Sends events to ingest as its sources do: `POST /v1/<kind>` with the source's API key, a JSON
 * array per request. 429 and 503 (and a refused connection) are retried with back-off, the same
 * event ids each time, so ingest's dedupe makes a retry safe; any other refusal stops the run.
 */
import { readFileSync } from 'node:fs';
import type { FraudIndicator, IncidentReport, VehicleSighting } from '@fenghuo/contracts';
import { FenghuoError } from '@fenghuo/kit/errors';

export type SimKind = 'fraud-indicators' | 'incidents' | 'sightings';

/** One event the simulator sends to ingest. */
export type SimEvent = FraudIndicator | IncidentReport | VehicleSighting;

export class SimulatorError extends FenghuoError {
  constructor(message: string, code: string, retriable = false) {
    super(message, { code, retriable });
  }
}

/** Which demo source reports each kind of event (ingest's DEMO_SOURCES). */
export function sourceFor(kind: SimKind, event: SimEvent): string {
  if (kind === 'incidents') return 'demo-110';
  if (kind === 'sightings') return 'demo-cameras';
  const indicator = event as FraudIndicator;
  switch (indicator.kind) {
    case 'transfer':
      return 'demo-bank';
    case 'call':
    case 'sms':
      return 'demo-telecom';
    default:
      return 'demo-antifraud-app';
  }
}

/** The demo keys file ingest writes: `{sources: {name: {key, kinds}}}`. */
export function readDemoKeys(file: string): Map<string, string> {
  let parsed: { sources?: Record<string, { key?: string }> };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new SimulatorError(
      `cannot read ingest's demo keys at ${file} (${(err as Error).message}); start ingest with INGEST_DEMO=1 (npm start does) or set SIM_KEYS_FILE`,
      'SIM_NO_KEYS',
    );
  }
  const keys = new Map<string, string>();
  for (const [source, entry] of Object.entries(parsed.sources ?? {})) {
    if (typeof entry.key === 'string') keys.set(source, entry.key);
  }
  return keys;
}

export interface SendResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly retries: number;
}

export interface IngestClientOptions {
  readonly baseUrl: string;
  readonly keys: ReadonlyMap<string, string>;
  /** @defaultValue `8` */
  readonly maxRetries?: number;
}

const PATH: Readonly<Record<SimKind, string>> = {
  'fraud-indicators': '/v1/fraud-indicators',
  incidents: '/v1/incidents',
  sightings: '/v1/sightings',
};

export class IngestClient {
  constructor(private readonly opts: IngestClientOptions) {}

  private keyOf(source: string): string {
    const key = this.opts.keys.get(source) ?? this.opts.keys.get('demo-replay');
    if (key === undefined) throw new SimulatorError(`no API key for source ${source}`, 'SIM_NO_KEYS');
    return key;
  }

  async send(kind: SimKind, source: string, events: readonly unknown[]): Promise<SendResult> {
    const body = JSON.stringify(events);
    const key = this.keyOf(source);
    const maxRetries = this.opts.maxRetries ?? 8;
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs = Math.min(5_000, 100 * 2 ** attempt);
      try {
        const res = await fetch(`${this.opts.baseUrl}${PATH[kind]}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        if (res.status === 202) {
          const r = JSON.parse(text) as { accepted: number; duplicates: number };
          return { accepted: r.accepted, duplicates: r.duplicates, retries: attempt };
        }
        if (res.status !== 429 && res.status !== 503) {
          throw new SimulatorError(
            `ingest refused ${events.length} ${kind} from ${source}: ${res.status} ${text.slice(0, 500)}`,
            'SIM_REFUSED',
          );
        }
        const after = Number(res.headers.get('retry-after'));
        if (Number.isFinite(after) && after > 0) retryAfterMs = after * 1000;
      } catch (err) {
        if (err instanceof SimulatorError) throw err;
        // connection refused or timed out: retried below
      }
      if (attempt >= maxRetries) {
        throw new SimulatorError(
          `ingest at ${this.opts.baseUrl} did not take ${kind} after ${maxRetries} retries`,
          'SIM_INGEST_UNAVAILABLE',
          true,
        );
      }
      await new Promise((r) => setTimeout(r, retryAfterMs));
    }
  }
}
