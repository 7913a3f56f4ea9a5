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
import type { AppContext } from './context.ts';
import { timelineList } from './timeline.ts';

export type Matter = { kind: 'alert'; alert: Alert } | { kind: 'incident'; incident: IncidentReport };

export function matterDetail(ctx: AppContext, matter: Matter | undefined): HTMLElement {
  if (!matter) return h('p.muted.empty', null, t('noAlerts'));
  const refId = matter.kind === 'alert' ? matter.alert.alertId : matter.incident.incidentId;
  const location = matter.kind === 'alert' ? matter.alert.location : matter.incident.location;
  const status = h('p.action-status', { id: 'action-status', role: 'status' });
  const send = async (command: OperatorCommandBody) => {
    status.textContent = '…';
    const res = await ctx.conn.send('command:issue', { commandId: uuid(), command });
    status.textContent = res.ok
      ? `${t('done')} · ${clock(new Date())}`
      : `${t('failed')}: ${res.error.message}`;
    status.dataset.ok = String(res.ok);
  };
  const orders = ctx.store.ordersOf(refId);
  const active = orders.filter((o) => o.status === 'active');

  // Units to choose from: available ones first, nearest first (straight line), then the rest.
  const unitSelect = h('select', { id: 'assign-unit' });
  const candidates = [...ctx.store.units.values()]
    .filter((u) => u.position && u.kind !== 'duty_desk')
    .map((u) => ({
      u,
      d: location && u.position ? metres(location, u.position.location) : 0,
      free: u.status === undefined || u.status === 'available',
    }))
    .sort((a, b) => Number(b.free) - Number(a.free) || a.d - b.d)
    .slice(0, 12);
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
  const matterFields = { refKind: matter.kind, refId } as const;
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
    active[0]
      ? h(
          'button',
          {
            id: 'action-reassign',
            onclick: () => {
              const o = active[0] as DispatchOrder;
              if (unitSelect.value)
                void send({
                  type: 'reassign',
                  ...matterFields,
                  orderId: o.orderId,
                  unitId: unitSelect.value,
                });
            },
          },
          t('reassign'),
        )
      : null,
    h(
      'button.danger',
      { id: 'action-close', onclick: () => void send({ type: 'close', ...matterFields }) },
      t('close'),
    ),
  );

  const orderList = orders.length
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

  if (matter.kind === 'incident') {
    const i = matter.incident;
    return h(
      'article.detail',
      { id: 'detail', dataset: { ref: refId } },
      h(
        'header',
        null,
        h('span.badge.incident', null, `P${i.priority}`),
        h('h2', null, categoryText(i.category)),
      ),
      h('p', null, `${i.address ?? ''} ${i.description ?? ''}`),
      h('p.muted', null, `${clock(i.occurredAt)} · ${age(i.occurredAt)} ${t('ago')} · ${i.channel}`),
      h('h3', null, t('timeline')),
      timelineList(ctx.store.timeline(refId)),
      h('h3', null, t('orders')),
      orderList,
      actions,
      status,
    );
  }
  const a = matter.alert;
  return h(
    'article.detail',
    { id: 'detail', dataset: { ref: refId, level: a.level } },
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
    h('h3', null, t('timeline')),
    timelineList(ctx.store.timeline(refId)),
    h('h3', null, t('orders')),
    orderList,
    actions,
    status,
  );
}
