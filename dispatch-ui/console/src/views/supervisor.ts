/**
 * The supervisor's screen (city-wide): escalations waiting (escalated, not yet accepted again),
 * the ladder (each open matter's rung, the time left at it and its statutory countdown), orders
 * past their acknowledgement deadline, and each station's units and load, beside the map.
 */
import type { DispatchOrder, TimelineEvent } from '@fenghuo/contracts';
import { fill, h } from '../dom.ts';
import { age, clock, duration } from '../format.ts';
import { escalationReasonText, rungText, t, timelineText } from '../i18n.ts';
import type { Part } from '../live/store.ts';
import type { AppContext, View } from './context.ts';
import { figuresStrip } from './figures-strip.ts';
import { mapPanel } from './map-panel.ts';

export function mountSupervisor(ctx: AppContext): View {
  const { store } = ctx;
  const strip = figuresStrip();
  const escalations = h('section.panel', { id: 'escalations' });
  const ladder = h('section.panel', { id: 'ladder' });
  const overdue = h('section.panel', { id: 'overdue' });
  const load = h('section.panel', { id: 'station-load' });
  const panel = mapPanel(ctx, { circlesSwitch: true });
  fill(
    ctx.main,
    h(
      'div.supervisor',
      null,
      strip.el,
      h('aside.left', null, escalations, ladder, overdue),
      panel.el,
      h('aside.right', null, load),
    ),
  );

  const acknowledged = (o: DispatchOrder) =>
    store.timeline(o.refId).some((e) => e.type === 'acknowledged' && e.orderId === o.orderId);

  const draw = () => {
    // Escalations: the last escalation of each matter that no acceptance followed.
    const waiting: TimelineEvent[] = [];
    for (const [, entries] of store.allTimelines()) {
      const lastEsc = [...entries].reverse().find((e) => e.type === 'escalated');
      if (!lastEsc) continue;
      const after = entries.filter((e) => e.at >= lastEsc.at);
      if (!after.some((e) => e.type === 'acknowledged' || e.type === 'closed')) waiting.push(lastEsc);
    }
    fill(
      escalations,
      h('h2', null, `${t('escalations')} (${waiting.length})`),
      waiting.length
        ? h(
            'ul.list',
            null,
            waiting.map((e) =>
              h(
                'li',
                null,
                h('b', null, e.refId),
                ` · ${e.type === 'escalated' ? `${e.rung ? rungText(e.rung) : ''} ${escalationReasonText(e.reason)}` : ''} · ${age(e.at)}`,
              ),
            ),
          )
        : h('p.muted', null, t('none')),
    );
    const now = Date.now();
    // The ladder: every matter's active order (the highest rung when it has several), soonest deadline first.
    const open = new Map<string, DispatchOrder>();
    for (const o of store.orders.values()) {
      if (o.status !== 'active') continue;
      const cur = open.get(o.refId);
      if (!cur || o.escalationLevel > cur.escalationLevel) open.set(o.refId, o);
    }
    const climbing = [...open.values()].sort((a, b) => Date.parse(a.ackDeadline) - Date.parse(b.ackDeadline));
    const left = (iso: string) => {
      const s = Math.round((Date.parse(iso) - now) / 1000);
      return s >= 0 ? `${duration(s)} ${t('timeLeft')}` : t('overdue');
    };
    ladder.dataset.count = String(climbing.length);
    fill(
      ladder,
      h('h2', null, `${t('ladder')} (${climbing.length})`),
      climbing.length
        ? h(
            'ul.list',
            null,
            climbing.map((o) =>
              h(
                acknowledged(o) ? 'li' : Date.parse(o.ackDeadline) < now ? 'li.late' : 'li',
                { dataset: { ref: o.refId, rung: o.rung ?? '', level: String(o.escalationLevel) } },
                h('b', null, o.refId),
                ` · ${o.rung ? rungText(o.rung) : '—'} (${o.escalationLevel}) · ${acknowledged(o) ? timelineText('acknowledged') : left(o.ackDeadline)}`,
                o.statutoryDeadline
                  ? h(
                      'span.statutory',
                      { dataset: { statutory: o.statutoryDeadline } },
                      ` · ${t('statutory')} ${left(o.statutoryDeadline)}`,
                    )
                  : null,
              ),
            ),
          )
        : h('p.muted', null, t('none')),
    );
    const late = [...store.orders.values()].filter(
      (o) => o.status === 'active' && Date.parse(o.ackDeadline) < now && !acknowledged(o),
    );
    overdue.dataset.count = String(late.length);
    fill(
      overdue,
      h('h2', null, `${t('overdueOrders')} (${late.length})`),
      late.length
        ? h(
            'ul.list',
            null,
            late.map((o) =>
              h(
                'li.late',
                null,
                h('b', null, store.units.get(o.unitId)?.callSign ?? o.unitId),
                ` · ${o.kind} ${o.refId} · ${clock(o.ackDeadline)}`,
              ),
            ),
          )
        : h('p.muted', null, t('none')),
    );
    // Load per station: units by state and active orders.
    const rows = new Map<
      string,
      { units: number; available: number; engaged: number; off: number; orders: number }
    >();
    const row = (id: string) => {
      let r = rows.get(id);
      if (!r) {
        r = { units: 0, available: 0, engaged: 0, off: 0, orders: 0 };
        rows.set(id, r);
      }
      return r;
    };
    for (const u of store.units.values()) {
      if (!u.stationId || u.kind === 'duty_desk') continue;
      const r = row(u.stationId);
      r.units++;
      if (u.status === 'off_duty') r.off++;
      else if (u.status && u.status !== 'available') r.engaged++;
      else r.available++;
    }
    for (const o of store.orders.values()) {
      if (o.status !== 'active') continue;
      const st = o.stationId ?? store.units.get(o.unitId)?.stationId;
      if (st) row(st).orders++;
    }
    const names = new Map(
      (ctx.basemap?.stations.features ?? []).map((f) => [f.properties.id, f.properties.name]),
    );
    fill(
      load,
      h('h2', null, t('stationLoad')),
      h(
        'table.load',
        null,
        h(
          'tr',
          null,
          [
            t('station'),
            t('units'),
            t('available'),
            t('engaged'),
            t('offDuty'),
            t('activeOrders'),
            t('load'),
          ].map((c) => h('th', null, c)),
        ),
        [...rows.entries()]
          .sort((a, b) => a[0].localeCompare(b[0]))
          .map(([id, r]) => {
            const share = r.units - r.off > 0 ? r.engaged / (r.units - r.off) : 0;
            return h(
              'tr',
              { dataset: { station: id } },
              h('td', null, names.get(id) ?? id),
              h('td', null, String(r.units)),
              h('td', null, String(r.available)),
              h('td', null, String(r.engaged)),
              h('td', null, String(r.off)),
              h('td', null, String(r.orders)),
              h(
                'td',
                null,
                h('div.bar', null, h('i', { style: { width: `${Math.round(share * 100)}%` } })),
                `${Math.round(share * 100)}%`,
              ),
            );
          }),
      ),
    );
  };
  const ticker = setInterval(draw, 10_000);
  const off = store.subscribe((parts: ReadonlySet<Part>) => {
    if (parts.has('figures')) strip.draw(store.figures);
    if (parts.has('timeline') || parts.has('orders') || parts.has('units')) draw();
  });
  const relabel = () => {
    strip.draw(store.figures);
    draw();
    panel.relabel();
  };
  relabel();
  return {
    relabel,
    dispose() {
      clearInterval(ticker);
      off();
      panel.dispose();
    },
  };
}
