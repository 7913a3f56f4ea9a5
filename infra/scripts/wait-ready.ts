/**
 * `npm start`'s readiness wait for one service: polls its `/readyz` until the service itself answers
 * 200. Another process answering on the port (another stack, a test's server) is an error naming who
 * answered (`SERVICE_PORT_TAKEN`), never "ready": the body of our services' `/readyz` names the
 * service (`{"service": "gateway", ...}`).
 */
import { FenghuoError } from '@fenghuo/kit';

export interface WaitReadyOptions {
  /** @defaultValue 250 */
  readonly intervalMs?: number;
  /** Time-out of one request. @defaultValue 2000 */
  readonly requestMs?: number;
}

/**
 * Resolves once `url` answers 200 with `service` = `name`. Fails with `SERVICE_EXITED` when
 * `exitOf()` says the process ended (its signal or exit code), `SERVICE_PORT_TAKEN` when something
 * else answers, `SERVICE_NOT_READY` after `timeoutMs`.
 */
export async function waitServiceReady(
  name: string,
  url: string,
  exitOf: () => string | undefined,
  timeoutMs: number,
  opts: WaitReadyOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = exitOf();
    if (exit !== undefined) {
      throw new FenghuoError(`${name} exited before it was ready (${exit})`, { code: 'SERVICE_EXITED' });
    }
    let answer: { status: number; service?: unknown } | undefined;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(opts.requestMs ?? 2_000) });
      const body = (await res.json().catch(() => ({}))) as { service?: unknown };
      answer = { status: res.status, service: body?.service };
    } catch {
      // not listening yet
    }
    if (answer !== undefined && answer.service !== name) {
      throw new FenghuoError(
        `${name}: ${url} is answered by ${typeof answer.service === 'string' ? `"${answer.service}"` : 'something else'}, not ${name}: another process holds the port`,
        { code: 'SERVICE_PORT_TAKEN' },
      );
    }
    if (answer?.status === 200) return;
    if (Date.now() > deadline) {
      throw new FenghuoError(`${name} not ready at ${url} within ${timeoutMs / 1000} s`, {
        code: 'SERVICE_NOT_READY',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 250));
  }
}
