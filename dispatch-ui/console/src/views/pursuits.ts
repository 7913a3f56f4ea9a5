/**
 * Interceptions and the watch list: each active pursuit with its checkpoints (unit, its ETA, the
 * vehicle's earliest) and "captured" / "stop pursuit"; the watch list with add and remove.
 */
import type { OperatorCommandBody } from '@fenghuo/contracts';
import { h } from '../dom.ts';
import { clock, duration } from '../format.ts';
import { t } from '../i18n.ts';
import { uuid } from '../ids.ts';
import type { AppContext } from './context.ts';

export function pursuitsPanel(ctx: AppContext): HTMLElement {
  const status = h('p.action-status', { role: 'status' });
  const send = async (command: OperatorCommandBody) => {
    const res = await ctx.conn.send('command:issue', { commandId: uuid(), command });
    status.textContent = res.ok
      ? `${t('done')} · ${clock(new Date())}`
      : `${t('failed')}: ${res.error.message}`;
  };
  const plans = [...ctx.store.plans.values()].filter((p) => p.status === 'active');
  const pursuits = plans.length
    ? plans.map((p) =>
        h(
          'article.pursuit',
          { dataset: { pursuit: p.pursuitId } },
          h(
            'header',
            null,
            h('b.plate', null, p.plate),
            h('span.muted', null, `r${p.revision} · ${clock(p.createdAt)}`),
          ),
          h(
            'table.checkpoints',
            null,
            h(
              'tr',
              null,
              h('th', null, t('checkpoints')),
              h('th', null, t('eta')),
              h('th', null, t('vehicleEta')),
            ),
            p.checkpoints.map((c) =>
              h(
                'tr',
                { class: c.unitEtaSec <= c.vehicleEtaSec ? 'ok' : 'late' },
                h('td', null, `${ctx.store.units.get(c.unitId)?.callSign ?? c.unitId} · L${c.layer}`),
                h('td', null, duration(c.unitEtaSec)),
                h('td', null, duration(c.vehicleEtaSec)),
              ),
            ),
          ),
          h(
            'div.actions',
            null,
            h(
              'button.primary',
              {
                onclick: () =>
                  void send({
                    type: 'stop_pursuit',
                    pursuitId: p.pursuitId,
                    plate: p.plate,
                    result: 'captured',
                  }),
              },
              t('captured'),
            ),
            h(
              'button',
              {
                onclick: () =>
                  void send({
                    type: 'stop_pursuit',
                    pursuitId: p.pursuitId,
                    plate: p.plate,
                    result: 'cancelled',
                  }),
              },
              t('stopPursuit'),
            ),
          ),
        ),
      )
    : [h('p.muted', null, t('noPursuits'))];
  const plate = h('input', { placeholder: t('plate'), id: 'watch-plate', maxLength: 16 });
  const reason = h('input', { placeholder: t('reason'), id: 'watch-reason', maxLength: 1000 });
  const watch = [...ctx.store.watchList.values()].filter((w) => w.status === 'active');
  return h(
    'section.pursuits',
    null,
    h('h3', null, t('interceptions')),
    pursuits,
    h('h3', null, t('watchList')),
    h(
      'ul.watchlist',
      null,
      watch.map((w) =>
        h(
          'li',
          null,
          h('b.plate', null, w.plate),
          ` ${w.reason} `,
          h(
            'button.small',
            { onclick: () => void send({ type: 'watchlist_remove', plate: w.plate }) },
            t('remove'),
          ),
        ),
      ),
    ),
    h(
      'form.row',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          if (plate.value.trim().length >= 2 && reason.value.trim())
            void send({ type: 'watchlist_add', plate: plate.value.trim(), reason: reason.value.trim() });
        },
      },
      plate,
      reason,
      h('button', { type: 'submit' }, t('add')),
    ),
    status,
  );
}
