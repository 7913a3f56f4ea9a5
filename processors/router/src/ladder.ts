/**
 * The escalation ladder in force: the built-in one (rungs below, deadlines from
 * `ROUTER_ACK_DEADLINES_SEC`) until a newer version of the configured ladder id arrives on
 * `rules.sets`. A published ladder must cover what the router dispatches (the `alert`, `incident`
 * and `interception` ladders, the `p1`…`p4` and alert-level classes); one that does not is ignored
 * and the one in force stays. Other categories and classes (complaint follow-ups, legal clocks) are
 * kept as published for the services that use them.
 */
import type { EscalationLadderSet, LadderRung, RuleSet } from '@fenghuo/contracts';
import type { MatterCategory } from './model.ts';

export const ROUTER_CATEGORIES: readonly MatterCategory[] = ['alert', 'incident', 'interception'];
export const ROUTER_CLASSES: readonly string[] = ['p1', 'p2', 'p3', 'p4', 'notice', 'warning', 'urgent'];

/** Officer → duty desk → nearest patrol → district → city for fraud warnings; patrols first for incidents. */
export const BUILTIN_RUNGS: Readonly<Record<MatterCategory, readonly LadderRung[]>> = {
  alert: [
    { rung: 'officer' },
    { rung: 'duty_desk' },
    { rung: 'patrol' },
    { rung: 'district' },
    { rung: 'city' },
  ],
  incident: [{ rung: 'patrol' }, { rung: 'patrol' }, { rung: 'district' }, { rung: 'city' }],
  interception: [{ rung: 'patrol' }, { rung: 'city' }],
};

export function builtinLadder(
  ruleSetId: string,
  deadlinesSec: Readonly<Record<string, number>>,
): EscalationLadderSet {
  return {
    version: 1,
    kind: 'escalation_ladder',
    ruleSetId,
    ruleSetVersion: 0,
    publishedAt: new Date(0).toISOString(),
    publishedBy: 'builtin',
    description: 'Built into the router (deadlines from ROUTER_ACK_DEADLINES_SEC)',
    deadlinesSec: { ...deadlinesSec },
    ladders: Object.fromEntries(Object.entries(BUILTIN_RUNGS).map(([k, v]) => [k, [...v]])),
  };
}

/** What a ladder lacks for the router to use it; empty when usable. */
export function ladderProblems(ladder: EscalationLadderSet): string[] {
  const problems: string[] = [];
  for (const c of ROUTER_CATEGORIES) if (!ladder.ladders[c]?.length) problems.push(`no ladder for ${c}`);
  for (const c of ROUTER_CLASSES)
    if (ladder.deadlinesSec[c] === undefined) problems.push(`no deadline for ${c}`);
  return problems;
}

/** The rungs of a category. */
export function rungsOf(ladder: EscalationLadderSet, category: string): readonly LadderRung[] {
  return ladder.ladders[category] ?? [];
}

/** Seconds to wait for an acceptance at a rung: the rung's own deadline, else its class's. */
export function deadlineSecOf(
  ladder: EscalationLadderSet,
  category: string,
  rungIndex: number,
  deadlineClass: string,
): number {
  const own = rungsOf(ladder, category)[rungIndex]?.deadlineSec;
  return own ?? ladder.deadlinesSec[deadlineClass] ?? ladder.deadlinesSec.p4 ?? 600;
}

export interface LadderUpdate {
  readonly applied: boolean;
  readonly reason: string;
}

export class LadderSource {
  private ladder: EscalationLadderSet;

  constructor(builtin: EscalationLadderSet) {
    this.ladder = builtin;
  }

  current = (): EscalationLadderSet => this.ladder;

  offer(ruleSet: RuleSet): LadderUpdate {
    if (ruleSet.kind !== 'escalation_ladder') return { applied: false, reason: `kind ${ruleSet.kind}` };
    const cur = this.ladder;
    if (ruleSet.ruleSetId !== cur.ruleSetId)
      return { applied: false, reason: `other ladder ${ruleSet.ruleSetId}` };
    if (ruleSet.ruleSetVersion <= cur.ruleSetVersion) {
      return {
        applied: false,
        reason: `version ${ruleSet.ruleSetVersion} not newer than ${cur.ruleSetVersion}`,
      };
    }
    const problems = ladderProblems(ruleSet);
    if (problems.length > 0) return { applied: false, reason: `unusable: ${problems.join('; ')}` };
    this.ladder = ruleSet;
    return { applied: true, reason: `now ${ruleSet.ruleSetId} v${ruleSet.ruleSetVersion}` };
  }
}
