/**
 * `npm run bench:contracts`: validated events per second on one core, for the validator the
 * contracts use (compiled TypeBox) and for the candidates it was chosen against (Ajv compiled from
 * the exported JSON Schema; TypeBox's uncompiled Value.Check). Prints the ratio to Ajv, which travels
 * between machines where absolute rates do not, and ends with one JSON line (`vsAjv` included).
 */
import { cpus } from 'node:os';
import { Value } from '@sinclair/typebox/value';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Codecs } from '../src/catalogue.ts';
import { isDateTime } from '../src/codec.ts';
import { fraudIndicatorExamples } from '../src/examples.ts';
import { renderJsonSchemas } from '../src/json-schema.ts';

const ROUNDS = 7;
const PER_ROUND = 200_000;

if (process.argv.includes('--help')) {
  console.log(`Usage: npm run bench:contracts

Validates ${PER_ROUND.toLocaleString()} small FraudIndicator events (all five kinds) per round, ${ROUNDS} rounds,
with each candidate validator; prints the median events/s and ends with a JSON line.`);
  process.exit(0);
}

// Distinct objects so no validator benefits from a single hot shape.
const events = Array.from({ length: 10_000 }, (_, i) => {
  const base = fraudIndicatorExamples[i % fraudIndicatorExamples.length]!;
  return { ...base, eventId: `bench-${i}`, subjectId: `res-${i % 997}` };
});
const encoded = events.map((e) => Buffer.from(JSON.stringify(e)));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(name: string, fn: (i: number) => boolean): number {
  for (let i = 0; i < 20_000; i++) if (!fn(i)) throw new Error(`${name}: example ${i} failed validation`);
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    let ok = 0;
    for (let i = 0; i < PER_ROUND; i++) if (fn(i)) ok++;
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    if (ok !== PER_ROUND) throw new Error(`${name}: ${PER_ROUND - ok} valid events rejected`);
    rates.push(PER_ROUND / secs);
  }
  const rate = median(rates);
  console.log(
    `${name.padEnd(44)} ${Math.round(rate).toLocaleString().padStart(12)} events/s (median of ${ROUNDS})`,
  );
  return rate;
}

const n = events.length;
const codec = Codecs.FraudIndicator;
console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`);

const typebox = measure(
  'TypeBox compiled (contracts codec.validate)',
  (i) => codec.validate(events[i % n]).ok,
);
const decode = measure('TypeBox compiled, JSON bytes → decode', (i) => codec.decode(encoded[i % n]!).ok);

const ajv = new Ajv2020({ strict: false });
ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
const ajvValidate = ajv.compile(JSON.parse(renderJsonSchemas().get('FraudIndicator.json')!) as object);
const ajvRate = measure(
  'Ajv 2020 compiled from exported JSON Schema',
  (i) => ajvValidate(events[i % n]) as boolean,
);
const valueRate = measure('TypeBox Value.Check (not compiled)', (i) =>
  Value.Check(codec.schema, events[i % n]),
);
console.log(
  `compiled TypeBox / Ajv = ${(typebox / ajvRate).toFixed(2)} (vsAjv; Ajv is the baseline that is not our code)`,
);

console.log(
  JSON.stringify({
    bench: 'contracts',
    eventsPerSec: Math.round(typebox),
    decodeEventsPerSec: Math.round(decode),
    ajvEventsPerSec: Math.round(ajvRate),
    vsAjv: Number((typebox / ajvRate).toFixed(2)),
    typeboxUncompiledEventsPerSec: Math.round(valueRate),
  }),
);
