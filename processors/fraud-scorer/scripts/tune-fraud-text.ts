/**
 * Tuning aid for the rule pack's keyword sets. Loads ONLY the tuning split (row index mod 10 in 0–6)
 * and prints the pack's figures there, plus a few misses and false alarms (truncated) to learn from.
 * It never loads held-out rows; `npm run eval:fraud-text` reports on those.
 *   tsx processors/fraud-scorer/scripts/tune-fraud-text.ts [samples-per-type]
 */
import { compileRuleSet } from '../src/engine/compile.ts';
import { builtinRuleSet } from '../src/rule-pack/builtin-pack.ts';
import { loadFraudText } from './fraud-text-data.ts';
import { evaluateTexts, printMetrics } from './fraud-text-metrics.ts';

const data = loadFraudText('tune');
if ('missing' in data) {
  console.log(`tune-fraud-text: skipped, data absent (${data.missing})`);
  process.exit(0);
}
const m = evaluateTexts(compileRuleSet(builtinRuleSet), data.rows);
printMetrics(m);
const samples = Number(process.argv[2] ?? 5);
const show = (title: string, pick: (typeof m.verdicts)[number][]) => {
  console.log(`\n${title}: ${pick.length}`);
  for (const { row, verdict } of pick.slice(0, samples)) {
    console.log(
      `  [${row.label}#${row.index} score ${verdict.score} ${verdict.fraudType} ${verdict.rules.join(',')}] ${row.text.slice(0, 110).replace(/\s+/g, ' ')}`,
    );
  }
};
show(
  'false alarms (normal flagged)',
  m.verdicts.filter((v) => v.row.label === 'normal' && v.verdict.fraud),
);
for (const t of Object.keys(m.perType)) {
  show(
    `missed ${t}`,
    m.verdicts.filter((v) => v.row.label === t && !v.verdict.fraud),
  );
  show(
    `mistyped ${t}`,
    m.verdicts.filter((v) => v.row.label === t && v.verdict.fraud && v.verdict.fraudType !== t),
  );
}
