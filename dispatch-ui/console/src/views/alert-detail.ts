/**
 * One alert or incident in full for the operator: level, reason in plain language, the dissuasion
 * script, evidence, the timeline, its orders, and the actions (assign, reassign, stand down,
 * close), each sent as `command:issue` and answered by the gateway's acknowledgement.
 */
import type { Alert, DispatchOrder, IncidentReport, OperatorCommandBody } from '@fenghuo/contracts';
import { fill, h } from '../dom.ts';
import { age, clock, duration, metres } from '../format.ts';
import { bi, categoryText, fraudTypeText, levelText, t, unitStateText } from '../i18n.ts';
import { uuid } from '../ids.ts';
import type { UnitView } from '../live/store.ts';
import type { AppContext } from './context.ts';
import { timelineList } from './timeline.ts';

export type Matter = { kind: 'alert'; alert: Alert } | { kind: 'incident'; incident: IncidentReport };

/** The detail of one matter, made once when it is selected and updated in place after. */
export interface MatterDetailView {
  readonly el: HTMLElement;
  /** Redraws what the store says now; the actions (the unit chosen, the last answer) stay. */
  update(matter: Matter): void;
}

export function noMatter(): HTMLElement {
  return h('p.muted.empty', null, t('noAlerts'));
}

export function matterDetail(ctx: AppContext, first: Matter): MatterDetailView {
  const refId = first.kind === 'alert' ? first.alert.alertId : first.incident.incidentId;
  let matter = first;
  const location = () => (matter.kind === 'alert' ? matter.alert.location : matter.incident.location);
  const status = h('p.action-status', { id: 'action-status', role: 'status' });
  const send = async (command: OperatorCommandBody) => {
    status.textContent = '…';
    const res = await ctx.conn.send('command:issue', { commandId: uuid(), command });
    status.textContent = res.ok
      ? `${t('done')} · ${clock(new Date())}`
      : `${t('failed')}: ${res.error.message}`;
    status.dataset.ok = String(res.ok);
  };
  const activeOrder = () => ctx.store.ordersOf(refId).find((o) => o.status === 'active');

  // Units to choose from: available ones first, nearest first (straight line), then the rest. The
  // list is refreshed as units move, but not while the operator is choosing from it.
  const unitSelect = h('select', { id: 'assign-unit' });
  const homes = new Map(ctx.roster.map((u) => [u.unitId, u.home]));
  const drawUnits = () => {
    if (document.activeElement === unitSelect) return;
    const chosen = unitSelect.value;
    const here = location();
    // Where a unit is: its last report, else where it starts its shift (the roster).
    const at = (u: UnitView) => u.position?.location ?? homes.get(u.unitId);
    const distance = (u: UnitView) => {
      const there = at(u);
      return here && there ? metres(here, there) : 0;
    };
    const candidates = [...ctx.store.units.values()]
      .filter((u) => at(u) && u.kind !== 'duty_desk')
      .map((u) => ({ u, d: distance(u), free: u.status === undefined || u.status === 'available' }))
      .sort((a, b) => Number(b.free) - Number(a.free) || a.d - b.d)
      .slice(0, 12);
    if (chosen && !candidates.some((c) => c.u.unitId === chosen)) {
      const u = ctx.store.units.get(chosen);
      if (u) candidates.push({ u, d: distance(u), free: false });
    }
    fill(
      unitSelect,
      h('option', { value: '' }, t('chooseUnit')),
      candidates.map(({ u, d }) =>
        h(
          'option',
          { value: u.unitId },
          `${u.callSign ?? u.unitId} · ${u.status ? unitStateText(u.status) : '—'} · ${(d / 1000).toFixed(1)} km`,
        ),
      ),
    );
    unitSelect.value = chosen;
  };
  const matterFields = { refKind: first.kind, refId } as const;
  const reassign = h(
    'button',
    {
      id: 'action-reassign',
      onclick: () => {
        const o = activeOrder();
        if (o && unitSelect.value)
          void send({ type: 'reassign', ...matterFields, orderId: o.orderId, unitId: unitSelect.value });
      },
    },
    t('reassign'),
  );
  const actions = h(
    'div.actions',
    null,
    unitSelect,
    h(
      'button.primary',
      {
        id: 'action-assign',
        onclick: () => {
          if (unitSelect.value) void send({ type: 'assign', ...matterFields, unitId: unitSelect.value });
        },
      },
      t('assign'),
    ),
    reassign,
    h(
      'button.danger',
      { id: 'action-close', onclick: () => void send({ type: 'close', ...matterFields }) },
      t('close'),
    ),
  );

  const orderList = (orders: readonly DispatchOrder[]) =>
    orders.length
      ? h(
          'ul.orders',
          null,
          orders.map((o) =>
            h(
              'li',
              { dataset: { status: o.status } },
              h('b', null, ctx.store.units.get(o.unitId)?.callSign ?? o.unitId),
              ` · ${o.status} · ${clock(o.issuedAt)}`,
              o.etaSec === undefined ? '' : ` · ${t('eta')} ${duration(o.etaSec)}`,
              o.status === 'active'
                ? h(
                    'button.small',
                    {
                      onclick: () =>
                        void send({
                          type: 'stand_down',
                          ...matterFields,
                          orderId: o.orderId,
                          unitId: o.unitId,
                        }),
                    },
                    t('standDown'),
                  )
                : null,
            ),
          ),
        )
      : h('p.muted', null, t('none'));

  const info = (m: Matter): (Node | null)[] => {
    const common = [
      h('h3', null, t('timeline')),
      timelineList(ctx.store.timeline(refId)),
      h('h3', null, t('orders')),
      orderList(ctx.store.ordersOf(refId)),
    ];
    if (m.kind === 'incident') {
      const i = m.incident;
      return [
        h(
          'header',
          null,
          h('span.badge.incident', null, `P${i.priority}`),
          h('h2', null, categoryText(i.category)),
        ),
        h('p', null, `${i.address ?? ''} ${i.description ?? ''}`),
        h('p.muted', null, `${clock(i.occurredAt)} · ${age(i.occurredAt)} ${t('ago')} · ${i.channel}`),
        ...common,
      ];
    }
    const a = m.alert;
    return [
      h(
        'header',
        null,
        h(`span.badge.${a.level}`, null, levelText(a.level)),
        h('h2', null, fraudTypeText(a.fraudType)),
        h('span.muted', null, `${t('score')} ${a.score.toFixed(0)} · ${age(a.raisedAt)} ${t('ago')}`),
      ),
      h('h3', null, t('reason')),
      h('p.reason', null, bi(a.reason)),
      h('h3', null, t('script')),
      h('blockquote.script', null, bi(a.script)),
      a.evidence.length
        ? h(
            'details',
            null,
            h('summary', null, `${t('evidence')} (${a.evidence.length})`),
            h(
              'ul.evidence',
              null,
              a.evidence.map((e) => h('li', null, `${clock(e.occurredAt)} · ${bi(e.summary)}`)),
            ),
          )
        : null,
      ...common,
    ];
  };

  const body = h('div.detail-body');
  const el = h('article.detail', { id: 'detail', dataset: { ref: refId } }, body, actions, status);
  const update = (m: Matter) => {
    matter = m;
    if (m.kind === 'alert') el.dataset.level = m.alert.level;
    // An open list of evidence stays open.
    const open = body.querySelector('details')?.open ?? false;
    fill(body, info(m));
    const details = body.querySelector('details');
    if (details && open) details.open = true;
    reassign.disabled = activeOrder() === undefined;
    drawUnits();
  };
  update(first);
  return { el, update };
}
