/**
 * Every instance polls Redis for due jobs (acknowledgement deadlines, matters waiting for a unit)
 * and claims each one with a lease before deciding on it, so two instances never act on the same
 * job, and a job whose instance died comes back when the lease runs out. Deadlines therefore
 * survive a restart: they live in Redis, not in memory. A deadline waits for the group to have read
 * `dispatch.acks` through it (the {@link AckFence}), so an answer given in time is never overtaken.
 */
import type { Clock, Logger } from '@fenghuo/kit';
import type { AckFence } from './ack-fence.ts';
import type { AcksRead } from './decide/job.ts';
import type { BatchStats, Decider } from './decider.ts';
import type { RouterStore } from './store.ts';
import { isDeadlineJob, jobTask } from './tasks.ts';

export interface JobPollerOptions {
  /** @defaultValue 500 */
  readonly intervalMs?: number;
  /** @defaultValue 30000 */
  readonly leaseMs?: number;
  /** Jobs claimed per poll. @defaultValue 200 */
  readonly batch?: number;
  /** After each poll that claimed jobs: how many, the batch's stats, how many deadlines waited for dispatch.acks. */
  readonly onBatch?: (claimed: number, stats: BatchStats, heldForAcks: number) => void;
  /**
   * How far `dispatch.acks` has been read: a due deadline escalates for a missing answer only when
   * it is read through the deadline, else it is claimed again at the next poll. Omitted = always.
   */
  readonly ackFence?: Pick<AckFence, 'readThrough'>;
}

export class JobPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: RouterStore,
    private readonly decider: Decider,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: JobPollerOptions = {},
  ) {}

  start(): void {
    if (this.stopped || this.timer) return;
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pollOnce()
        .then((claimed) =>
          this.schedule(claimed >= (this.opts.batch ?? 200) ? 0 : (this.opts.intervalMs ?? 500)),
        )
        .catch((err: unknown) => {
          this.logger.warn({ err }, 'job poll failed; trying again');
          this.schedule(this.opts.intervalMs ?? 500);
        });
    }, delay);
  }

  /** Claims and decides the jobs due now; returns how many were claimed. */
  async pollOnce(): Promise<number> {
    const now = this.clock.now();
    const leaseMs = this.opts.leaseMs ?? 30_000;
    const claimed = await this.store.claimJobs(now, leaseMs, this.opts.batch ?? 200);
    if (claimed.length === 0) return 0;
    const deadlines = claimed.filter((j) => isDeadlineJob(j.member));
    const fence = this.opts.ackFence;
    const acks: AcksRead | undefined =
      fence && deadlines.length > 0
        ? {
            readThrough: await fence.readThrough(Math.max(...deadlines.map((j) => j.dueAt))),
            retryAt: now + (this.opts.intervalMs ?? 500),
          }
        : undefined;
    const jobs = claimed.map((j) => jobTask(j.member, j.dueAt, acks));
    const stats = await this.decider.run(jobs.map((j) => j.task));
    // Every claim finished in one round trip: back to the job's real time, or away.
    await this.store.finishJobs(
      claimed.map((j, i) => ({
        member: j.member,
        leasedScore: now + leaseMs,
        at: jobs[i]?.rearmAt() ?? null,
      })),
    );
    this.opts.onBatch?.(
      claimed.length,
      stats,
      jobs.reduce((n, j) => n + (j.heldForAcks() ? 1 : 0), 0),
    );
    return claimed.length;
  }

  /** Idempotent: no new poll starts; waits for the one in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
