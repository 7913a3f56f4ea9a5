/**
 * `npm run eval:fraud-text`: precision and recall of the built-in rule pack and its text model.
 *
 * Default: the HELD-OUT rows of the labelled fraud-text data (../shared/data/fraud-text: 0-based
 * row index mod 10 in 7–9 of each file; licensed for measurement only, never trained on), each text
 * scored on two channels: as one `sms` indicator, and as the transcript of one `call`. Three
 * systems on the same texts: the rules alone (the pack without its model: model rules and the
 * fraud-act rules that back them dropped,
 * model gates taken out of the keyword rules), the model alone
 * (calibrated probability >= 0.5) and the two combined (the pack as it ships). Per type where the
 * data has the type, then, for the pack, where each label's flagged texts went ("flagged as": the
 * alert types it named, so a typed-precision miss shows which neighbouring script took it). Also the project's own development texts (processors/engine/src/text-model/
 * corpus/eval.ndjson, dev.ndjson, dev3.ndjson, dev4.ndjson, dev6.ndjson, dev7.ndjson, dev8.ndjson, dev9.ndjson, dev10.ndjson, dev11.ndjson and dev12.ndjson: every fraud type and hard negatives, SMS and calls, written
 * separately from the training texts and never trained on; the pack's weights were set on them and on the tuning rows),
 * whose hard negatives give `hardNegativeFlagRate`.
 * Data labels → FraudType: label01 → impersonation_authority, label02 → loan_scam, label03 →
 * fake_customer_service, label04 → impersonation_acquaintance; label00 is normal.
 *
 *   npm run eval:fraud-text                          # held-out rows + project texts
 *   npm run eval:fraud-text -- --split tune          # the tuning rows instead (development)
 *   npm run eval:fraud-text -- --file mine.ndjson [--as sms|call] [--errors]
 *
 * `--file` scores any NDJSON of {"text", "label": "fraud"|"normal", "type"?, "channel"?} lines with the
 * built-in pack and model, on the `--as` channel (default: each line's `channel`, else sms), and
 * reports `normalFlagRate` (and `hardNegativeFlagRate` for lines with "hard": true). A "type" that
 * is not a FraudType counts as `other`, with a warning. `--errors` (with `--file` only) also lists the
 * pack's mistakes on that file, one per line: where, the label and type, what the pack said, and
 * the start of the text. Without `--file` it prints no text: the licensed rows are never shown. Ends with one JSON line; `precision` and `recall` are the combined pack's on SMS.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FRAUD_TYPES, type FraudType } from '@fenghuo/contracts';
import {
  BUILTIN_TEXT_MODEL,
  builtinRuleSet,
  builtinTextModels,
  compileRuleSet,
  MODEL_RULE_IDS,
  projectEvalTexts,
  type TextChannel,
  withoutTextModels,
} from '@fenghuo/engine';
import { dataDir, FILES, loadFraudText, type Split } from './fraud-text-data.ts';
import {
  type Classifier,
  type EvalText,
  evaluate,
  jsonFigures,
  type Metrics,
  modelClassifier,
  printFlaggedAs,
  printTypes,
  round3,
  ruleClassifier,
  summaryLine,
} from './fraud-text-metrics.ts';

const MODEL_ALONE_THRESHOLD = 0.5;

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    as: { type: 'string' },
    split: { type: 'string', default: 'heldout' },
    errors: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}
if (values.as !== undefined && values.as !== 'sms' && values.as !== 'call') {
  console.error('--as must be sms or call');
  process.exit(2);
}
if (values.errors && values.file === undefined) {
  console.error('--errors lists the texts the pack gets wrong and works only with --file');
  process.exit(2);
}
if (values.split !== 'heldout' && values.split !== 'tune') {
  console.error('--split must be heldout or tune');
  process.exit(2);
}

const combined = compileRuleSet(builtinRuleSet);
// Rules alone: the model's rules and the rules that only back it (fraud acts) go, the model gates of
// the keyword rules are taken out.
const rulesOnly = compileRuleSet(
  withoutTextModels({
    ...builtinRuleSet,
    rules: builtinRuleSet.rules.filter((r) => !MODEL_RULE_IDS.has(r.id)),
  }),
);
const model = builtinTextModels.resolve(BUILTIN_TEXT_MODEL);
const systems: [string, Classifier][] = [
  ['rules alone', ruleClassifier(rulesOnly)],
  [`model alone (p >= ${MODEL_ALONE_THRESHOLD})`, modelClassifier(model, MODEL_ALONE_THRESHOLD)],
  ['combined (the pack)', ruleClassifier(combined)],
];
const round = round3;

console.log(
  `fraud-text evaluation of ${combined.ruleSetId} v${combined.ruleSetVersion} (${combined.rules.length} rules, ${MODEL_RULE_IDS.size} on the text model) with ${model.id} v${model.version} (sha256 ${model.sha256.slice(0, 12)}…)`,
);
console.log(
  'verdict: one indicator about a fresh resident, fraud when its score reaches notice; type = alert type',
);

function runAll(rows: readonly EvalText[], channels: readonly (TextChannel | 'own')[]) {
  const out: Record<string, Record<string, Metrics>> = {};
  for (const channel of channels) {
    out[channel] = {};
    for (const [name, classify] of systems) {
      const m = evaluate(classify, rows, channel);
      (out[channel] as Record<string, Metrics>)[name] = m;
      console.log(summaryLine(`${channel === 'own' ? '' : `${channel}: `}${name}`, m));
    }
    const c = (out[channel] as Record<string, Metrics>)['combined (the pack)'] as Metrics;
    printTypes(c);
    printFlaggedAs(c);
  }
  return out;
}

const pick = (r: Record<string, Record<string, Metrics>>, channel: string, system: string) =>
  (r[channel] as Record<string, Metrics>)[system] as Metrics;

if (values.file !== undefined) {
  const rows: EvalText[] = [];
  const lines: number[] = [];
  readFileSync(values.file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim().length === 0) return;
      const where = `${values.file}:${i + 1}`;
      let r: { text?: unknown; label?: unknown; type?: unknown; channel?: unknown; hard?: unknown };
      try {
        r = JSON.parse(line);
      } catch (e) {
        throw new Error(`${where}: not a JSON line (${(e as Error).message})`);
      }
      if (typeof r.text !== 'string' || (r.label !== 'fraud' && r.label !== 'normal')) {
        throw new Error(`${where}: needs "text" and "label": "fraud" | "normal"`);
      }
      const known = (FRAUD_TYPES as readonly unknown[]).includes(r.type);
      if (r.label === 'fraud' && r.type !== undefined && !known) {
        console.warn(`${where}: type ${JSON.stringify(r.type)} is not a FraudType; counted as other`);
      }
      const type = r.label === 'normal' ? 'normal' : known ? (r.type as FraudType) : 'other';
      lines.push(i + 1);
      rows.push({
        label: type,
        text: r.text,
        hard: r.hard === true,
        ...(r.channel === 'sms' || r.channel === 'call' ? { channel: r.channel } : {}),
      });
    });
  const channel = (values.as as TextChannel | undefined) ?? 'own';
  console.log(
    `data: ${values.file}, ${rows.length} texts, channel ${channel === 'own' ? "each line's (else sms)" : channel}`,
  );
  const r = runAll(rows, [channel]);
  const c = pick(r, channel, 'combined (the pack)');
  if (values.errors) printErrors(rows, lines, channel);
  console.log(
    JSON.stringify({
      eval: 'fraud-text',
      file: values.file,
      channel,
      ...jsonFigures(c),
      modelAlone: jsonFigures(pick(r, channel, `model alone (p >= ${MODEL_ALONE_THRESHOLD})`)),
      rulesAlone: jsonFigures(pick(r, channel, 'rules alone')),
      perType: perTypeJson(c),
    }),
  );
  process.exit(0);
}

/** The pack's mistakes on the user's own file: missed frauds, flagged normals, wrong types. */
function printErrors(rows: readonly EvalText[], lines: readonly number[], channel: TextChannel | 'own') {
  const classify = ruleClassifier(combined);
  const out: string[] = [];
  rows.forEach((row, i) => {
    const ch = channel === 'own' ? (row.channel ?? 'sms') : channel;
    const v = classify(row.text, ch);
    const isFraud = row.label !== 'normal';
    const what =
      isFraud && !v.fraud
        ? 'missed'
        : !isFraud && v.fraud
          ? `flagged as ${v.fraudType}`
          : isFraud && v.fraudType !== row.label
            ? `typed ${v.fraudType}`
            : undefined;
    if (what === undefined) return;
    const text = row.text.length > 80 ? `${row.text.slice(0, 80)}…` : row.text;
    out.push(`  ${values.file}:${lines[i]} ${ch} ${row.label}: ${what}  ${text}`);
  });
  console.log(`the pack's mistakes (${out.length}):`);
  for (const line of out) console.log(line);
}

