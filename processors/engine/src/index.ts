/**
 * `@fenghuo/engine`: the fraud rule language and its scorer, shared by every processor that scores
 * (the fraud scorer live; the rules service's backtests next). Imports only `@fenghuo/contracts` and
 * the dependency-free kit modules `@fenghuo/kit/errors`, `@fenghuo/kit/mask` and `@fenghuo/kit/redis-slots`.
 *
 * - compile: a `FraudRuleSet` → a `CompiledRuleSet` (closures, one keyword automaton, rules by kind);
 * - score: one subject's indicators against its state → alert revisions (pure, event time only);
 * - complaint risk: the same rule language over a resolved incident's case (`compileComplaintRisk`);
 * - `createScorer`: batches against a `StateStore` with compare-and-set (memory or Redis);
 * - the built-in rule pack and `classifyText` (how the pack is evaluated on labelled texts);
 * - text models: the learned fraud-text classifier that `textModel` conditions ask, its registry
 *   (built-in and deployment model files, checked by SHA-256) and its training.
 */
export {
  type CompiledMatchRule,
  type CompiledRule,
  type CompiledRuleSet,
  type CompiledSequenceRule,
  type CompiledWindowRule,
  type CompileOptions,
  compileRuleSet,
  listStatus,
  type ModelHit,
} from './compile.ts';
export {
  type CompiledComplaintRisk,
  type ComplaintAssessment,
  type ComplaintCase,
  type ComplaintReason,
  compileComplaintRisk,
  complaintRiskProblems,
} from './complaint-risk.ts';
export { RuleCompileError, StateConflictError, TextModelError, UnreachableError } from './errors.ts';
export { DEFAULT_SCRIPTS, fraudTypeZh } from './explain.ts';
export { FRAUD_TYPE_GUIDES, type FraudTypeGuide } from './fraud-type-guide.ts';
export { KeywordAutomaton, KeywordSets, normalizeText } from './keywords.ts';
export { matchingRules } from './match.ts';
export {
  BUILTIN_RULE_SET_ID,
  builtinRuleSet,
  MODEL_RULE_IDS,
  MODEL_THRESHOLDS,
} from './rule-pack/builtin-pack.ts';
export {
  classifyText,
  type TextChannel,
  type TextVerdict,
  textIndicator,
} from './rule-pack/classify-text.ts';
export { KEYWORD_SETS, type KeywordSetName } from './rule-pack/keywords.ts';
export {
  type AlertPart,
  type Assessment,
  applyOutcome,
  assess,
  copyState,
  DENY_RULE_ID,
  levelFor,
  type PairedResult,
  type PairedState,
  type ScoreResult,
  sameRuleState,
  scorePaired,
  scoreSubject,
  withAlertPart,
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
export { composeCorpus, projectEvalTexts } from './text-model/corpus/compose.ts';
export type { Channel, CorpusText } from './text-model/corpus/types.ts';
export { displayNgram, modelText, ngramsOf } from './text-model/features.ts';
export { parseModelFile, serializeModel, sha256Hex, type TextModelFile } from './text-model/model-file.ts';
export {
  BUILTIN_MODEL_DIR,
  BUILTIN_TEXT_MODEL,
  builtinTextModels,
  loadTextModel,
  modelFileName,
  TextModelRegistry,
  type TextModelResolver,
} from './text-model/registry.ts';
export {
  type ScoreOptions,
  type TextAnalysis,
  TextModel,
  type TextModelScore,
} from './text-model/text-model.ts';
export { type TrainingText, type TrainOptions, trainTextModel } from './text-model/train.ts';
export { type WindowFigures, type WindowState, windowFigures } from './window.ts';
export { withoutTextModels } from './without-text-models.ts';
