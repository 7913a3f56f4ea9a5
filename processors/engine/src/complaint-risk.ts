/**
 * Complaint risk: the rule language run over a resolved incident's case instead of a resident's
 * indicators. A {@link ComplaintRiskSet} compiles once into closures (conditions over the case's
 * fields, the same operators as the fraud rules' field conditions); {@link CompiledComplaintRisk.assess}
 * sums the weights of the rules that hold into a score, a level and the reasons, in rule order.
 * Pure: the caller computes the case (e.g. `repeatCalls` from its own history of calls).
 */
import type {
  CaseCondition,
  CaseFieldCondition,
  ComplaintCaseField,
  ComplaintRiskLevel,
  ComplaintRiskSet,
} from '@fenghuo/contracts';
import { RuleCompileError } from './errors.ts';

/** What complaint-risk rules read about a resolved incident. */
export interface ComplaintCase {
  readonly category?: string;
  readonly outcome?: string;
  readonly satisfaction?: string;
  /** Other incidents reported from the same address within the rule set's window. */
  readonly repeatCalls: number;
  readonly priority?: number;
}

export interface ComplaintReason {
  readonly ruleId: string;
  readonly weight: number;
  /** The rule's reason with its placeholders filled in. */
  readonly text: string;
}

export interface ComplaintAssessment {
  readonly score: number;
  readonly level: ComplaintRiskLevel;
  /** Whether the level reaches the set's `followUpAt`. */
  readonly followUp: boolean;
  readonly reasons: readonly ComplaintReason[];
}

export interface CompiledComplaintRisk {
  readonly ruleSetId: string;
  readonly ruleSetVersion: number;
  readonly repeatWindowDays: number;
  assess(c: ComplaintCase): ComplaintAssessment;
}

type CasePredicate = (c: ComplaintCase) => boolean;

const RANK: Readonly<Record<ComplaintRiskLevel, number>> = { low: 0, medium: 1, high: 2 };

function value(c: ComplaintCase, field: ComplaintCaseField): unknown {
  return c[field];
}

function compileField(cond: CaseFieldCondition): CasePredicate {
  const f = cond.field;
  switch (cond.op) {
    case 'eq':
      return (c) => value(c, f) === cond.value;
    case 'neq':
      return (c) => {
        const v = value(c, f);
        return v !== undefined && v !== cond.value;
      };
    case 'in':
    case 'nin': {
      const set = new Set<unknown>(cond.values);
      const want = cond.op === 'in';
      return (c) => {
        const v = value(c, f);
        return v !== undefined && set.has(v) === want;
      };
    }
    case 'gt':
      return (c) => {
        const v = value(c, f);
        return typeof v === 'number' && v > cond.value;
      };
    case 'gte':
      return (c) => {
        const v = value(c, f);
        return typeof v === 'number' && v >= cond.value;
      };
    case 'lt':
      return (c) => {
        const v = value(c, f);
        return typeof v === 'number' && v < cond.value;
      };
    case 'lte':
      return (c) => {
        const v = value(c, f);
        return typeof v === 'number' && v <= cond.value;
      };
    case 'exists':
      return (c) => value(c, f) !== undefined;
    default: {
      const never: never = cond;
      throw new RuleCompileError(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}

function compileCondition(cond: CaseCondition): CasePredicate {
  if (cond.op === 'any') {
    const parts = cond.of.map(compileField);
    return (c) => parts.some((p) => p(c));
  }
  return compileField(cond);
}

const PLACEHOLDER = /\{(repeatCalls|windowDays|category|outcome|satisfaction)\}/g;

function fill(template: string, c: ComplaintCase, windowDays: number): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const v =
      name === 'windowDays'
        ? windowDays
        : (c as unknown as Record<string, string | number | undefined>)[name];
    return v === undefined ? '' : String(v).replaceAll('_', ' ');
  });
}

/** Problems that stop a complaint-risk set from compiling (the rules service reports them too). */
export function complaintRiskProblems(set: ComplaintRiskSet): { path: string; reason: string }[] {
  const problems: { path: string; reason: string }[] = [];
  if (set.thresholds.high < set.thresholds.medium)
    problems.push({ path: 'thresholds.high', reason: 'below thresholds.medium' });
  const seen = new Set<string>();
  set.rules.forEach((r, i) => {
    if (seen.has(r.id)) problems.push({ path: `rules.${i}.id`, reason: `duplicate rule id ${r.id}` });
    seen.add(r.id);
  });
  if (!set.rules.some((r) => r.enabled !== false && r.weight > 0))
    problems.push({ path: 'rules', reason: 'no enabled rule adds to the score' });
  return problems;
}

/** Compiles a complaint-risk set; throws {@link RuleCompileError} on a set that cannot run. */
export function compileComplaintRisk(set: ComplaintRiskSet): CompiledComplaintRisk {
  const problems = complaintRiskProblems(set);
  if (problems.length > 0) {
    const first = problems[0] as { path: string; reason: string };
    throw new RuleCompileError(`complaint-risk set ${set.ruleSetId}: ${first.path}: ${first.reason}`);
  }
  const rules = set.rules
    .filter((r) => r.enabled !== false)
    .map((r) => {
      const preds = r.when.map(compileCondition);
      return { rule: r, holds: (c: ComplaintCase) => preds.every((p) => p(c)) };
    });
  const windowDays = set.repeatWindowDays;
  return {
    ruleSetId: set.ruleSetId,
    ruleSetVersion: set.ruleSetVersion,
    repeatWindowDays: windowDays,
    assess(c) {
      const reasons: ComplaintReason[] = [];
      let score = 0;
      for (const { rule, holds } of rules) {
        if (!holds(c)) continue;
        score += rule.weight;
        reasons.push({ ruleId: rule.id, weight: rule.weight, text: fill(rule.reason, c, windowDays) });
      }
      const level: ComplaintRiskLevel =
        score >= set.thresholds.high ? 'high' : score >= set.thresholds.medium ? 'medium' : 'low';
      return { score, level, followUp: RANK[level] >= RANK[set.followUpAt], reasons };
    },
  };
}