function perTypeJson(m: Metrics) {
  return Object.fromEntries(
    Object.entries(m.perType).map(([t, x]) => [
      t,
      {
        n: x.n,
        recall: round(x.detectionRecall),
        precision: round(x.detectionPrecision),
        typedPrecision: round(x.typedPrecision),
        typedRecall: round(x.typedRecall),
      },
    ]),
  );
}

const split = values.split as Split;
const data = loadFraudText(split);
const project: EvalText[] = projectEvalTexts().map((t) => ({
  label: t.label === 'fraud' ? (t.type ?? 'other') : 'normal',
  text: t.text,
  hard: t.hard === true,
  channel: t.channel,
}));

let labelled: Record<string, Record<string, Metrics>> | undefined;
if ('missing' in data) {
  console.log(`labelled data absent (${data.missing}): only the project's own texts are scored.`);
} else {
  console.log(
    `\n== labelled data: ${dataDir()} — ${split === 'heldout' ? 'held-out rows only (index mod 10 in 7..9)' : 'TUNING rows (index mod 10 in 0..6)'}`,
  );
  for (const f of FILES) console.log(`   ${f.file}: ${f.dataLabel} → ${f.label}`);
  const started = performance.now();
  labelled = runAll(data.rows, ['sms', 'call']);
  console.log(
    `   (${data.rows.length} texts × 2 channels × 3 systems in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}
console.log(
  '\n== project development texts (corpus/eval.ndjson + dev.ndjson + dev3.ndjson + dev4.ndjson + dev6.ndjson + dev7.ndjson + dev8.ndjson + dev9.ndjson + dev10.ndjson + dev11.ndjson + dev12.ndjson; written for this project, never trained on), each on its own channel',
);
const own = runAll(project, ['own']);
const projectHard = pick(own, 'own', 'combined (the pack)');
console.log(
  'det.P = precision of "fraud" on this type plus all normal texts; typed = predicted type must match',
);

const C = 'combined (the pack)';
const M = `model alone (p >= ${MODEL_ALONE_THRESHOLD})`;
const R = 'rules alone';
const line: Record<string, unknown> = { eval: 'fraud-text', split };
if (labelled !== undefined) {
  const sms = pick(labelled, 'sms', C);
  Object.assign(line, {
    n: sms.n,
    precision: round(sms.precision),
    recall: round(sms.recall),
    hardNegativeFlagRate: round(projectHard.hardNegativeFlagRate),
    perType: perTypeJson(sms),
    call: { ...jsonFigures(pick(labelled, 'call', C)), perType: perTypeJson(pick(labelled, 'call', C)) },
    modelAlone: { sms: jsonFigures(pick(labelled, 'sms', M)), call: jsonFigures(pick(labelled, 'call', M)) },
    rulesAlone: { sms: jsonFigures(pick(labelled, 'sms', R)), call: jsonFigures(pick(labelled, 'call', R)) },
  });
} else {
  Object.assign(line, { skipped: true, hardNegativeFlagRate: round(projectHard.hardNegativeFlagRate) });
}
line.project = {
  ...jsonFigures(projectHard),
  modelAlone: jsonFigures(pick(own, 'own', M)),
  rulesAlone: jsonFigures(pick(own, 'own', R)),
  perType: perTypeJson(projectHard),
};
console.log(JSON.stringify(line));
