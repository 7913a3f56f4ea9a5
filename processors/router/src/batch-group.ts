/**
 * Group commit of partition batches. kafkajs hands an instance up to
 * `ROUTER_PARTITIONS_CONCURRENTLY` partition batches of a fetch at once; deciding each on its own
 * costs every one of them the same round trips (load, commit script pipeline, publish) one after
 * the other on a busy Redis and broker. Batches submitted while a run is in flight (or in the same
 * turn of the event loop) are decided together in the next run instead: one load pipeline, one
 * commit pipeline and one publish for all of them. Every partition batch still resolves only
 * once its own decisions are committed and published, so its offsets are committed after its
 * records as before, and the tasks of one partition stay in their order.
 *
 * A run that fails is run again one batch at a time, so each batch gets its own outcome (a poison
 * input fails only its own batch; the decisions the failed run committed are found made).
 */
export class BatchGroup<T> {
  private queue: { items: readonly T[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private draining = false;

  constructor(private readonly exec: (items: readonly T[]) => Promise<void>) {}

  /** Resolves when `items` were run (with whatever else was submitted at the same time). */
  submit(items: readonly T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Batches handed over by the same fetch arrive within this turn: they join the first run.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0);
        try {
          await this.exec(group.flatMap((g) => g.items));
          for (const g of group) g.resolve();
        } catch (err) {
          if (group.length === 1) {
            group[0]?.reject(err);
            continue;
          }
          for (const g of group) {
            try {
              await this.exec(g.items);
              g.resolve();
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
