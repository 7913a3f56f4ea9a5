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

/** What a consumer does with a failed event: try again later, or set it aside on its dead-letter topic. */
export type FailureAction = 'retry' | 'dead-letter';

/** Network errors (errno codes) that go away when the peer comes back. */
const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/**
 * ioredis errors and Redis replies that mean "not now" rather than "never", the Cluster client's
 * among them: while a replica takes over a master's slots it gives up on a command after its
 * redirections, or cannot reach any node for a moment.
 */
const TRANSIENT_REDIS =
  /^(Connection is closed|Stream isn't writeable|LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN|READONLY|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available|Node is disconnected|Cluster isn't ready)/;

/**
 * A failure of the network or of a dependency that is starting or restarting: an errno code such as
 * `ECONNREFUSED`, ioredis's `MaxRetriesPerRequestError` and `Connection is closed`, or a Redis reply
 * such as `LOADING`. Libraries that know nothing of `FenghuoError` throw these.
 */
export function isTransientIoError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof e.code === 'string' && TRANSIENT_ERRNO.has(e.code)) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  return typeof e.message === 'string' && TRANSIENT_REDIS.test(e.message);
}

/**
 * The one rule every consumer follows when a handler fails:
 *
 * - a {@link FenghuoError} says itself: `retriable` → retry (with back-off, from the last committed
 *   offset), otherwise → dead-letter (the event is isolated and set aside, the partition moves on);
 * - another error with a boolean `retriable` flag (kafkajs) is taken at its word, except kafkajs's
 *   `KafkaJSNumberOfRetriesExceeded`: the broker stayed away longer than the client's retries, which
 *   is a reason to wait, not to set the event aside;
 * - a transient I/O error of a library ({@link isTransientIoError}: Redis or a socket away) → retry:
 *   a dependency restart delays work and loses none of it;
 * - any other error → dead-letter. An unknown error is most likely a bug or an input the code did not
 *   expect (a `TypeError` on a missing field); the same event would fail the same way on every
 *   retry and stall its partition for good. Dead-lettering keeps the partition moving and keeps the
 *   event, with the error, for an operator (`npm run dlq`) to replay after the fix.
 */
export function failureAction(err: unknown): FailureAction {
  if (err instanceof FenghuoError) return err.retriable ? 'retry' : 'dead-letter';
  if (err instanceof Error && err.name === 'KafkaJSNumberOfRetriesExceeded') return 'retry';
  if (typeof err === 'object' && err !== null && 'retriable' in err) {
    const flag = (err as { retriable: unknown }).retriable;
    if (typeof flag === 'boolean') return flag ? 'retry' : 'dead-letter';
  }
  return isTransientIoError(err) ? 'retry' : 'dead-letter';
}

/** A stable code for any thrown value: a FenghuoError's own, else the error's name (`TypeError`). */
export function errorCodeOf(err: unknown): string {
  if (err instanceof FenghuoError) return err.code;
  if (err instanceof Error) return err.name === 'Error' ? 'UNEXPECTED_ERROR' : err.name;
  return 'UNEXPECTED_ERROR';
}
