/**
 * `@fenghuo/engine`: the fraud rule language and its scorer, shared by every processor that scores
 * (the fraud scorer live; the rules service's backtests next). Imports only `@fenghuo/contracts` and
 * the dependency-free kit modules `@fenghuo/kit/errors` and `@fenghuo/kit/mask`.
 *
 * - compile: a `FraudRuleSet` → a `CompiledRuleSet` (closures, one keyword automaton, rules by kind);
 * - score: one subject's indicators against its state → alert revisions (pure, event time only);
 * - `createScorer`: batches against a `StateStore` with compare-and-set (memory or Redis);
 * - the built-in rule pack and `classifyText` (how the pack is evaluated on labelled texts).
 */
export {
  type CompiledMatchRule,
  type CompiledRule,
  type CompiledRuleSet,
  type CompiledSequenceRule,
  type CompiledWindowRule,
  compileRuleSet,
  listStatus,
} from './compile.ts';
export { RuleCompileError, StateConflictError, UnreachableError } from './errors.ts';
export { DEFAULT_SCRIPTS } from './explain.ts';
export { KeywordAutomaton, KeywordSets, normalizeText } from './keywords.ts';
export { matchingRules } from './match.ts';
export { BUILTIN_RULE_SET_ID, builtinRuleSet } from './rule-pack/builtin-pack.ts';
export { classifyText, type TextVerdict } from './rule-pack/classify-text.ts';
export { KEYWORD_SETS, type KeywordSetName } from './rule-pack/keywords.ts';
export {
  type Assessment,
  applyOutcome,
  assess,
  DENY_RULE_ID,
  levelFor,
  type ScoreResult,
  scoreSubject,
} from './score.ts';
export * from './scorer.ts';
export {
  type AlertState,
  decodeState,
  emptyState,
  encodeState,
  type FiredState,
  MAX_SEEN,
  type StreamPosition,
  type SubjectState,
} from './state.ts';
export { MemoryStateStore } from './store/memory-state-store.ts';
export {
  LIVE_STATE_NAMESPACE,
  RedisStateStore,
  type RedisStateStoreOptions,
  stateKey,
} from './store/redis-state-store.ts';
export type { SaveOptions, StateStore, StateWrite, Versioned } from './store/state-store.ts';
export { type WindowFigures, type WindowState, windowFigures } from './window.ts';
