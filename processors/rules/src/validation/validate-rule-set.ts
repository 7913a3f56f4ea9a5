/**
 * Validation of a rule set of any kind: the contracts' codec first (the kind picks the schema, so a
 * new kind is validated as soon as it joins the `RuleSet` union), then the kind's own semantic
 * checks where the service knows them (fraud; complaint risk, by the engine that runs it; a kind
 * without any is checked by its schema).
 * Every problem comes back with its path into the content and a reason, for a 400.
 */
import { Codecs, type FieldError, type RuleSet, type RuleSetKind } from '@fenghuo/contracts';
import { complaintRiskProblems } from '@fenghuo/engine';
import { fraudSemantics, type SemanticReport } from './fraud-semantics.ts';

export type RuleSetValidation =
  | { readonly ok: true; readonly ruleSet: RuleSet; readonly warnings: FieldError[] }
  | { readonly ok: false; readonly problems: FieldError[]; readonly warnings: FieldError[] };

type SemanticChecks = {
  readonly [K in RuleSetKind]?: (ruleSet: Extract<RuleSet, { kind: K }>) => SemanticReport;
};

/** The semantic checks of each kind the service knows; other kinds are checked by schema only. */
export const SEMANTIC_CHECKS: SemanticChecks = {
  fraud: fraudSemantics,
  complaint_risk: (rs) => ({ problems: complaintRiskProblems(rs), warnings: [] }),
};

/** Most problems reported for one content. */
const MAX_PROBLEMS = 100;

function semanticsOf(ruleSet: RuleSet): SemanticReport {
  const check = SEMANTIC_CHECKS[ruleSet.kind] as ((rs: RuleSet) => SemanticReport) | undefined;
  return check === undefined ? { problems: [], warnings: [] } : check(ruleSet);
}

/** Schema and semantics; `prefix` is prepended to every path (e.g. `content`). */
export function validateRuleSet(value: unknown, prefix = ''): RuleSetValidation {
  const at = (path: string) => (prefix === '' ? path : path === '' ? prefix : `${prefix}.${path}`);
  const schema = Codecs.RuleSet.validate(value, MAX_PROBLEMS);
  if (!schema.ok) {
    return {
      ok: false,
      problems: schema.errors.map((e) => ({ path: at(e.path), reason: e.message })),
      warnings: [],
    };
  }
  const { problems, warnings } = semanticsOf(schema.value);
  const move = (list: FieldError[]) => list.slice(0, MAX_PROBLEMS).map((p) => ({ ...p, path: at(p.path) }));
  if (problems.length > 0) return { ok: false, problems: move(problems), warnings: move(warnings) };
  return { ok: true, ruleSet: schema.value, warnings: move(warnings) };
}
