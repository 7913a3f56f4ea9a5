/**
 * Aggregate figures (the console's strip, the analysts' per-rule view), kept in Redis by the
 * consumers and pushed by every instance to its own sockets. Counters are per day and per region
 * room (`fig:<day>:<room>`), each counted once per matter (a mark in `fig:<day>:seen`), so a
 * replayed record after a restart is not counted twice. Open counts come from the live state.
 */
import type { Alert, DispatchOrder, Figures, RuleFigure, TimelineEvent } from '@fenghuo/contracts';
import type { Redis } from 'ioredis';
import type { StateStore } from './state-store.ts';

const DAY_TTL_SEC = 3 * 86_400;

/** Marks `mark` in the day's seen hash; when new, adds each increment. KEYS: seen, counters…; ARGV: mark, ttl, field, incr, … */
const COUNT_ONCE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], '1') == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
for i = 2, #KEYS do
  redis.call('HINCRBYFLOAT', KEYS[i], ARGV[2 * i - 1], ARGV[2 * i])
  redis.call('EXPIRE', KEYS[i], ARGV[2])
end
return 1`;

type CountingRedis = Redis & {
  fhCountOnce(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

/** `YYYY-MM-DD` of the local day holding `ms`, and that day's start. */
export function dayOf(ms: number): { day: string; startMs: number } {
  const d = new Date(ms);
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { day: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, startMs: start };
}

export class FigureCounters {
  private readonly redis: CountingRedis;

  constructor(
    redis: Redis,
    private readonly now: () => number = Date.now,
  ) {
    if (!('fhCountOnce' in redis)) redis.defineCommand('fhCountOnce', { lua: COUNT_ONCE });
    this.redis = redis as CountingRedis;
  }

  private async once(
    mark: string,
    counts: readonly [room: string, field: string, incr: number][],
  ): Promise<void> {
    if (counts.length === 0) return;
    const { day } = dayOf(this.now());
    const keys = [`fig:${day}:seen`, ...counts.map(([room]) => `fig:${day}:${room}`)];
    const args: (string | number)[] = [mark, DAY_TTL_SEC];
    for (const [, field, incr] of counts) args.push(field, incr);
    await this.redis.fhCountOnce(keys.length, ...keys, ...args);
  }

  /** An alert first seen today counts as raised; each rule that fired in it counts once. */
  async alert(alert: Alert, rooms: readonly string[]): Promise<void> {
    await this.once(
      `alert:${alert.alertId}`,
      rooms.map((r) => [r, 'raised', 1] as const),
    );
    const { day } = dayOf(this.now());
    for (const rule of alert.rulesFired) {
      await this.once(`fired:${alert.alertId}:${rule.ruleId}`, [['rules', `${rule.ruleId}|fired`, 1]]);
    }
    const pipe = this.redis.pipeline();
    pipe.hset(`fig:${day}:alert-rules`, alert.alertId, JSON.stringify(alert.rulesFired.map((r) => r.ruleId)));
    pipe.expire(`fig:${day}:alert-rules`, DAY_TTL_SEC);
    for (const rule of alert.rulesFired) pipe.hset('fig:rule-names', rule.ruleId, rule.name);
    await pipe.exec();
  }

  async incident(incidentId: string, rooms: readonly string[]): Promise<void> {
    await this.once(
      `incident:${incidentId}`,
      rooms.map((r) => [r, 'incidents', 1] as const),
    );
  }

  /** Outcomes, escalations and acknowledgements, from the timeline. */
  async timeline(entry: TimelineEvent, rooms: readonly string[]): Promise<void> {
    const { day } = dayOf(this.now());
    if (entry.type === 'outcome') {
      const counts: [string, string, number][] = [];
      for (const r of rooms) {
        counts.push([r, `outcome:${entry.outcome}`, 1]);
        if (entry.amountSaved) counts.push([r, 'amountSaved', entry.amountSaved]);
        if (entry.lossAmount) counts.push([r, 'loss', entry.lossAmount]);
      }
      const ruleIds = JSON.parse(
        (await this.redis.hget(`fig:${day}:alert-rules`, entry.refId)) ?? '[]',
      ) as string[];
      for (const ruleId of ruleIds) {
        counts.push(['rules', `${ruleId}|labelled`, 1]);
        if (entry.outcome !== 'false_alarm') counts.push(['rules', `${ruleId}|confirmed`, 1]);
      }
      await this.once(`outcome:${entry.refId}`, counts);
    } else if (entry.type === 'escalated') {
      await this.once(
        `escalated:${entry.eventId}`,
        rooms.map((r) => [r, 'escalations', 1] as const),
      );
    } else if (entry.type === 'acknowledged') {
      await this.redis.hset(`fig:${day}:acked`, entry.orderId, '1');
      await this.redis.expire(`fig:${day}:acked`, DAY_TTL_SEC);
    }
  }

  /** The figures of a region room (`city`, `station:…`, `district:…`); with `rules`, the per-rule ones. */
  async figures(room: string, state: StateStore, opts: { rules?: boolean } = {}): Promise<Figures> {
    const now = this.now();
    const { day, startMs } = dayOf(now);
    const [counters, live, acked] = await Promise.all([
      this.redis.hgetall(`fig:${day}:${room}`),
      state.read(['alerts', 'orders', 'incidents'], [room]),
      this.redis.hgetall(`fig:${day}:acked`),
    ]);
    const n = (field: string) => Number(counters[field] ?? 0);
    const alerts = (live.get('alerts') ?? []) as Alert[];
    const orders = (live.get('orders') ?? []) as DispatchOrder[];
    const byLevel = (level: Alert['level']) => alerts.filter((a) => a.level === level).length;
    const figures: Figures = {
      at: new Date(now).toISOString(),
      since: new Date(startMs).toISOString(),
      alerts: {
        raised: n('raised'),
        open: alerts.length,
        notice: byLevel('notice'),
        warning: byLevel('warning'),
        urgent: byLevel('urgent'),
      },
      outcomes: {
        dissuaded: n('outcome:dissuaded'),
        loss_prevented: n('outcome:loss_prevented'),
        too_late: n('outcome:too_late'),
        false_alarm: n('outcome:false_alarm'),
      },
      amountSavedCny: n('amountSaved'),
      lossCny: n('loss'),
      incidents: { reported: n('incidents'), open: (live.get('incidents') ?? []).length },
      orders: {
        active: orders.length,
        pastDeadline: orders.filter((o) => Date.parse(o.ackDeadline) < now && acked[o.orderId] === undefined)
          .length,
        escalations: n('escalations'),
      },
    };
    if (room.startsWith('station:')) figures.region = { kind: 'station', id: room.slice('station:'.length) };
    if (room.startsWith('district:'))
      figures.region = { kind: 'district', id: room.slice('district:'.length) };
    if (opts.rules) figures.rules = await this.ruleFigures(day);
    return figures;
  }

  private async ruleFigures(day: string): Promise<RuleFigure[]> {
    const [counts, names] = await Promise.all([
      this.redis.hgetall(`fig:${day}:rules`),
      this.redis.hgetall('fig:rule-names'),
    ]);
    const byRule = new Map<string, { fired: number; labelled: number; confirmed: number }>();
    for (const [field, value] of Object.entries(counts)) {
      const [ruleId, what] = field.split('|') as [string, 'fired' | 'labelled' | 'confirmed'];
      const r = byRule.get(ruleId) ?? { fired: 0, labelled: 0, confirmed: 0 };
      r[what] = Number(value);
      byRule.set(ruleId, r);
    }
    return [...byRule.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(0, 1000)
      .map(([ruleId, r]) => ({
        ruleId,
        ...(names[ruleId] === undefined ? {} : { name: names[ruleId].slice(0, 200) }),
        fired: r.fired,
        labelled: r.labelled,
        confirmed: r.confirmed,
        ...(r.labelled > 0 ? { precision: r.confirmed / r.labelled } : {}),
      }));
  }
}
