/**
 * When `npm start` restarts a service that died: exponential back-off from `initialMs`, doubling per
 * crash up to `maxMs`, and back to the start once the service had stayed up for `stableMs` (a
 * crash after a long run is a new incident, not a crash loop).
 */
export interface RestartPolicy {
  /** @defaultValue `1000` */
  readonly initialMs: number;
  /** @defaultValue `30000` */
  readonly maxMs: number;
  /** @defaultValue `60000` */
  readonly stableMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialMs: 1_000, maxMs: 30_000, stableMs: 60_000 };

/** Crashes in a row so far (0 before the first) and the delay before the next start. */
export interface RestartDecision {
  readonly attempt: number;
  readonly delayMs: number;
}

/**
 * The next restart after a crash.
 * @param previousAttempt crashes in a row before this one (0 for the first crash)
 * @param upMs how long the service ran before this crash
 */
export function nextRestart(
  previousAttempt: number,
  upMs: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): RestartDecision {
  const attempt = upMs >= policy.stableMs ? 1 : previousAttempt + 1;
  const delayMs = Math.min(policy.maxMs, policy.initialMs * 2 ** (attempt - 1));
  return { attempt, delayMs };
}
