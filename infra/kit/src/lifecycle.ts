/**
 * Process lifecycle: one place that runs every cleanup step on SIGTERM/SIGINT (in reverse order of
 * registration, each even when an earlier one fails), and an entry-point wrapper that logs a
 * failed start and exits 1.
 */
import type { Logger } from './logger.ts';

type Step = { readonly name: string; readonly run: () => Promise<void> | void };

export class Shutdown {
  private readonly steps: Step[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    /**
     * A step slower than this is abandoned so shutdown always ends.
     * @defaultValue `15000`
     */
    private readonly stepTimeoutMs = 15_000,
  ) {}

  /** Registers a cleanup step; steps run last-registered first. */
  add(name: string, run: () => Promise<void> | void): this {
    this.steps.push({ name, run });
    return this;
  }

  /** Idempotent: every call returns the same promise; every step runs even when one fails. */
  close(reason = 'shutdown'): Promise<void> {
    this.closing ??= this.runSteps(reason);
    return this.closing;
  }

  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  private async runSteps(reason: string): Promise<void> {
    this.logger.info({ reason }, 'shutting down');
    for (const step of [...this.steps].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(step.run),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`timed out after ${this.stepTimeoutMs} ms`)),
              this.stepTimeoutMs,
            );
          }),
        ]);
      } catch (err) {
        this.logger.error({ err, step: step.name }, 'shutdown step failed');
      } finally {
        clearTimeout(timer);
      }
    }
    this.logger.info('stopped');
  }

  /** Closes on SIGTERM and SIGINT, then exits with `code`. */
  onSignals(code = 0): this {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void this.close(signal).then(() => process.exit(code));
      });
    }
    return this;
  }
}

/** Entry-point wrapper: `runMain(logger, main)`; a rejected start is logged and exits 1. */
export function runMain(logger: Logger, main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    logger.fatal({ err }, 'failed to start');
    // Give pino a tick to flush before exiting.
    setTimeout(() => process.exit(1), 50);
  });
}
