/**
 * Aggregate figures (the console's strip, the analysts' per-rule view), kept in Redis by the
 * consumers and pushed by every instance to its own sockets. Counters are per day and per region
 * room (`fig:<day>:<room>`), each counted once per matter (a mark in `fig:<day>:seen`), so a
 * replayed record after a restart is not counted twice. Open counts come from the live state.
 */
import type { Alert, DispatchOrder, Figures, RuleFigure, TimelineEvent } from '@fenghuo/contracts';
import type { ChainableCommander, Redis } from 'ioredis';
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

/** `YYYY-MM-DD` of the local day holding `ms`, and that day's start. */
export function dayOf(ms: number): { day: string; startMs: number } {
  const d = new Date(ms);
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { day: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, startMs: start };
}

export class FigureCounters {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {
    if (!('fhCountOnce' in redis)) redis.defineCommand('fhCountOnce', { lua: COUNT_ONCE });
  }

  /** Queues "count once": mark `mark` in the day's seen hash; when new, add each increment. */
  private once(
    pipe: ChainableCommander,
    day: string,
    mark: string,
    counts: readonly (readonly [room: string, field: string, incr: number])[],
  ): void {
    if (counts.length === 0) return;
    const keys = [`fig:${day}:seen`, ...counts.map(([room]) => `fig:${day}:${room}`)];
    const args: (string | number)[] = [mark, DAY_TTL_SEC];
    for (const [, field, incr] of counts) args.push(field, incr);
    (pipe as ChainableCommander & { fhCountOnce(n: number, ...a: (string | number)[]): unknown }).fhCountOnce(
      keys.length,
      ...keys,
      ...args,
    );
  }

  private async run(fill: (pipe: ChainableCommander, day: string) => void): Promise<void> {
    const pipe = this.redis.pipeline();
    fill(pipe, dayOf(this.now()).day);
    const results = (await pipe.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
  }

  /**
   * Alerts first seen today count as raised in their rooms; each rule that fired in one counts once.
   * Returns the commands, for the state's round trip (`StateStore.apply(changes, alongside)`).
   */
  alerts(items: readonly { alert: Alert; rooms: readonly string[] }[]): (pipe: ChainableCommander) => void {
    const { day } = dayOf(this.now());
    return (pipe) => {
      for (const { alert, rooms } of items) {
        this.once(
          pipe,
          day,
          `alert:${alert.alertId}`,
          rooms.map((r) => [r, 'raised', 1] as const),
        );
        for (const rule of alert.rulesFired) {
          this.once(pipe, day, `fired:${alert.alertId}:${rule.ruleId}`, [
            ['rules', `${rule.ruleId}|fired`, 1],
          ]);
          pipe.hset('fig:rule-names', rule.ruleId, rule.name);
        }
        pipe.hset(
          `fig:${day}:alert-rules`,
          alert.alertId,
          JSON.stringify(alert.rulesFired.map((r) => r.ruleId)),
        );
      }
      pipe.expire(`fig:${day}:alert-rules`, DAY_TTL_SEC);
    };
  }

  incidents(
    items: readonly { incidentId: string; rooms: readonly string[] }[],
  ): (pipe: ChainableCommander) => void {
    const { day } = dayOf(this.now());
    return (pipe) => {
      for (const { incidentId, rooms } of items) {
        this.once(
          pipe,
          day,
          `incident:${incidentId}`,
          rooms.map((r) => [r, 'incidents', 1] as const),
        );
      }
    };
  }

  /** Outcomes, escalations and acknowledgements, from the timeline: two round trips per batch at most. */
  async timeline(items: readonly { entry: TimelineEvent; rooms: readonly string[] }[]): Promise<void> {
    const { day } = dayOf(this.now());
    const outcomes = items.filter((i) => i.entry.type === 'outcome');
    const rulesOf = new Map<string, string[]>();
    if (outcomes.length > 0) {
      const ids = outcomes.map((o) => o.entry.refId);
      const raw = await this.redis.hmget(`fig:${day}:alert-rules`, ...ids);
      for (const [i, id] of ids.entries()) rulesOf.set(id, JSON.parse(raw[i] ?? '[]') as string[]);
    }
    await this.run((pipe) => {
      for (const { entry, rooms } of items) {
        if (entry.type === 'outcome') {
          const counts: [string, string, number][] = [];
          for (const r of rooms) {
            counts.push([r, `outcome:${entry.outcome}`, 1]);
            if (entry.amountSaved) counts.push([r, 'amountSaved', entry.amountSaved]);
            if (entry.lossAmount) counts.push([r, 'loss', entry.lossAmount]);
          }
          for (const ruleId of rulesOf.get(entry.refId) ?? []) {
            counts.push(['rules', `${ruleId}|labelled`, 1]);
            if (entry.outcome !== 'false_alarm') counts.push(['rules', `${ruleId}|confirmed`, 1]);
          }
          this.once(pipe, day, `outcome:${entry.refId}`, counts);
        } else if (entry.type === 'escalated') {
          this.once(
            pipe,
            day,
            `escalated:${entry.eventId}`,
            rooms.map((r) => [r, 'escalations', 1] as const),
          );
        } else if (entry.type === 'acknowledged') {
          pipe.hset(`fig:${day}:acked`, entry.orderId, '1');
          pipe.expire(`fig:${day}:acked`, DAY_TTL_SEC);
        }
      }
    });
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
