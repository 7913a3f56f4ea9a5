/**
 * The escalation ladder in force: the built-in one (rungs below, deadlines from
 * `ROUTER_ACK_DEADLINES_SEC`) until a newer version of the configured ladder id arrives on
 * `rules.sets`. A published ladder must cover what the router dispatches (the `alert`, `incident`
 * and `interception` ladders, the `p1`…`p4` and alert-level classes); one that does not is ignored
 * and the one in force stays. The later categories — protection orders with their legal clock and
 * complaint follow-ups — take the built-in rungs, classes and clock when a published ladder does
 * not name them, so older ladders stay usable.
 *
 * Legal clocks: a matter with a statutory deadline waits at each rung at most an even share of the
 * time left before the clock's safety margin, so it reaches the top rung (city command) no later
 * than `marginSec` before the deadline, however slowly each rung answers.
 */
import type { EscalationLadderSet, LadderRung, RuleSet, StatutoryClock } from '@fenghuo/contracts';
import type { MatterCategory } from './model.ts';

export const ROUTER_CATEGORIES: readonly MatterCategory[] = ['alert', 'incident', 'interception'];
export const ROUTER_CLASSES: readonly string[] = ['p1', 'p2', 'p3', 'p4', 'notice', 'warning', 'urgent'];
/** Categories (and their deadline classes of the same name) a published ladder may leave to the built-in one. */
export const LATER_CATEGORIES: readonly MatterCategory[] = ['protection_order', 'complaint_followup'];

const HOUR = 3600;

/** Protection orders: 72 h, 24 h when urgent (priority 1); the city sees it 6 h before the end at the latest. */
export const BUILTIN_STATUTORY_CLOCKS: Readonly<Record<string, StatutoryClock>> = {
  protection_order: { deadlineSec: 72 * HOUR, urgentDeadlineSec: 24 * HOUR, marginSec: 6 * HOUR },
};

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
  protection_order: [{ rung: 'officer' }, { rung: 'duty_desk' }, { rung: 'district' }, { rung: 'city' }],
  // A complaint follow-up goes to the supervisor first: the station's duty desk.
  complaint_followup: [{ rung: 'duty_desk' }, { rung: 'district' }, { rung: 'city' }],
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
    statutoryClocks: { ...BUILTIN_STATUTORY_CLOCKS },
  };
}

/** A published ladder with the later categories' rungs, classes and clocks it lacks taken from `builtin`. */
export function withLaterCategories(
  ladder: EscalationLadderSet,
  builtin: EscalationLadderSet,
): EscalationLadderSet {
  const ladders = { ...ladder.ladders };
  const deadlinesSec = { ...ladder.deadlinesSec };
  const statutoryClocks = { ...(ladder.statutoryClocks ?? {}) };
  for (const c of LATER_CATEGORIES) {
    const rungs = builtin.ladders[c];
    if (!ladders[c] && rungs) ladders[c] = [...rungs];
    const sec = builtin.deadlinesSec[c];
    if (deadlinesSec[c] === undefined && sec !== undefined) deadlinesSec[c] = sec;
    const clock = builtin.statutoryClocks?.[c];
    if (!statutoryClocks[c] && clock) statutoryClocks[c] = clock;
  }
  return { ...ladder, ladders, deadlinesSec, statutoryClocks };
}

/**
 * The absolute statutory deadline (epoch ms) of a matter of `category` signalled at `signalAt`:
 * the urgent time for priority 1, else the normal one; `undefined` for categories without a clock.
 */
export function statutoryDeadlineOf(
  ladder: EscalationLadderSet,
  category: string,
  signalAt: number,
  priority: number,
): number | undefined {
  const clock = ladder.statutoryClocks?.[category];
  if (!clock) return undefined;
  return signalAt + (priority === 1 ? clock.urgentDeadlineSec : clock.deadlineSec) * 1000;
}

/**
 * When an order given at `rungIndex` at `now` escalates unless accepted (epoch ms): the rung's (or
 * class's) deadline, and for a matter with a statutory deadline no later than an even share of the
 * time left before the safety margin per rung still above, so the top rung is reached by
 * `statutoryDeadline - marginSec` at the latest. At the top rung the clock itself is the limit.
 */
export function rungDeadlineAt(
  ladder: EscalationLadderSet,
  category: string,
  rungIndex: number,
  deadlineClass: string,
  now: number,
  statutoryDeadline?: number,
): number {
  const own = now + deadlineSecOf(ladder, category, rungIndex, deadlineClass) * 1000;
  if (statutoryDeadline === undefined) return own;
  const above = rungsOf(ladder, category).length - 1 - rungIndex;
  if (above <= 0) return Math.max(now, Math.min(own, statutoryDeadline));
  const marginMs = (ladder.statutoryClocks?.[category]?.marginSec ?? 0) * 1000;
  const share = (statutoryDeadline - marginMs - now) / above;
  return Math.max(now, Math.min(own, now + Math.floor(share)));
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

  constructor(private readonly builtin: EscalationLadderSet) {
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
    this.ladder = withLaterCategories(ruleSet, this.builtin);
    return { applied: true, reason: `now ${ruleSet.ruleSetId} v${ruleSet.ruleSetVersion}` };
  }
}
