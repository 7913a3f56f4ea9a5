/**
 * `npm run train:fraud-text`: trains the fraud text model and writes its file.
 *
 * Without `--file`, it trains the built-in model on the project's own texts (the scripts and
 * ordinary texts in processors/engine/src/text-model/corpus/, expanded deterministically) and writes
 * processors/engine/src/text-model/models/fraud-text-zh.v<N>.json plus builtin-model.json (id,
 * version, SHA-256), which the built-in rule pack references. Same texts → same bytes.
 *
 *   npm run train:fraud-text                                   # the built-in model
 *   npm run train:fraud-text -- --check                        # retrain, compare with the shipped file
 *   npm run train:fraud-text -- --file mine.ndjson --out models/fraud-text-city.v1.json --id fraud-text-city
 *   npm run train:fraud-text -- --file mine.ndjson --with-builtin --out …   # own texts + the project's
 *   npm run train:fraud-text -- --dump corpus.ndjson            # write the expanded project texts
 *
 * NDJSON lines: {"text": "…", "label": "fraud" | "normal", "type"?: FraudType, "channel"?: "sms" | "call"}
 * (fraud lines need a type). Never train on data licensed for measurement only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FRAUD_TYPES, type FraudType } from '@fenghuo/contracts';
import { composeCorpus } from '../src/text-model/corpus/compose.ts';
import { serializeModel, sha256Hex } from '../src/text-model/model-file.ts';
import { modelFileName } from '../src/text-model/registry.ts';
import { type TrainingText, trainTextModel } from '../src/text-model/train.ts';

const BUILTIN_ID = 'fraud-text-zh';
/** Bump when the built-in corpus or settings change the model. */
const BUILTIN_VERSION = 5;
const here = dirname(fileURLToPath(import.meta.url));
const modelsDir = resolve(here, '../src/text-model/models');

const { values } = parseArgs({
  options: {
    file: { type: 'string', multiple: true },
    'with-builtin': { type: 'boolean', default: false },
    out: { type: 'string' },
    id: { type: 'string' },
    version: { type: 'string' },
    check: { type: 'boolean', default: false },
    dump: { type: 'string' },
    trace: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}

function readNdjson(path: string): TrainingText[] {
  const out: TrainingText[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim().length === 0) return;
      const where = `${path}:${i + 1}`;
      let row: { text?: unknown; label?: unknown; type?: unknown; channel?: unknown };
      try {
        row = JSON.parse(line);
      } catch {
        throw new Error(`${where}: not JSON`);
      }
      if (typeof row.text !== 'string' || row.text.length === 0) throw new Error(`${where}: no text`);
      if (row.label !== 'fraud' && row.label !== 'normal')
        throw new Error(`${where}: label must be fraud or normal`);
      if (row.label === 'fraud' && !(FRAUD_TYPES as readonly unknown[]).includes(row.type)) {
        throw new Error(`${where}: a fraud line needs a type, one of ${FRAUD_TYPES.join(', ')}`);
      }
      out.push({
        text: row.text,
        label: row.label,
        ...(row.label === 'fraud' ? { type: row.type as FraudType } : {}),
        ...(typeof row.channel === 'string' ? { channel: row.channel } : {}),
      });
    });
  return out;
}

const builtin = () => composeCorpus();

if (values.dump !== undefined) {
  const lines = builtin().map((t) => JSON.stringify(t));
  writeFileSync(values.dump, `${lines.join('\n')}\n`);
  console.log(`wrote ${lines.length} texts to ${values.dump}`);
  process.exit(0);
}

const own = (values.file ?? []).flatMap(readNdjson);
const isBuiltin = own.length === 0;
const texts: TrainingText[] = isBuiltin ? builtin() : values['with-builtin'] ? [...own, ...builtin()] : own;
const id = values.id ?? (isBuiltin ? BUILTIN_ID : 'fraud-text-custom');
const version = Number(values.version ?? (isBuiltin ? BUILTIN_VERSION : 1));
const builtinOut = resolve(modelsDir, modelFileName(id, version));
const out = values.out === undefined ? builtinOut : resolve(values.out);
const started = performance.now();
const model = trainTextModel(texts, {
  id,
  version,
  description: isBuiltin
    ? "Built-in fraud text model: character 1-3-gram logistic regression trained on the project's own texts (scam scripts written from public police and news descriptions, and ordinary look-alike texts)."
    : `Fraud text model trained on ${values.file?.join(', ')}${values['with-builtin'] ? " and the project's own texts" : ''}.`,
  log: (line) => console.log(`  ${line}`),
  trace: values.trace,
});
const bytes = serializeModel(model);
const sha256 = sha256Hex(bytes);
const secs = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `trained ${id} v${version} on ${texts.length} texts in ${secs} s: ${bytes.length.toLocaleString('en-US')} bytes, sha256 ${sha256}`,
);
if (values.check) {
  const shipped = readFileSync(out, 'utf8');
  const same = shipped === bytes;
  console.log(same ? `same bytes as ${out}` : `DIFFERS from ${out} (sha256 ${sha256Hex(shipped)})`);
  process.exit(same ? 0 : 1);
}
writeFileSync(out, bytes);
console.log(`wrote ${out}`);
if (isBuiltin && out === builtinOut) {
  const ref = resolve(modelsDir, 'builtin-model.json');
  writeFileSync(ref, `${JSON.stringify({ id, version, sha256 }, null, 2)}\n`);
  console.log(`wrote ${ref}`);
}
