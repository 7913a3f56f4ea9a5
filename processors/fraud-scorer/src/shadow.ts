/**
 * Shadow mode: a version of the rule set published as shadow (a `rules.sets` record under
 * `<ruleSetId>#shadow`, with `shadow.active`) is scored beside the live version on the same live
 * traffic, with state of its own (Redis namespace `fs:shadow:<ruleSetId>:v<version>:`, so every shadow
 * version starts clean and never reads or writes a live state), and its alert revisions go to
 * `alerts.shadow` only: never to `alerts.raised`, so nothing is dispatched.
 *
 * A shadow must never hurt live scoring: it runs after the live revisions of the batch are
 * published, and a failure of the shadow (a rule that throws, Redis refusing its writes) is logged
 * and counted, not thrown, so the batch still commits. The shadow comparison may then miss that
 * batch; `scorer_shadow_failures_total` says so.
 */
import { isShadow, type RuleSet } from '@fenghuo/contracts';
import {
  type AlertRevision,
  type BatchStats,
  type CompiledRuleSet,
  compileRuleSet,
  createScorer,
  type FraudScorer,
  RuleCompileError,
  type StateStore,
} from '@fenghuo/engine';
import type { RuleUpdateResult } from './rules-source.ts';

/** The shadow version in force (none until the rules service publishes one). */
export class ShadowRules {
  private compiled: CompiledRuleSet | undefined;

  constructor(private readonly ruleSetId: string) {}

  current = (): CompiledRuleSet | undefined => this.compiled;

  offer(ruleSet: RuleSet): RuleUpdateResult {
    if (ruleSet.kind !== 'fraud' || !isShadow(ruleSet))
      return { applied: false, reason: 'not a shadow version' };
    if (ruleSet.ruleSetId !== this.ruleSetId)
      return { applied: false, reason: `shadow of another rule set ${ruleSet.ruleSetId}` };
    const cur = this.compiled;
    if (ruleSet.shadow?.active === false) {
      if (cur === undefined || ruleSet.ruleSetVersion < cur.ruleSetVersion) {
        return { applied: false, reason: `stop of shadow v${ruleSet.ruleSetVersion}: not running` };
      }
      this.compiled = undefined;
      return { applied: true, reason: `shadow v${ruleSet.ruleSetVersion} stopped` };
    }
    if (cur !== undefined && ruleSet.ruleSetVersion <= cur.ruleSetVersion) {
      return {
        applied: false,
        reason: `shadow version ${ruleSet.ruleSetVersion} not newer than ${cur.ruleSetVersion}`,
      };
    }
    try {
      this.compiled = compileRuleSet(ruleSet);
      return { applied: true, reason: `shadow now ${ruleSet.ruleSetId} v${ruleSet.ruleSetVersion}` };
    } catch (err) {
      if (err instanceof RuleCompileError)
        return { applied: false, reason: `shadow does not compile: ${err.message}` };
      throw err;
    }
  }
}

/** The Redis namespace of a shadow version's states. */
export function shadowNamespace(ruleSetId: string, ruleSetVersion: number): string {
  return `fs:shadow:${ruleSetId}:v${ruleSetVersion}:`;
}

export interface ShadowScorerOptions {
  readonly rules: ShadowRules;
  /** A state store in the namespace of the given shadow version. */
  readonly storeFor: (ruleSetId: string, ruleSetVersion: number) => StateStore;
  /** @defaultValue `Date.now` */
  readonly clock?: () => number;
}

/**
 * The engine of the shadow version in force, or `undefined` when none runs. A new shadow version
 * gets a new engine over a new state namespace.
 */
export function shadowEngines(opts: ShadowScorerOptions): () => FraudScorer | undefined {
  let engine: { rules: CompiledRuleSet; scorer: FraudScorer } | undefined;
  return () => {
    const rules = opts.rules.current();
    if (rules === undefined) {
      engine = undefined;
      return undefined;
    }
    if (engine?.rules !== rules) {
      engine = {
        rules,
        scorer: createScorer({
          rules: () => rules,
          store: opts.storeFor(rules.ruleSetId, rules.ruleSetVersion),
          ...(opts.clock === undefined ? {} : { clock: opts.clock }),
        }),
      };
    }
    return engine.scorer;
  };
}

/** What the batch handlers need to run the shadow beside the live version. */
export interface ShadowDeps {
  /** The shadow engine in force, if any. */
  readonly engine: () => FraudScorer | undefined;
  /** Publishes on `alerts.shadow`; resolves when the broker acknowledged. */
  readonly publish: (revisions: readonly AlertRevision[]) => Promise<void>;
  /** A shadow batch failed (it is skipped, the live batch commits). */
  readonly onFailure: (err: unknown) => void;
  /** Shadow revisions published. */
  readonly onRevisions?: (stats: BatchStats) => void;
}
