/**
 * Group commit of partition batches. kafkajs hands an instance up to
 * `ROUTER_PARTITIONS_CONCURRENTLY` partition batches of a fetch at once; deciding each on its own
 * costs every one of them the same round trips (load, commit script pipeline, publish) one after
 * the other on a busy Redis and broker. Batches submitted while a run is in flight (or in the same
 * turn of the event loop) are decided together in the next run instead: one load pipeline, one
 * commit pipeline and one publish for all of them. The tasks of one partition stay in their order.
 *
 * A run has two phases: the first (load, decide, commit to Redis) ends when `exec` resolves, the
 * second (publish, outbox clean-up) when the `durable` it returns does. Runs are serialized
 * through their first phase (a run's load sees the commits of the run before). `submit` resolves
 * with its run's `durable` once the first phase is done; its offsets are committed once that
 * resolves (the kit consumer's two-phase mode), so they still follow their records. With
 * `overlap` 0 a run's second phase ends before `submit` resolves (one phase, as before); with
 * `overlap` n a run starts while at most n earlier runs are still publishing (back-pressure: the
 * batches wait, so kafkajs fetches no further).
 *
 * A run whose first phase fails is run again one batch at a time, so each batch gets its own
 * outcome (a poison input fails only its own batch; the decisions the failed run committed are
 * found made).
 */
export interface RunOutcome {
  /** Resolves once the run's records are published; rejects when they could not be. */
  readonly durable: Promise<void>;
}

export class BatchGroup<T> {
  private queue: { items: readonly T[]; resolve: (o: RunOutcome) => void; reject: (err: unknown) => void }[] =
    [];
  private draining = false;
  /** Second phases still under way, oldest first. */
  private readonly publishing: Promise<void>[] = [];

  constructor(
    private readonly exec: (items: readonly T[]) => Promise<RunOutcome>,
    private readonly overlap = 0,
  ) {}

  /** Resolves when `items` were run (with whatever else was submitted at the same time) through the first phase. */
  submit(items: readonly T[]): Promise<RunOutcome> {
    return new Promise<RunOutcome>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Batches handed over by the same fetch arrive within this turn: they join the first run.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Runs `items` through the first phase; with no overlap, through the second as well. */
  private async once(items: readonly T[]): Promise<RunOutcome> {
    const outcome = await this.exec(items);
    const durable = outcome.durable;
    if (this.overlap === 0) {
      await durable;
      return { durable: Promise.resolve() };
    }
    const settled = durable.then(
      () => undefined,
      () => undefined,
    );
    this.publishing.push(settled);
    void settled.finally(() => {
      const i = this.publishing.indexOf(settled);
      if (i >= 0) this.publishing.splice(i, 1);
    });
    return { durable };
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // Back-pressure: at most `overlap` runs publishing while the next one decides.
        while (this.overlap > 0 && this.publishing.length > this.overlap) await this.publishing[0];
        const group = this.queue.splice(0);
        try {
          const outcome = await this.once(group.flatMap((g) => g.items));
          for (const g of group) g.resolve(outcome);
        } catch (err) {
          if (group.length === 1) {
            group[0]?.reject(err);
            continue;
          }
          for (const g of group) {
            try {
              g.resolve(await this.once(g.items));
            } catch (own) {
              g.reject(own);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
