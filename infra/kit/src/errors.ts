/**
 * The error hierarchy every Fenghuo service uses. Each error carries a stable `code`, whether a
 * retry can help (`retriable`), the `cause`, and context for logs. A consumer retries retriable
 * errors and sends a message that failed with a non-retriable one to its dead-letter topic.
 */
export interface FenghuoErrorOptions {
  /** Stable, machine-readable code, e.g. `VALIDATION_FAILED`. */
  readonly code: string;
  /**
   * Whether trying the same thing again may succeed.
   * @defaultValue `false`
   */
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** Extra fields for logs (never personal data). */
  readonly context?: Readonly<Record<string, unknown>>;
}

export class FenghuoError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, options: FenghuoErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

/** A configuration value is missing or malformed; the service must not start. */
export class ConfigError extends FenghuoError {
  readonly problems: readonly { readonly variable: string; readonly reason: string }[];

  constructor(problems: readonly { variable: string; reason: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n')}`, {
      code: 'CONFIG_INVALID',
    });
    this.problems = problems;
  }
}

/** A message or request does not match its contract. Never retriable. */
export class ValidationFailedError extends FenghuoError {
  readonly issues: readonly { readonly path: string; readonly message: string }[];

  constructor(contract: string, issues: readonly { path: string; message: string }[]) {
    const first = issues
      .slice(0, 3)
      .map((i) => `${i.path || '(event)'}: ${i.message}`)
      .join('; ');
    super(
      `${contract} failed validation: ${first}${issues.length > 3 ? ` (+${issues.length - 3} more)` : ''}`,
      {
        code: 'VALIDATION_FAILED',
        context: { contract },
      },
    );
    this.issues = issues;
  }
}

/** Whether an unknown thrown value is worth retrying: FenghuoError says so; kafkajs errors carry `retriable`. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof FenghuoError) return err.retriable;
  if (typeof err === 'object' && err !== null && 'retriable' in err) {
    return (err as { retriable: unknown }).retriable === true;
  }
  return false;
}
