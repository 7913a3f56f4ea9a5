/**
 * A cell's daily summary for its officer: every accepted report counts once, by category and by
 * channel, in one Redis hash per cell and UTC day, kept 40 days. The counts are the gateway's own
 * (what it accepted), so the summary needs no consumer and no scan of Kafka.
 */
import type { CellReportSummary, IncidentCategory } from '@fenghuo/contracts';
import type { Redis } from 'ioredis';

export type ReportChannel = 'qr' | 'grid_worker';

const KEEP_SEC = 40 * 24 * 3600;

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export class ReportSummaries {
  constructor(private readonly redis: Redis) {}

  private key(cellId: string, day: string): string {
    return `gr:sum:${cellId}:${day}`;
  }

  async count(cellId: string, at: number, category: IncidentCategory, channel: ReportChannel): Promise<void> {
    const key = this.key(cellId, utcDay(at));
    await this.redis
      .multi()
      .hincrby(key, `cat:${category}`, 1)
      .hincrby(key, `ch:${channel}`, 1)
      .expire(key, KEEP_SEC)
      .exec();
  }

  async summary(cellId: string, day: string): Promise<CellReportSummary> {
    const fields = await this.redis.hgetall(this.key(cellId, day));
    const byCategory: Record<string, number> = {};
    let total = 0;
    for (const [field, value] of Object.entries(fields)) {
      if (!field.startsWith('cat:')) continue;
      byCategory[field.slice(4)] = Number(value);
      total += Number(value);
    }
    return {
      cellId,
      date: day,
      total,
      byCategory,
      byChannel: { qr: Number(fields['ch:qr'] ?? 0), grid_worker: Number(fields['ch:grid_worker'] ?? 0) },
    };
  }
}
