/**
 * Tuning aid for the rule pack's keyword sets. Loads ONLY the tuning split (row index mod 10 in 0–6)
 * and prints the pack's figures there, plus a few misses and false alarms (truncated) to learn from.
 * It never loads held-out rows; `npm run eval:fraud-text` reports on those.
 *   tsx processors/fraud-scorer/scripts/tune-fraud-text.ts [samples-per-type]
 * Options (environment, all on the tuning split only):
 *   TUNE_SHOW=<regex>  print only the sections whose title matches (e.g. 'false|missed impersonation_acq')
 *   TUNE_WIDTH=<n>     characters of each text to print (default 110)
 *   TUNE_KW='a b c'    for each candidate keyword, how many tuning rows of each label contain it
 *                      (and, for normal rows, how many of those the pack flags), to weigh a keyword
 *   TUNE_ABLATE=1      for each text rule (sms and report twins together), the fraud rows lost and the
 *                      false alarms removed when it is left out
 */
import { builtinRuleSet, type CompiledRuleSet, classifyText, compileRuleSet } from '@fenghuo/engine';
import { type LabelledText, loadFraudText } from './fraud-text-data.ts';
import { evaluate, printTypes, ruleClassifier, summaryLine } from './fraud-text-metrics.ts';

const data = loadFraudText('tune');
if ('missing' in data) {
  console.log(`tune-fraud-text: skipped, data absent (${data.missing})`);
  process.exit(0);
}
const compiled = compileRuleSet(builtinRuleSet);
const summary = evaluate(ruleClassifier(compiled), data.rows, 'sms');
console.log(summaryLine('tuning rows, sms', summary));
printTypes(summary);

function evaluateTexts(c: CompiledRuleSet, rows: readonly LabelledText[]) {
  const verdicts = rows.map((row) => ({ row, verdict: classifyText(c, row.text) }));
  const count = (pred: (v: (typeof verdicts)[number]) => boolean) => verdicts.filter(pred).length;
  return {
    verdicts,
    overall: {
      tp: count((v) => v.row.label !== 'normal' && v.verdict.fraud),
      fp: count((v) => v.row.label === 'normal' && v.verdict.fraud),
    },
    perType: summary.perType,
  };
}
const m = evaluateTexts(compiled, data.rows);
const samples = Number(process.argv[2] ?? 5);
const width = Number(process.env.TUNE_WIDTH ?? 110);
const only = process.env.TUNE_SHOW !== undefined ? new RegExp(process.env.TUNE_SHOW) : undefined;
const candidates = (process.env.TUNE_KW ?? '').split(/\s+/).filter((w) => w.length > 0);
if (candidates.length > 0) {
  const labels = [...new Set(data.rows.map((r) => r.label))];
  console.log(
    `\nkeyword counts (rows containing it): ${labels.join(' ')} | normal rows the pack already flags`,
  );
  for (const kw of candidates) {
    const needle = kw.toLowerCase();
    const hits = m.verdicts.filter((v) => v.row.text.toLowerCase().includes(needle));
    const per = labels.map((l) => hits.filter((v) => v.row.label === l).length);
    const flagged = hits.filter((v) => v.row.label === 'normal' && v.verdict.fraud).length;
    console.log(`  ${kw.padEnd(10)} ${per.map((n) => String(n).padStart(5)).join(' ')} | ${flagged}`);
  }
}
if (process.env.TUNE_ABLATE === '1') {
  console.log('\nablation: rule  tp lost  fp removed');
  const ids = [...new Set(builtinRuleSet.rules.map((r) => r.id.replace(/-(sms|report)$/, '')))];
  for (const id of ids) {
    const rules = builtinRuleSet.rules.filter((r) => r.id.replace(/-(sms|report)$/, '') !== id);
    const a = evaluateTexts(compileRuleSet({ ...builtinRuleSet, rules }), data.rows);
    console.log(
      `  ${id.padEnd(28)} ${String(m.overall.tp - a.overall.tp).padStart(5)} ${String(m.overall.fp - a.overall.fp).padStart(5)}`,
    );
  }
}
const show = (title: string, pick: (typeof m.verdicts)[number][]) => {
  if (only !== undefined && !only.test(title)) return;
  console.log(`\n${title}: ${pick.length}`);
  for (const { row, verdict } of pick.slice(0, samples)) {
    console.log(
      `  [${row.label}#${row.index} score ${verdict.score} ${verdict.fraudType} ${verdict.rules.join(',')}] ${row.text.slice(0, width).replace(/\s+/g, ' ')}`,
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
