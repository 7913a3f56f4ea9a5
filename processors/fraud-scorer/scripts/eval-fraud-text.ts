/**
 * `npm run eval:fraud-text`: precision and recall of the built-in rule pack on the HELD-OUT rows of
 * the labelled fraud-text data (0-based row index mod 10 in 7–9 of each file; tuning used only 0–6).
 *
 * Each text is one `sms` indicator about a fresh subject, scored alone. "Fraud" means the score
 * reaches the pack's notice level (an alert would be raised); the predicted type is the alert's
 * fraud type. Data labels → FraudType: label01 → impersonation_authority, label02 → loan_scam,
 * label03 → fake_customer_service, label04 → impersonation_acquaintance; label00 is normal.
 * Prints no text. Ends with one JSON line holding overall `precision` and `recall`.
 */
import { builtinRuleSet, compileRuleSet } from '@fenghuo/engine';
import { dataDir, FILES, loadFraudText } from './fraud-text-data.ts';
import { evaluateTexts, printMetrics } from './fraud-text-metrics.ts';

const data = loadFraudText('heldout');
if ('missing' in data) {
  console.log(`eval:fraud-text skipped: labelled data absent (${data.missing}).`);
  console.log(JSON.stringify({ eval: 'fraud-text', skipped: true, reason: data.missing }));
  process.exit(0);
}
const compiled = compileRuleSet(builtinRuleSet);
const started = performance.now();
const m = evaluateTexts(compiled, data.rows);
const ms = performance.now() - started;

console.log(
  `fraud-text evaluation of ${compiled.ruleSetId} v${compiled.ruleSetVersion} (${compiled.rules.length} rules)`,
);
console.log(`data: ${dataDir()} — held-out rows only (index mod 10 in 7..9)`);
for (const f of FILES) console.log(`  ${f.file}: ${f.dataLabel} → ${f.label}`);
console.log('verdict: text as one sms indicator, fraud when score >= notice level; type = alert fraud type');
console.log(`scored ${data.rows.length} texts in ${ms.toFixed(0)} ms`);
printMetrics(m);
console.log(
  'det.P = precision of "fraud" on this type plus all normal rows; typed = predicted type must match',
);

const perType = Object.fromEntries(
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
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
console.log(
  JSON.stringify({
    eval: 'fraud-text',
    split: 'heldout',
    n: m.overall.n,
    perType,
    precision: round(m.overall.precision),
    recall: round(m.overall.recall),
  }),
);
