/**
 * The engine's errors, in the platform's hierarchy (`FenghuoError`: a stable `code`, `retriable`,
 * context for logs). A consumer retries retriable errors and dead-letters the input of the others.
 */
import { FenghuoError } from '@fenghuo/kit/errors';

/**
 * A rule set passes the contract's schema but cannot run (unknown keyword set, bad regex, levels out
 * of order, duplicate rule id, …). Not retriable: the same rule set never compiles; the running one
 * stays in force.
 */
export class RuleCompileError extends FenghuoError {
  /** The rule at fault, when one rule is (not for set-wide problems such as levels). */
  readonly ruleId: string | undefined;

  constructor(message: string, ruleId?: string, options: { readonly cause?: unknown } = {}) {
    super(ruleId === undefined ? message : `rule ${ruleId}: ${message}`, {
      code: 'RULE_COMPILE_FAILED',
      retriable: false,
      cause: options.cause,
      context: ruleId === undefined ? {} : { ruleId },
    });
    this.ruleId = ruleId;
  }
}

/**
 * Some subjects' state writes kept losing compare-and-set races (another instance kept writing them,
 * as during a long rebalance). Retriable: the batch is retried from its committed offset.
 */
export class StateConflictError extends FenghuoError {
  constructor(
    readonly rounds: number,
    readonly subjects: number,
  ) {
    super(`state write lost ${rounds} times for ${subjects} subjects`, {
      code: 'STATE_CONFLICT',
      retriable: true,
      context: { rounds, subjects },
    });
  }
}

/**
 * A text model file cannot be used: missing, unreadable, malformed, or not the file a rule set names
 * (its SHA-256 differs). Not retriable: a rule set that needs it does not compile, and the running
 * one stays in force.
 */
export class TextModelError extends FenghuoError {
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { code: 'TEXT_MODEL_UNUSABLE', retriable: false, cause: options.cause });
  }
}

/**
 * A value the types say cannot exist (the default branch of an exhaustive switch). Not retriable, so
 * should one ever arrive the consumer dead-letters its event instead of retrying it forever.
 */
export class UnreachableError extends FenghuoError {
  constructor(what: string, value: unknown) {
    super(`unknown ${what} ${JSON.stringify(value)}`, { code: 'UNREACHABLE', retriable: false });
  }
}
